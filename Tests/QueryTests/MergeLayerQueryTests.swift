import IPG
import Query
import Testing

/// A residual model's merge layers (Add of two layers, Concat): node queries compile, and what
/// would follow edges into a merge layer (not in the language yet) is a diagnostic, never a
/// walk that silently finds no edges.
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

    private func refusal(_ query: String) -> (code: String, message: String)? {
        guard case .failure(let diagnostics) = QueryCompiler.compile(SourceText(query), catalog: Self.catalog) else { return nil }
        return (diagnostics.first.code.rawValue, diagnostics.first.message)
    }

    @Test func nodeQueriesOnMergeLayersCompile() throws {
        for layer in [3, 7] {
            _ = try QueryCompiler.compile(SourceText("from traces | nodes of layer \(layer) | summarize mean, freq by node"), catalog: Self.catalog).get()
        }
        _ = try QueryCompiler.compile(SourceText("from traces | lineage from 6:0 depth 1 top 2"), catalog: Self.catalog).get()
    }

    @Test func edgesIntoAMergeLayerAreADiagnostic() {
        #expect(refusal("from traces | edges into layer 3")?.code == "E033")
        #expect(refusal("from traces | edges into layer 7")?.message == "layer 7 (concat 'joined') merges several layers, and queries do not derive edges from several sources yet")
    }

    @Test func lineageFromAMergeLayerIsADiagnostic() {
        let fromOutput = refusal("from traces | lineage depth 1 top 2")
        #expect(fromOutput?.code == "E033")
        #expect(fromOutput?.message == "lineage walks back from the output, layer 7 of model 'residual', which merges several layers (concat); edges into merge layers are not in the language yet")
        #expect(refusal("from traces | lineage contrast depth 1 top 2")?.code == "E033")
        #expect(refusal("from traces | lineage from 3:1 depth 1 top 2")?.message
                == "lineage walks back from layer 3 of model 'residual', which merges several layers (add); edges into merge layers are not in the language yet")
    }
}
