import Foundation
import GRDB
import IPG
@testable import Store
import Testing
import TestSupport

/// `node_label_statistics` (migration 0004): per tag, true label and node, kept at ingest over
/// several batches and re-ingests, equal to a recomputation from the captured traces, and to
/// what migration 0004 computes from the traces of an older store.
@Suite struct LabelStatisticsTests {
    private typealias Row5 = (count: Int, active: Int, mean: Double, m2: Double, minimum: Double, maximum: Double)

    private func rows(_ store: ProvenanceStore) throws -> [String: Row5] {
        try store.read { db in
            try GRDB.Row.fetchAll(db, sql: "SELECT * FROM node_label_statistics").reduce(into: [:]) { result, row in
                let key = "\(row["tag"] as String)/\(row["label"] as Int)/\(row["layer"] as Int)/\(row["node"] as Int)"
                result[key] = (row["count"], row["active_count"], row["mean"], row["m2"], row["minimum"], row["maximum"])
            }
        }
    }

    @Test func keptAtIngestAsTheTracesSay() throws {
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz"), database = directory.path("s.sqlite")
        let (topology, traces) = try StoreFixtures.traces(count: 50, seed: 4, path: stream, frameCapacity: 7, tags: ["clean", "noisy"])
        let store = try ProvenanceStore(path: database)
        // Small batches, then the same stream again (every trace skipped): counts do not double.
        _ = try StreamIngestor(backend: store, batchSize: 6).ingest([stream])
        _ = try StreamIngestor(backend: store, batchSize: 9).ingest([stream])
        let stored = try rows(store)
        var expectedKeys = 0
        for tag in ["clean", "noisy"] {
            for label in 0..<3 {
                let group = traces.filter { $0.metadata.tag == tag && $0.metadata.trueLabel == label }
                guard !group.isEmpty else { continue }
                for layer in topology.layers {
                    for node in 0..<layer.nodeCount {
                        let values = group.map { Double($0.layerValues[layer.index][node]) }
                        let mean = values.reduce(0, +) / Double(values.count)
                        let m2 = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
                        let row = try #require(stored["\(tag)/\(label)/\(layer.index)/\(node)"])
                        #expect(row.count == values.count)
                        #expect(row.active == values.filter { abs($0) > Double(layer.threshold) }.count)
                        #expect(abs(row.mean - mean) <= 1e-12 * max(1, abs(mean)) && abs(row.m2 - m2) <= 1e-9 * max(1, m2))
                        #expect(row.minimum == values.min()! && row.maximum == values.max()!)
                        expectedKeys += 1
                    }
                }
            }
        }
        #expect(stored.count == expectedKeys)
    }

    @Test func aStoreOfVersion3GetsThemFromItsTracesWhenMigrated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.sqlite")
        let kept = try rows(StoreFixtures.store(at: directory.path("kept.sqlite"), count: 40, seed: 6, tags: ["clean", "noisy"]))
        // The same traces in a store as version 3 left it: traces, no per-label statistics.
        let (topology, traces) = try StoreFixtures.traces(count: 40, seed: 6, tags: ["clean", "noisy"])
        try LegacyLayoutStore.make(at: path, version: 3, topology: topology, traces: traces)
        #expect(throws: StoreError(path: path, reason: .schemaOutdated(version: 3, current: embeddedMigrations.latestVersion))) {
            try ProvenanceStore(path: path, access: .readOnly)
        }
        let store = try ProvenanceStore(path: path)
        let scanned = try rows(store)
        #expect(Set(scanned.keys) == Set(kept.keys) && !kept.isEmpty)
        for (key, row) in kept {
            let other = scanned[key]!
            #expect(row.count == other.count && row.active == other.active && row.minimum == other.minimum && row.maximum == other.maximum, "\(key)")
            #expect(abs(row.mean - other.mean) <= 1e-12 * max(1, abs(row.mean)) && abs(row.m2 - other.m2) <= 1e-9 * max(1, row.m2), "\(key)")
        }
    }
}
