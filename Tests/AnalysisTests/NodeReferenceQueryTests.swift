import Analysis
import Engine
import IPG
import Query
import Store
import Testing
import TestSupport

/// On a real store: a lineage's `target` compared with a node reference picks the edges into
/// that node (checked against the engine's IPG), and a plain number there is refused.
@Suite struct NodeReferenceQueryTests {
    @Test func targetEqualToANodeReferenceGivesTheEdgesIntoThatNode() throws {
        let directory = try TemporaryDirectory()
        let (database, traces) = try StoreFixtures.pairedStore(in: directory)
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        // Back one step from the predicted output with top 3 (fc1's width): every active edge
        // into it. Only traces predicting class 0 start at 2:0.
        var expected: Set<String> = []
        for trace in traces where trace.metadata.tag == "clean" && trace.metadata.predictedLabel == 0 {
            let graph = InferenceProvenanceGraph(topology: capture.topology, trace: trace)
            for edge in graph.edges where edge.target == NodeID(layer: 2, index: 0) {
                expected.insert("\(trace.metadata.inputIndex) \(edge.source)->\(edge.target)")
            }
        }
        #expect(expected.count > 10)
        let rows = try queryCSV(database, "from traces where tag = 'clean' | lineage depth 1 top 3 | where target = 2:0")
        #expect(rows.first == ["trace", "tag", "input", "step", "target", "source", "contribution", "path", "flow"])
        #expect(Set(rows.dropFirst().map { "\($0[2]) \($0[5])->\($0[4])" }) == expected)
        #expect(rows.count - 1 == expected.count)
        let deeper = try queryCSV(database, "from traces where tag = 'clean' | lineage depth 2 top 3 | where target = 2:0 and step = 1")
        #expect(Set(deeper.dropFirst().map { "\($0[2]) \($0[5])->\($0[4])" }) == expected, "the same first step, deeper")
        let intoHidden = try queryCSV(database, "from traces where tag = 'clean' | lineage depth 2 top 3 | where target = 1:1")
        #expect(!intoHidden.dropFirst().isEmpty && intoHidden.dropFirst().allSatisfy { $0[3] == "2" && $0[4] == "1:1" && $0[5].hasPrefix("0:") })
        let parameter = try QuerySession(backend: ProvenanceStore(path: database, access: .readOnly))
        let prepared = try parameter.prepare(SourceText("from traces where tag = 'clean' | lineage depth 1 top 3 | where target = $node"), parameters: QueryParameters(given: ["node": "2:0"]))
        #expect(try parameter.run(prepared).table.rows.count == expected.count, "a parameter holding a node reference")
    }

    @Test func targetEqualToAPlainNumberIsADiagnostic() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try StoreFixtures.pairedStore(in: directory)
        let session = QuerySession(backend: try ProvenanceStore(path: database, access: .readOnly))
        let refused = refusal(session, "from traces | lineage depth 2 top 3 | where target = 1")
        #expect(refused?.contains("error[E051]: 'target' holds node references (layer:node), not integers") == true, "\(refused ?? "accepted")")
        #expect(refused?.contains("target = 2:1") == true, "says how to write a node")
        let given = refusal(session, "from traces | lineage depth 2 top 3 | where target = $node", given: ["node": "1"])
        #expect(given?.contains("error[E051]: 'target' holds node references (layer:node); $node = 1 is not one") == true, "\(given ?? "accepted")")
        // Edge lists name their ends the same way.
        #expect(refusal(session, "from traces | edges into layer 2 | where target = 1")?.contains("error[E051]") == true)
        let edges = try queryCSV(database, "from traces where tag = 'clean' and input = 0 | edges into layer 2 | where target = 2:1")
        #expect(edges.dropFirst().allSatisfy { $0[4] == "2:1" && $0[3].hasPrefix("1:") } && edges.count > 1)
    }
}
