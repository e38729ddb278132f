import IPG
import Query
import Testing

/// A residual model's merge layers (Add of two layers, Concat): node queries, edges into them
/// and lineages through them compile (their edges come from every source in `layer_sources`;
/// MergeEdgeQueryTests checks the rows against the IPG); a merge layer whose edges queries do
/// not derive is a diagnostic.
@Suite struct MergeLayerQueryTests {
    /// conv, conv, their sum (add + relu), pooled, flattened, a dense head, then a concat of the
    /// head with itself as the output.
    static let catalog = Catalog(
        models: [Catalog.Model(fingerprint: "aa11", name: "residual", layers: [
            Catalog.Layer(index: 0, name: "x", kind: .input, nodeCount: 1, nodeSize: 16),
            Catalog.Layer(index: 1, name: "conv1", kind: .conv, nodeCount: 2, nodeSize: 16),
            Catalog.Layer(index: 2, name: "conv2", kind: .conv, nodeCount: 2, nodeSize: 16),
            Catalog.Layer(index: 3, name: "block.add", kind: .add, nodeCount: 2, nodeSize: 16),
            Catalog.Layer(index: 4, name: "gap", kind: .pool, nodeCount: 2, nodeSize: 1),
            Catalog.Layer(index: 5, name: "flatten", kind: .reshape, nodeCount: 2, nodeSize: 1),
            Catalog.Layer(index: 6, name: "fc", kind: .dense, nodeCount: 3, nodeSize: 1),
            Catalog.Layer(index: 7, name: "joined", kind: .concat, nodeCount: 6, nodeSize: 1),
        ])],
        tags: ["clean"])

    @Test func nodeQueriesOnMergeLayersCompile() throws {
        for layer in [3, 7] {
            _ = try QueryCompiler.compile(SourceText("from traces | nodes of layer \(layer) | summarize mean, freq by node"), catalog: Self.catalog).get()
        }
        _ = try QueryCompiler.compile(SourceText("from traces | lineage from 6:0 depth 1 top 2"), catalog: Self.catalog).get()
    }

    @Test func edgesIntoMergeLayersAndLineagesThroughThemCompile() throws {
        for query in ["from traces | edges into layer 3", "from traces | edges into layer 7 | summarize mean by edge",
                      "from traces | lineage depth 1 top 2", "from traces | lineage contrast depth 1 top 2", "from traces | lineage from 3:1 depth 2 top 2"] {
            let plan = try QueryCompiler.compile(SourceText(query), catalog: Self.catalog).get()
            #expect(plan.sql.contains("layer_sources"), "\(query) reads every source of a merge layer")
        }
    }

    /// A merge layer whose first operand is not its source layer's values (rule `explicit`)
    /// keeps its edges with each trace, which queries do not read: still a diagnostic.
    @Test func edgesIntoAMergeLayerOfExplicitEdgesAreADiagnostic() {
        var model = Self.catalog.models[0]
        model.layers[3].edgeRule = .explicit
        let catalog = Catalog(models: [model], tags: ["clean"])
        guard case .failure(let diagnostics) = QueryCompiler.compile(SourceText("from traces | edges into layer 3"), catalog: catalog) else {
            Issue.record("edges into an explicit merge layer compiled")
            return
        }
        #expect(diagnostics.first.code.rawValue == "E033")
        #expect(diagnostics.first.message.hasPrefix("layer 3 (add 'block.add') merges several layers, and queries derive a merge layer's edges only from sources added or concatenated as they are"),
                "\(diagnostics.first.message)")
    }
}
