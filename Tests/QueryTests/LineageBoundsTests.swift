import IPG
import Query
import Testing

/// A lineage's depth stays within the models' layers with edges and its top within top^depth ≤ 10
/// paths; literals are checked when the query compiles, `$parameters` when they have values.
@Suite struct LineageBoundsTests {
    /// The 784-350-50-10 MLP the bounds were measured on.
    static let catalog = Catalog(
        models: [Catalog.Model(fingerprint: "cd34", name: "mlp", layers: [
            Catalog.Layer(index: 0, name: "x", kind: .input, nodeCount: 784, nodeSize: 1),
            Catalog.Layer(index: 1, name: "fc1", kind: .dense, nodeCount: 350, nodeSize: 1),
            Catalog.Layer(index: 2, name: "fc2", kind: .dense, nodeCount: 50, nodeSize: 1),
            Catalog.Layer(index: 3, name: "fc3", kind: .dense, nodeCount: 10, nodeSize: 1),
        ])],
        tags: ["clean"])

    private let prefix = "from traces where tag = 'clean' and input = 0 | "

    private func compile(_ stage: String) -> Result<CompiledQuery, DiagnosticList> {
        QueryCompiler.compile(SourceText(prefix + stage), catalog: Self.catalog)
    }

    /// The diagnostic's code, message and the text it points at; nil when the stage compiles.
    private func refusal(_ stage: String) -> (code: String, message: String, at: String)? {
        guard case .failure(let diagnostics) = compile(stage) else { return nil }
        let diagnostic = diagnostics.first
        return (diagnostic.code.rawValue, diagnostic.message, SourceText(prefix + stage).text(of: diagnostic.span))
    }

    @Test func everyDepthUpToTheBoundCompiles() throws {
        for (depth, top) in [(1, 10), (2, 3), (3, 2), (3, 1)] {
            _ = try compile("lineage depth \(depth) top \(top)").get()
            _ = try compile("lineage forward from 0:5 depth \(depth) top \(top)").get()
        }
    }

    @Test func pathsPastTheBoundAreRefusedAtDepthAndTop() {
        let wide = refusal("lineage depth 3 top 3")
        #expect(wide?.code == "E049")
        #expect(wide?.message == "lineage depth 3 top 3 follows up to 3^3 paths per trace; at most 10: depth 2 top 3, depth 3 top 2")
        #expect(wide?.at == "3 top 3")
        #expect(refusal("lineage depth 2 top 4")?.message.hasPrefix("lineage depth 2 top 4 follows up to 4^2 paths") == true)
        let fifty = refusal("lineage depth 3 top 50")
        #expect(fifty?.message == "lineage top 50 is out of bounds: 1 to 10")
        #expect(fifty?.at == "50")
        #expect(refusal("lineage depth 1 top 0")?.message == "lineage top 0 is out of bounds: 1 to 10")
    }

    @Test func depthStopsAtTheModelsLayersWithEdges() {
        let five = refusal("lineage depth 5 top 1")
        #expect(five?.code == "E049")
        #expect(five?.message == "lineage depth 5 is out of bounds: at most 3 (the models' layers with edges back from the output)")
        #expect(five?.at == "5")
        #expect(refusal("lineage from 2:7 depth 3 top 1")?.message == "lineage depth 3 is out of bounds: at most 2 (the models' layers with edges back from layer 2)")
        #expect(refusal("lineage forward from layer 2 node 7 depth 2 top 1")?.message
            == "lineage depth 2 is out of bounds: at most 1 (the models' layers with edges forward from layer 2)")
        #expect(refusal("lineage from 0:7 depth 1 top 1")?.message
            == "lineage depth 1 is out of bounds: the models have no layers with edges to follow back from layer 0")
        #expect(refusal("lineage depth 0 top 1")?.message == "lineage depth 0 is out of bounds: at most 3 (the models' layers with edges back from the output)")
        #expect(refusal("lineage depth 1.5 top 1")?.code == "E048")
    }

    @Test func parametersAreCheckedWhenTheyHaveValues() throws {
        let both = try compile("lineage depth $depth top $k").get()
        #expect(both.problems(withParameters: ["depth": .integer(2), "k": .integer(3)]).isEmpty)
        #expect(both.problems(withParameters: ["depth": .integer(3), "k": .integer(3)]).map(\.code.rawValue) == ["E049"])
        #expect(both.problems(withParameters: ["depth": .integer(4), "k": .integer(1)]).first?.message
            == "lineage depth 4 is out of bounds: at most 3 (the models' layers with edges back from the output)")
        #expect(both.problems(withParameters: ["depth": .integer(2), "k": .number(2.5)]).first?.message
            == "a lineage's depth and top needs a whole number, found $k = 2.5")
        #expect(both.problems(withParameters: ["k": .integer(11)]).first?.message == "lineage top 11 is out of bounds: 1 to 10", "top alone is checked")
        // A literal beside a parameter is checked at once as far as it goes, jointly later.
        #expect(refusal("lineage depth $depth top 11")?.code == "E049")
        let literalDepth = try compile("lineage depth 3 top $k").get()
        #expect(literalDepth.problems(withParameters: ["k": .integer(3)]).map(\.code.rawValue) == ["E049"])
        #expect(literalDepth.problems(withParameters: ["k": .integer(2)]).isEmpty)
        // From a parameter layer, the depth may reach any dense layer.
        let anyStart = try compile("lineage forward from layer $l node 0 depth 3 top 1").get()
        #expect(anyStart.problems(withParameters: ["l": .integer(0)]).isEmpty)
    }
}
