import Foundation
import GRDB
import IPG
@testable import Store
import Testing
import TestSupport

/// `trace_layer_norms` (migration 0005): per trace and layer, the L1 norm and sum of squares of
/// its node values, kept at ingest (once per trace, re-ingests adding nothing), and the same
/// when migration 0005 computes them from an older store's traces.
@Suite struct TraceLayerNormsTests {
    private func norms(_ store: ProvenanceStore) throws -> [String: (l1: Double, sumOfSquares: Double)] {
        try store.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT t.tag, t.input_index, n.layer, n.l1, n.sum_of_squares FROM trace_layer_norms n JOIN traces t ON t.id = n.trace_id
                """).reduce(into: [:]) { result, row in
                result["\(row[0] as String)/\(row[1] as Int)/\(row[2] as Int)"] = (row[3], row[4])
            }
        }
    }

    @Test func keptAtIngestOncePerTrace() throws {
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (topology, traces) = try StoreFixtures.traces(count: 30, seed: 12, path: stream, frameCapacity: 4, tags: ["clean", "noisy"])
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        _ = try StreamIngestor(backend: store, batchSize: 7).ingest([stream])
        _ = try StreamIngestor(backend: store, batchSize: 7).ingest([stream])
        let stored = try norms(store)
        #expect(stored.count == traces.count * topology.layers.count)
        for trace in traces {
            for layer in topology.layers {
                let values = trace.layerValues[layer.index].map(Double.init)
                let row = try #require(stored["\(trace.metadata.tag)/\(trace.metadata.inputIndex)/\(layer.index)"])
                #expect(abs(row.l1 - values.map(abs).reduce(0, +)) <= 1e-12 * max(1, row.l1))
                #expect(abs(row.sumOfSquares - values.map { $0 * $0 }.reduce(0, +)) <= 1e-12 * max(1, row.sumOfSquares))
            }
        }
    }

    @Test func aStoreOfVersion4GetsThemFromItsTracesWhenMigrated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.sqlite")
        let kept = try norms(StoreFixtures.store(at: directory.path("kept.sqlite"), count: 25, seed: 13, tags: ["clean", "noisy"]))
        let (topology, traces) = try StoreFixtures.traces(count: 25, seed: 13, tags: ["clean", "noisy"])
        try LegacyLayoutStore.make(at: path, version: 4, topology: topology, traces: traces)
        let migrated = try norms(ProvenanceStore(path: path))
        #expect(Set(migrated.keys) == Set(kept.keys) && kept.count == 25 * 3)
        for (key, row) in kept {
            #expect(abs(migrated[key]!.l1 - row.l1) <= 1e-12 * max(1, row.l1) && abs(migrated[key]!.sumOfSquares - row.sumOfSquares) <= 1e-12 * max(1, row.sumOfSquares), "\(key)")
        }
    }
}
