import Foundation
import GRDB
import IPG
@testable import Store
import Testing
import TestSupport

/// `value_block_norms` keeps per trace and layer the L2 norm of its node values as one float32
/// (migration 0013): what the nearest-neighbour search orders candidates by.
@Suite struct BlockNormsTests {
    @Test func eachNormIsTheFloat32OfTheTracesL2NormInTheLayer() throws {
        let directory = try TemporaryDirectory()
        let (topology, traces) = try StoreFixtures.traces(count: 30, seed: 21, tags: ["clean", "noisy"])
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        let run = try store.beginIngest(sources: "test", batchSize: 7)
        try run.beginModel(topology, encoding: .float32, source: "test", onnx: nil)
        for trace in traces { try run.add(trace) }
        _ = try run.finish()
        let (rows, lengths) = try store.read { db in
            (try Row.fetchAll(db, sql: """
                SELECT t.tag, t.input_index, n.layer, ipg_block_l2_norm(n.norms, t.value_row) AS norm
                FROM traces t JOIN value_block_norms n ON n.block = t.value_block
                """),
             try Row.fetchAll(db, sql: "SELECT length(n.norms) AS bytes, b.trace_count FROM value_block_norms n JOIN value_blocks b USING (block, layer)"))
        }
        #expect(rows.count == traces.count * topology.layers.count)
        #expect(lengths.allSatisfy { $0["bytes"] as Int == 4 * ($0["trace_count"] as Int) })
        let byKey = Dictionary(uniqueKeysWithValues: rows.map { ("\($0["tag"] as String)/\($0["input_index"] as Int)/\($0["layer"] as Int)", $0["norm"] as Double) })
        for trace in traces {
            for layer in topology.layers {  // units of one value each: a node's value is its value
                var sumOfSquares = 0.0
                for value in trace.layerValues[layer.index] { sumOfSquares += Double(value) * Double(value) }
                #expect(byKey["\(trace.metadata.tag)/\(trace.metadata.inputIndex)/\(layer.index)"] == Double(Float(sumOfSquares.squareRoot())))
            }
        }
    }
}
