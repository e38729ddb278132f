import Foundation
import GRDB
import IPG
@testable import Store
import Testing
import TestSupport

/// A trace is stored once per (model, tag, input hash, input index, parent), which ingest
/// checks itself since migration 0009 dropped the unique index over the hash.
@Suite struct TraceKeyTests {
    /// Ingests `traces` in one run with batches of `batchSize`; returns what the run added.
    private func ingest(_ traces: [Trace], topology: ModelTopology, into store: ProvenanceStore, batchSize: Int) throws -> IngestSummary {
        let run = try store.beginIngest(sources: "test", batchSize: batchSize)
        try run.beginModel(topology, encoding: .float32, source: "test", onnx: nil)
        for trace in traces { try run.add(trace) }
        return try run.finish()
    }

    @Test func everyPartOfTheKeyTellsTracesApartAndRepeatsAreSkipped() throws {
        let directory = try TemporaryDirectory()
        let (topology, traces) = try StoreFixtures.traces(count: 4, seed: 3)
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        let original = traces[0]
        var otherParent = original
        otherParent.metadata.parent = TraceReference(tag: "clean", inputIndex: 9)
        var otherParentIndex = otherParent
        otherParentIndex.metadata.parent = TraceReference(tag: "clean", inputIndex: 8)
        var otherParentTag = otherParent
        otherParentTag.metadata.parent = TraceReference(tag: "noisy", inputIndex: 9)
        var otherHash = original
        otherHash.metadata.inputHash = String(repeating: "ab", count: 32)
        var otherTag = original
        otherTag.metadata.tag = "elsewhere"
        var otherIndex = original
        otherIndex.metadata.inputIndex = 77
        let distinct = [original, otherParent, otherParentIndex, otherParentTag, otherHash, otherTag, otherIndex]
        // Each repeated within the batch that stores it, and then again in later batches.
        let first = try ingest(distinct.flatMap { [$0, $0] }, topology: topology, into: store, batchSize: 50)
        #expect((first.tracesRead, first.tracesAdded, first.tracesSkipped) == (14, 7, 7))
        let again = try ingest(distinct.reversed() + traces, topology: topology, into: store, batchSize: 3)
        #expect((again.tracesRead, again.tracesAdded, again.tracesSkipped) == (11, 3, 8))
        let stored = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT tag, input_index, hex(coalesce(explicit_input_hash, ipg_input_hash(value_block, value_row))) AS hash, parent_tag, parent_index
                FROM traces
                """)
        }
        #expect(stored.count == 10)
        #expect(Set(stored.map { "\($0["tag"] as String)/\($0["input_index"] as Int)/\($0["hash"] as String)/\($0["parent_tag"] as String)/\($0["parent_index"] as Int)" }).count == 10)
    }

    /// An older store (made with the unique index) migrated forward: the same trace rows,
    /// the same columns in the same order as a fresh store's, no index over the hash, and an
    /// ingest of the same traces afterwards adds nothing.
    @Test func migrationKeepsTheTracesWithoutTheHashIndex() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("old.sqlite")
        let (topology, traces) = try StoreFixtures.traces(count: 9, seed: 5, tags: ["clean", "noisy"])
        try LegacyLayoutStore.make(at: path, version: 5, topology: topology, traces: traces)
        // The input hash as stored before migration 0012, and as recomputed (or kept) after it.
        func rowsSQL(hash: String) -> String {
            "SELECT id, model_id, tag, input_index, hex(\(hash)) AS hash, true_label, predicted_label, confidence, parent_tag, parent_index FROM traces ORDER BY id"
        }
        let before = try DatabaseQueue(path: path).read { db in try Row.fetchAll(db, sql: rowsSQL(hash: "input_hash")).map(\.description) }
        let store = try ProvenanceStore(path: path)
        let fresh = try StoreFixtures.store(at: directory.path("fresh.sqlite"), count: 2, seed: 5)
        func layout(_ store: ProvenanceStore) throws -> ([String], [String]) {
            try store.read { db in
                (try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'traces' ORDER BY name"),
                 try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('traces')"))
            }
        }
        #expect(try layout(store).0 == ["traces_by_input", "traces_by_parent"])
        #expect(try layout(store) == layout(fresh))
        let after = try store.read { db in
            try Row.fetchAll(db, sql: rowsSQL(hash: "coalesce(explicit_input_hash, ipg_input_hash(value_block, value_row))")).map(\.description)
        }
        #expect(after == before)
        #expect(before.count == 9)
        let again = try ingest(traces, topology: topology, into: store, batchSize: 4)
        #expect((again.tracesRead, again.tracesAdded) == (9, 0))
    }
}
