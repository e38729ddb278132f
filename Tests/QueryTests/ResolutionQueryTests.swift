import IPG
import Query
import Testing

/// Layers kept at summary resolution: node queries compile, what needs a full map (edges into
/// or out of the layer, edge summaries, lineages through it) is diagnostic E062 naming it.
@Suite struct ResolutionQueryTests {
    /// An MLP whose first hidden layer is summarised (values per node: mean, max, share active).
    static func catalog(firstHidden resolution: LayerResolution) -> Catalog {
        Catalog(
            models: [Catalog.Model(fingerprint: "bb22", name: "mlp", layers: [
                Catalog.Layer(index: 0, name: "x", kind: .input, nodeCount: 4, nodeSize: 1),
                Catalog.Layer(index: 1, name: "fc1", kind: .dense, nodeCount: 3, nodeSize: 1, resolution: resolution, sources: [0]),
                Catalog.Layer(index: 2, name: "fc2", kind: .dense, nodeCount: 2, nodeSize: 1, sources: [1]),
                Catalog.Layer(index: 3, name: "fc3", kind: .dense, nodeCount: 2, nodeSize: 1, sources: [2]),
            ])],
            tags: ["clean"])
    }

    private func refusal(_ query: String, _ resolution: LayerResolution = .summary) -> (code: String, message: String)? {
        guard case .failure(let diagnostics) = QueryCompiler.compile(SourceText(query), catalog: Self.catalog(firstHidden: resolution)) else { return nil }
        return (diagnostics.first.code.rawValue, diagnostics.first.message)
    }

    static let edgeQueries = [
        "from traces | edges into layer 1",
        "from traces | edges into layer 2",
        "from traces | edges into layer 2 | summarize mean by edge",
        "from traces | lineage from 2:0 depth 1 top 2",
        "from traces | lineage depth 2 top 2",
        "from traces | lineage forward from 0:1 depth 1 top 2",
    ]

    @Test func nodeQueriesWorkAtSummaryResolution() throws {
        for query in ["from traces | nodes of layer 1", "from traces | nodes of layer 1 | summarize mean, freq by node",
                      "from traces | edges into layer 3"] {
            _ = try QueryCompiler.compile(SourceText(query), catalog: Self.catalog(firstHidden: .summary)).get()
        }
    }

    @Test(arguments: edgeQueries)
    func edgeQueriesThroughASummarisedLayerAreRefusedNamingIt(query: String) {
        let refused = refusal(query)
        #expect(refused?.code == "E062", "\(query)")
        #expect(refused?.message.hasSuffix("needs full maps, but model mlp keeps layer 1 (fc1) at summary resolution (per-node mean, max and share active)") == true, "\(String(describing: refused))")
    }

    @Test(arguments: edgeQueries)
    func theSameQueriesCompileWhenTheLayerIsFullOrDerived(query: String) {
        #expect(refusal(query, .full) == nil, "\(query)")
        #expect(refusal(query, .derived) == nil, "\(query)")
    }

    /// A CNN whose conv map is summarised and whose Flatten is derived: the dense head's edges
    /// and lineages read only full (or derived) maps, so they compile.
    @Test func aDenseHeadAfterASummarisedConvKeepsItsEdges() throws {
        let catalog = Catalog(
            models: [Catalog.Model(fingerprint: "cc33", name: "cnn", layers: [
                Catalog.Layer(index: 0, name: "x", kind: .input, nodeCount: 1, nodeSize: 64),
                Catalog.Layer(index: 1, name: "conv", kind: .conv, nodeCount: 4, nodeSize: 64, resolution: .summary, sources: [0]),
                Catalog.Layer(index: 2, name: "gap", kind: .pool, nodeCount: 4, nodeSize: 1, sources: [1]),
                Catalog.Layer(index: 3, name: "flatten", kind: .reshape, nodeCount: 4, nodeSize: 1, resolution: .derived, sources: [2]),
                Catalog.Layer(index: 4, name: "fc1", kind: .dense, nodeCount: 3, nodeSize: 1, sources: [3]),
                Catalog.Layer(index: 5, name: "fc2", kind: .dense, nodeCount: 2, nodeSize: 1, sources: [4]),
            ])],
            tags: ["clean"])
        for query in ["from traces | edges into layer 4 | summarize mean by edge", "from traces | lineage depth 2 top 2",
                      "from traces | lineage forward from 3:0 depth 2 top 2", "from traces | nodes of layer 1 | summarize max by node"] {
            _ = try QueryCompiler.compile(SourceText(query), catalog: catalog).get()
        }
    }

    /// The CNN of `aDenseHeadAfterASummarisedConvKeepsItsEdges`: a lineage back from the output
    /// crosses one layer per step, so its depth decides whether it reaches the summarised conv.
    @Test func aLineageIsRefusedOnlyWhenItsDepthReachesASummarisedLayer() throws {
        let catalog = Catalog(
            models: [Catalog.Model(fingerprint: "cc33", name: "cnn", layers: [
                Catalog.Layer(index: 0, name: "x", kind: .input, nodeCount: 1, nodeSize: 64),
                Catalog.Layer(index: 1, name: "conv", kind: .conv, nodeCount: 4, nodeSize: 64, resolution: .summary, sources: [0]),
                Catalog.Layer(index: 2, name: "gap", kind: .pool, nodeCount: 4, nodeSize: 1, sources: [1]),
                Catalog.Layer(index: 3, name: "flatten", kind: .reshape, nodeCount: 4, nodeSize: 1, resolution: .derived, sources: [2]),
                Catalog.Layer(index: 4, name: "fc1", kind: .dense, nodeCount: 3, nodeSize: 1, sources: [3]),
            ])],
            tags: ["clean"])
        // steps cross 4 (from 3), 3 (from 2), then 2 (from the summarised 1)
        _ = try QueryCompiler.compile(SourceText("from traces | lineage depth 2 top 2"), catalog: catalog).get()
        for query in ["from traces | lineage depth 3 top 2", "from traces | lineage depth $d top 2", "from traces | lineage forward from 0:0 depth 1 top 2"] {
            guard case .failure(let diagnostics) = QueryCompiler.compile(SourceText(query), catalog: catalog) else {
                Issue.record("\(query) compiled")
                continue
            }
            #expect(diagnostics.first.code == .layerAtSummaryResolution, "\(query)")
            #expect(diagnostics.first.message == "'lineage' needs full maps, but model cnn keeps layer 1 (conv) at summary resolution (per-node mean, max and share active)", "\(query)")
        }
    }

    /// A residual Add kept full whose addend is summarised: its edges need the addend's map.
    @Test func edgesIntoAMergeLayerWithASummarisedSourceAreRefusedNamingTheSource() throws {
        let catalog = Catalog(
            models: [Catalog.Model(fingerprint: "dd44", name: "residual", layers: [
                Catalog.Layer(index: 0, name: "x", kind: .input, nodeCount: 2, nodeSize: 16),
                Catalog.Layer(index: 1, name: "conv1", kind: .conv, nodeCount: 2, nodeSize: 16, sources: [0]),
                Catalog.Layer(index: 2, name: "conv2", kind: .conv, nodeCount: 2, nodeSize: 16, resolution: .summary, sources: [1]),
                Catalog.Layer(index: 3, name: "add", kind: .add, nodeCount: 2, nodeSize: 16, sources: [1, 2]),
            ])],
            tags: ["clean"])
        _ = try QueryCompiler.compile(SourceText("from traces | nodes of layer 3 | summarize mean by node"), catalog: catalog).get()
        for query in ["from traces | edges into layer 3", "from traces | edges into layer 3 | summarize mean by edge", "from traces | lineage from 3:0 depth 1 top 2"] {
            guard case .failure(let diagnostics) = QueryCompiler.compile(SourceText(query), catalog: catalog) else {
                Issue.record("\(query) compiled")
                continue
            }
            #expect(diagnostics.first.code == .layerAtSummaryResolution, "\(query)")
            #expect(diagnostics.first.message.hasSuffix("needs full maps, but model residual keeps layer 2 (conv2) at summary resolution (per-node mean, max and share active)"), "\(query)")
        }
    }

    @Test func renderedDiagnosticSuggestsWhatWorks() {
        guard case .failure(let diagnostics) = QueryCompiler.compile(SourceText("from traces | edges into layer 2"), catalog: Self.catalog(firstHidden: .summary)) else {
            Issue.record("compiled")
            return
        }
        #expect(diagnostics.first.message == "'edges into layer 2' needs full maps, but model mlp keeps layer 1 (fc1) at summary resolution (per-node mean, max and share active)")
        #expect(diagnostics.first.notes == ["node queries work at any resolution: nodes of layer 1", "capture with --resolution full (or fc1=full) to query its edges"])
    }
}
