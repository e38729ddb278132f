import Foundation
import GRDB
import IPG
@testable import Store
import Testing
import TestSupport

/// Node values kept per block of traces and layer (`value_blocks`): read back bit for bit
/// after ingests that skip some traces, read per layer, and stores of the per-trace blob layout
/// migrated with nothing lost.
@Suite struct ValueBlockTests {
    private func bits(_ trace: Trace) -> [[UInt32]] { trace.layerValues.map { $0.map(\.bitPattern) } }

    @Test func aBatchWithTracesAlreadyStoredFormsBlocksOfTheNewOnes() throws {
        let directory = try TemporaryDirectory()
        let (topology, traces) = try StoreFixtures.traces(count: 150, seed: 31, tags: ["clean", "noisy"])
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        for (batch, slice) in [(5, Array(traces[40..<60])), (100, traces)] {
            let run = try store.beginIngest(sources: "test", batchSize: batch)
            try run.beginModel(topology, encoding: .float32, source: "test", onnx: nil)
            for trace in slice { try run.add(trace) }
            _ = try run.finish()
        }
        for trace in traces {
            #expect(try bits(store.trace(tag: trace.metadata.tag, inputIndex: trace.metadata.inputIndex).trace) == bits(trace))
        }
        let blocks = try store.read { try GRDB.Row.fetchAll($0, sql: "SELECT block, layer, trace_count FROM value_blocks ORDER BY block, layer") }
        let perBlock = Dictionary(grouping: blocks, by: { $0["block"] as Int64 })
        #expect(perBlock.values.allSatisfy { $0.count == topology.layers.count })
        #expect(perBlock.values.map { $0[0]["trace_count"] as Int }.reduce(0, +) == 150, "every trace in one block")
        // Blocks: 20 traces in 4 batches of 5, then the other 130 in two batches (80 new of 100:
        // one block, as traces this small go up to 256 to a block; 50 of 50: one block).
        #expect(perBlock.values.map { $0[0]["trace_count"] as Int }.sorted() == [5, 5, 5, 5, 50, 80], "\(perBlock.mapValues { $0[0]["trace_count"] as Int })")
        let rows = try store.read { try GRDB.Row.fetchAll($0, sql: "SELECT value_block, value_row FROM traces") }
        #expect(Set(rows.map { "\($0[0] as Int64)/\($0[1] as Int)" }).count == 150)
    }

    /// A batch is handed over once its traces hold `batchValueLimit` values, whatever
    /// `batchSize` says, so an ingest of big traces holds a bounded number of them.
    @Test func aBatchEndsWhenItsValuesReachTheLimit() throws {
        let directory = try TemporaryDirectory()
        let (topology, traces) = try StoreFixtures.traces(count: 30, seed: 35)
        let valuesPerTrace = topology.layers.reduce(0) { $0 + $1.valueCount }
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        let run = try IngestRun(store: store, sources: "test", batchSize: 1000, batchValueLimit: 4 * valuesPerTrace - 1)
        try run.beginModel(topology, encoding: .float32, source: "test", onnx: nil)
        for trace in traces { try run.add(trace) }
        #expect(try run.finish().tracesAdded == 30)
        // 4 traces pass the limit: 7 batches of 4 and one of 2, each its own block
        let counts = try store.read { try Int.fetchAll($0, sql: "SELECT trace_count FROM value_blocks WHERE layer = 0 ORDER BY block") }
        #expect(counts == [4, 4, 4, 4, 4, 4, 4, 2])
        for trace in traces {
            #expect(try bits(store.trace(tag: trace.metadata.tag, inputIndex: trace.metadata.inputIndex).trace) == bits(trace))
        }
    }

    /// Up to 256 traces to a block while a block holds at most 2^19 values, never under 64.
    @Test func blocksHoldMoreOfSmallTraces() {
        #expect(ValueBlocks.capacity(valuesPerTrace: 1_194) == 256 && ValueBlocks.capacity(valuesPerTrace: 2_048) == 256)
        #expect(ValueBlocks.capacity(valuesPerTrace: 2_049) == 128 && ValueBlocks.capacity(valuesPerTrace: 8_192) == 64)
        #expect(ValueBlocks.capacity(valuesPerTrace: 300_000) == 64 && ValueBlocks.capacity(valuesPerTrace: 0) == 256)
        #expect(ValueBlocks.sizes(for: 600, capacity: 256) == [200, 200, 200] && ValueBlocks.sizes(for: 65, capacity: 64) == [33, 32])
    }

    @Test func aQueryOnOneLayerReadsThatLayerOnly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.sqlite")
        let (topology, traces) = try StoreFixtures.traces(count: 70, seed: 32)
        let store = try ProvenanceStore(path: path)
        let run = try store.beginIngest(sources: "test", batchSize: 100)
        try run.beginModel(topology, encoding: .float32, source: "test", onnx: nil)
        for trace in traces { try run.add(trace) }
        _ = try run.finish()
        // Layer 0's blocks made unreadable: layer 1 still answers, layer 0 fails.
        try DatabaseQueue(path: path).write { try $0.execute(sql: "UPDATE value_blocks SET data = x'00' WHERE layer = 0") }
        let reopened = try ProvenanceStore(path: path, access: .readOnly)
        let sql = "SELECT ipg_node(value_block, value_row, ?, 1, 2) FROM traces ORDER BY input_index"
        let layer1 = try reopened.read { try Double.fetchAll($0, sql: sql, arguments: [1]) }
        #expect(layer1 == traces.map { Double(Float($0.layerValues[1][2])) })
        #expect(throws: (any Error).self) { try reopened.read { try Double.fetchAll($0, sql: sql, arguments: [0]) } }
    }

    private struct Rollback: Error {}

    @Test func aRolledBackBlockIsNotReadAgainFromTheCache() throws {
        let directory = try TemporaryDirectory()
        let (topology, traces) = try StoreFixtures.traces(count: 300, seed: 34)
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        let run = try store.beginIngest(sources: "test", batchSize: 400)
        try run.beginModel(topology, encoding: .float32, source: "test", onnx: nil)
        for trace in traces { try run.add(trace) }
        _ = try run.finish()
        // Blocks 1 and 2 hold the traces in order: row 0 of each is trace 0 and the first trace
        // after block 1's.
        let secondStart = try #require(try store.read { try Int.fetchOne($0, sql: "SELECT trace_count FROM value_blocks WHERE block = 1 AND layer = 0") })
        #expect(secondStart < traces.count)
        let copy = "INSERT INTO value_blocks (block, layer, trace_count, value_count, encoding, layout, data) SELECT 999, layer, trace_count, value_count, encoding, layout, data FROM value_blocks WHERE block = ?"
        let read = "SELECT ipg_node(999, 0, 1, 1, 2)"
        var first: Double?
        #expect(throws: Rollback.self) {
            try store.write { db in
                try db.execute(sql: copy, arguments: [1])
                first = try Double.fetchOne(db, sql: read)
                throw Rollback()
            }
        }
        let second = try store.write { db in
            try db.execute(sql: copy, arguments: [2])
            return try Double.fetchOne(db, sql: read)
        }
        #expect(first == Double(traces[0].layerValues[1][2]) && second == Double(traces[secondStart].layerValues[1][2]) && first != second)
    }

    @Test func aggregatesOverNoRowsAreNullAndTheirErrorsSayWhat() throws {
        let directory = try TemporaryDirectory()
        let store = try StoreFixtures.store(at: directory.path("s.sqlite"), count: 10, seed: 35)
        let none = try store.read { try DatabaseValue.fetchOne($0, sql: "SELECT ipg_node_means(value_block, value_row, 1, 1) FROM traces WHERE 0") }
        #expect(none == .null)
        let error = #expect(throws: StoreError.self) {
            try store.read { try DatabaseValue.fetchOne($0, sql: "SELECT ipg_node_stats(value_block, value_row, 9, 1, 0) FROM traces") }
        }
        #expect(error?.message.contains("SQLite error 1: ipg_node_stats: no layer 9 (in: SELECT") == true, "\(String(describing: error))")
    }

    /// Answers to the same questions, as text, from `store`.
    private func answers(_ store: ProvenanceStore) throws -> [String] {
        try store.read { db in
            let queries = [
                "SELECT t.tag, t.input_index, l.layer, ipg_nodes(t.value_block, t.value_row, l.layer, l.node_size) FROM traces t JOIN layers l ON l.model_id = t.model_id ORDER BY 1, 2, 3",
                "SELECT t.tag, l.layer, ipg_node_stats(t.value_block, t.value_row, l.layer, l.node_size, l.threshold) FROM traces t JOIN layers l ON l.model_id = t.model_id GROUP BY 1, 2 ORDER BY 1, 2",
                "SELECT * FROM node_summary ORDER BY model_id, tag, layer, node",
                "SELECT t.tag, t.input_index, n.layer, n.l1, n.sum_of_squares FROM trace_layer_norms n JOIN traces t ON t.id = n.trace_id ORDER BY 1, 2, 3",
                "SELECT id, tag, input_index, true_label, predicted_label, confidence, parent_tag, parent_index FROM traces ORDER BY id",
            ]
            return try queries.flatMap { sql in try GRDB.Row.fetchAll(db, sql: sql).map { "\($0)" } }
        }
    }

    @Test(arguments: [ValueEncoding.float32, .float16])
    func aStoreOfPerTraceBlobsIsMigratedWithNothingLost(encoding: ValueEncoding) throws {
        let directory = try TemporaryDirectory()
        let (topology, traces) = try StoreFixtures.traces(count: 150, seed: 33, tags: ["clean", "noisy"])
        let reference = try ProvenanceStore(path: directory.path("new.sqlite"))
        let run = try reference.beginIngest(sources: "test", batchSize: 2000)
        try run.beginModel(topology, encoding: encoding, source: "test", onnx: nil)
        for trace in traces { try run.add(trace) }
        _ = try run.finish()

        let path = directory.path("old.sqlite")
        try LegacyLayoutStore.make(at: path, version: 5, topology: topology, traces: traces, encoding: encoding)
        let (oldValues, oldAnswers) = try DatabaseQueue(path: path).read { db in
            (try GRDB.Row.fetchAll(db, sql: "SELECT tag, input_index, value_encoding, node_values FROM traces ORDER BY id"),
             try GRDB.Row.fetchAll(db, sql: "SELECT id, tag, input_index, true_label, predicted_label, confidence, parent_tag, parent_index FROM traces ORDER BY id").map { "\($0)" })
        }
        let migrated = try ProvenanceStore(path: path)
        #expect(try migrated.schemaVersion() == embeddedMigrations.latestVersion)
        let columns = try migrated.read { try $0.columns(in: "traces").map(\.name) }
        #expect(!columns.contains("node_values") && !columns.contains("value_encoding"))
        // Every stored value, decoded from the old blob independently, equals the block's bit for bit.
        let codec = TraceValueCodec()
        for row in oldValues {
            let old = try codec.decode([UInt8](row["node_values"] as Data), encoding: ValueEncoding(rawValue: UInt8(row["value_encoding"] as Int))!)
            let stored = try migrated.trace(tag: row["tag"], inputIndex: row["input_index"]).trace
            #expect(stored.layerValues.map { $0.map(\.bitPattern) } == old.map { $0.map(\.bitPattern) })
        }
        let answers = try self.answers(migrated)
        #expect(answers.suffix(oldAnswers.count) == oldAnswers[...], "metadata kept")
        #expect(answers == (try self.answers(reference)), "the same answers as a store ingested with blocks")
    }
}
