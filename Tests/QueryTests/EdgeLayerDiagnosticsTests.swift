import IPG
import Query
import Testing

/// Edge queries cover dense, conv, pooling, batch-norm, activation and reshape layers; a
/// layer whose edges they do not derive (the input, edges kept with each trace, a rule this
/// build does not know — a newer store's merge layer) is refused with E033 saying why, for a
/// literal layer, a `$layer` once it has a value, and a lineage that would cross it.
@Suite struct EdgeLayerDiagnosticsTests {
    /// A small CNN: input, conv, batch norm, pooling with its edges kept per trace, flatten,
    /// a layer of a rule this build does not know, dense.
    static let catalog: Catalog = {
        var layers = [
            Catalog.Layer(index: 0, name: "x", kind: .input, nodeCount: 2, nodeSize: 81),
            Catalog.Layer(index: 1, name: "conv1", kind: .conv, nodeCount: 4, nodeSize: 81),
            Catalog.Layer(index: 2, name: "bn", kind: .batchNorm, nodeCount: 4, nodeSize: 81),
            Catalog.Layer(index: 3, name: "pool", kind: .pool, nodeCount: 4, nodeSize: 16),
            Catalog.Layer(index: 4, name: "add", kind: .activation, nodeCount: 4, nodeSize: 16),
            Catalog.Layer(index: 5, name: "flat", kind: .reshape, nodeCount: 64, nodeSize: 1),
            Catalog.Layer(index: 6, name: "fc", kind: .dense, nodeCount: 3, nodeSize: 1),
        ]
        layers[3].edgeRule = .explicit
        layers[4].edgeRule = nil
        return Catalog(models: [Catalog.Model(fingerprint: "cd34", name: "cnn", layers: layers)], tags: ["clean"])
    }()

    static func compile(_ text: String) -> Result<CompiledQuery, DiagnosticList> {
        QueryCompiler.compile(SourceText(text), catalog: catalog)
    }

    static func firstProblem(_ text: String) -> String? {
        guard case .failure(let list) = compile(text) else { return nil }
        return "\(list.first.code.rawValue): \(list.first.message)"
    }

    @Test func layersWithDerivedEdgesCompile() throws {
        for layer in [1, 2, 5, 6] {
            let summary = try Self.compile("from traces | edges into layer \(layer) | summarize mean, freq by edge").get()
            #expect(summary.sql.contains("ipg_edge_stats("), "layer \(layer)")
            let edges = try Self.compile("from traces | edges into layer \(layer)").get()
            #expect(edges.sql.contains("ipg_edges("), "layer \(layer)")
        }
    }

    @Test func layersWithoutDerivedEdgesAreRefusedSayingWhy() throws {
        #expect(Self.firstProblem("from traces | edges into layer 0") == "E033: layer 0 is the model input: no edges go into it")
        #expect(Self.firstProblem("from traces | edges into layer 3")
            == "E033: layer 3 (pool 'pool') keeps its edges with each trace (its operand is not its source layer's values), and queries do not read those yet")
        #expect(Self.firstProblem("from traces | edges into layer 4")
            == "E033: layer 4 (activation 'add') has an edge rule this build does not know; edge queries cover dense, conv, pooling, batch-norm, activation and reshape layers")
        let parameter = try Self.compile("from traces | edges into layer $layer").get()
        #expect(parameter.problems(withParameters: ["layer": .integer(4)]).map(\.code.rawValue) == ["E033"])
        #expect(parameter.problems(withParameters: ["layer": .integer(5)]).isEmpty)
    }

    @Test func aLineageStopsBeforeALayerWithoutDerivedEdges() throws {
        // Back from the output: fc, flat, then layer 4 stops the walk.
        _ = try Self.compile("from traces | lineage depth 2 top 2").get()
        #expect(Self.firstProblem("from traces | lineage depth 3 top 2")
            == "E049: lineage depth 3 is out of bounds: at most 2 (the models' layers with edges back from the output; layer 4 (activation 'add') has an edge rule this build does not know; edge queries cover dense, conv, pooling, batch-norm, activation and reshape layers)")
        // Back from the batch norm: bn, conv1.
        _ = try Self.compile("from traces | lineage from 2:0 depth 2 top 3").get()
        #expect(Self.firstProblem("from traces | lineage from 2:0 depth 3 top 2")?.hasPrefix("E049: lineage depth 3 is out of bounds: at most 2") == true)
    }
}
