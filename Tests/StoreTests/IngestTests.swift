import Engine
import Foundation
import GRDB
import IPG
@testable import Store
import Testing
import TestSupport

/// Ingesting streams: idempotent, statistics equal to a recomputation from the raw traces,
/// edges derived in SQL equal to the engine's, traces read back unchanged.
@Suite struct IngestTests {
    @Test func ingestIsIdempotentAndReadsBack() throws {
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (_, traces) = try StoreFixtures.traces(count: 50, seed: 1, path: stream, frameCapacity: 7, tags: ["clean", "noisy"])
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        let first = try StreamIngestor(backend: store, batchSize: 8).ingest([stream])
        #expect((first.tracesRead, first.tracesAdded, first.tracesSkipped) == (50, 50, 0))
        let second = try StreamIngestor(backend: store, batchSize: 8).ingest([stream, stream])
        #expect((second.tracesRead, second.tracesAdded, second.tracesSkipped) == (100, 0, 100))
        let info = try store.info()
        #expect(info.traces == 50 && info.tags == ["clean": 25, "noisy": 25])
        #expect(info.runs.map(\.status) == ["finished", "finished"])
        for trace in traces.prefix(6) {
            let (_, stored) = try store.trace(tag: trace.metadata.tag, inputIndex: trace.metadata.inputIndex)
            #expect(stored == trace)
        }
    }

    /// Two datasets under one tag make `(tag, index)` name two inputs: the ingest says so.
    @Test func reusedInputIndicesAreReported() throws {
        let directory = try TemporaryDirectory()
        let first = directory.path("a.ipgz"), second = directory.path("b.ipgz")
        _ = try StoreFixtures.traces(count: 12, seed: 1, path: first)
        _ = try StoreFixtures.traces(count: 5, seed: 2, path: second)
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        #expect(try StreamIngestor(backend: store, batchSize: 4).ingest([first]).reusedIndices.isEmpty)
        let again = try StreamIngestor(backend: store, batchSize: 4).ingest([first, second])
        #expect(again.tracesAdded == 5)
        #expect(again.reusedIndices == ["clean": ReusedIndices(traces: 5, firstIndex: 0)])
    }

    @Test func statisticsEqualARecomputationFromTheTraces() throws {
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (topology, traces) = try StoreFixtures.traces(count: 120, seed: 2, path: stream)
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        _ = try StreamIngestor(backend: store, batchSize: 17).ingest([stream])
        let queue = try DatabaseQueue(path: directory.path("s.sqlite"))
        let rows = try queue.read { try Row.fetchAll($0, sql: "SELECT * FROM node_summary WHERE tag = 'clean' ORDER BY layer, node") }
        #expect(rows.count == topology.nodeCount)
        for row in rows {
            let layer = topology.layers[row["layer"] as Int], node: Int = row["node"]
            let values = traces.map { Double($0.layerValues[layer.index][node]) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
            let active = traces.filter { layer.activeNodes(in: $0.layerValues[layer.index])[node] }.count
            #expect(row["count"] as Int == 120)
            #expect(row["active_count"] as Int == active)
            #expect(abs(row["mean"] as Double - mean) < 1e-9 * max(1, abs(mean)))
            #expect(abs(row["variance"] as Double - variance) < 1e-9 * max(1, variance))
            #expect(row["minimum"] as Double == values.min()! && row["maximum"] as Double == values.max()!)
        }
    }

    @Test func sqlFunctionsDeriveTheEnginesEdges() throws {
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (topology, traces) = try StoreFixtures.traces(count: 5, seed: 3, path: stream)
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        _ = try StreamIngestor(backend: store).ingest([stream])
        let trace = traces[4]
        let graph = InferenceProvenanceGraph(topology: topology, trace: trace)
        let expected = Dictionary(uniqueKeysWithValues: graph.edges.map { ("\($0.source)->\($0.target)", Double($0.weight)) })
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT w.layer, w.source, w.target, w.weight * ipg_node(t.value_block, t.value_row, s.layer, s.node_size, w.source) AS contribution,
                       ipg_node(t.value_block, t.value_row, s.layer, s.node_size, w.source) AS source_value,
                       ipg_node(t.value_block, t.value_row, l.layer, l.node_size, w.target) AS target_value
                FROM traces t
                JOIN dense_weights w ON w.model_id = t.model_id
                JOIN layers l ON l.model_id = w.model_id AND l.layer = w.layer
                JOIN layers s ON s.model_id = w.model_id AND s.layer = l.source_layer
                WHERE t.input_index = 4
                """)
        }
        // The IPG keeps edges between active nodes; the SQL sees all weights.
        let derived = Dictionary(uniqueKeysWithValues: rows.compactMap { row -> (String, Double)? in
            let layer: Int = row["layer"]
            guard (row["source_value"] as Double) != 0 || layer == 1, (row["target_value"] as Double) != 0 else { return nil }
            return ("\(layer - 1):\(row["source"] as Int)->\(layer):\(row["target"] as Int)", row["contribution"])
        })
        #expect(Set(derived.keys) == Set(expected.keys))
        for (key, weight) in expected { #expect(abs(derived[key]! - weight) < 1e-5, "\(key)") }
        // ipg_nodes: a layer's node values at once, as json_each rows, equal to the trace's.
        for layer in trace.layerValues.indices {
            let values = try store.read { db in
                try Double.fetchAll(db, sql: """
                    SELECT j.value FROM traces t JOIN layers l ON l.model_id = t.model_id AND l.layer = ?,
                    json_each(ipg_nodes(t.value_block, t.value_row, l.layer, l.node_size)) AS j
                    WHERE t.input_index = 4 ORDER BY j.key
                    """, arguments: [layer])
            }
            let size = topology.layers[layer].nodeSize
            let means = stride(from: 0, to: trace.layerValues[layer].count, by: size).map { start in
                trace.layerValues[layer][start..<(start + size)].reduce(0.0) { $0 + Double($1) } / Double(size)
            }
            #expect(values == means, "layer \(layer)")
        }
    }

    @Test func damagedStreamKeepsEarlierFramesAndFailsTheRun() throws {
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        _ = try StoreFixtures.traces(count: 40, seed: 4, path: stream, frameCapacity: 10)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: stream)))
        bytes[bytes.count - 40] ^= 0xFF  // inside the last traces frame's payload
        try Data(bytes).write(to: URL(fileURLWithPath: stream))
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        let error = #expect(throws: TraceStreamError.self) { try StreamIngestor(backend: store, batchSize: 3).ingest([stream]) }
        #expect(error?.frame == 4)
        #expect(error?.description.contains("t.ipgz: frame 4 at byte") == true)
        let info = try store.info()
        #expect(info.traces == 30, "the three whole frames before the damage are kept")
        #expect(info.runs.first?.status == "failed")
        #expect(info.runs.first?.message?.contains("checksum mismatch") == true)
    }

    @Test func killedIngestCompletesOnRerunWithoutDuplicates() throws {
        let directory = try TemporaryDirectory()
        let stream = directory.path("big.ipgz"), database = directory.path("s.sqlite")
        _ = try StoreFixtures.traces(count: 30_000, seed: 5, path: stream)
        let ingest = Process()
        ingest.executableURL = DeepProvExecutable.url
        ingest.arguments = ["ingest", "--db", database, stream, "--batch-size", "500", "--quiet"]
        try ingest.run()
        // Kill it once some batches are committed.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            let stored = (try? ProvenanceStore(path: database, access: .readOnly).info().traces) ?? 0
            if stored > 0 { break }
        }
        kill(ingest.processIdentifier, SIGKILL)
        ingest.waitUntilExit()
        // Readers work the killed run's status out without writing it.
        #expect(try ProvenanceStore(path: database, access: .readOnly).info().runs.map(\.status) == ["interrupted"])
        let store = try ProvenanceStore(path: database)
        let partial = try store.info().traces
        #expect(partial % 500 == 0, "only whole batches are committed (\(partial))")
        #expect(partial < 30_000, "the ingest was killed before it finished")
        let rerun = try StreamIngestor(backend: store).ingest([stream])
        #expect(rerun.tracesAdded == 30_000 - partial)
        #expect(try store.info().traces == 30_000)
        // The next writer records the killed run as interrupted.
        let recorded = try store.read { try String.fetchAll($0, sql: "SELECT status FROM runs ORDER BY id") }
        #expect(recorded == ["interrupted", "finished"])
        let counts = try store.read { try Int.fetchAll($0, sql: "SELECT DISTINCT count FROM node_statistics") }
        #expect(counts == [30_000], "statistics count every stored trace exactly once")
    }

    @Test func readersDuringAnIngestSeeOnlyWholeBatches() throws {
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz"), database = directory.path("s.sqlite")
        _ = try StoreFixtures.traces(count: 6000, seed: 6, path: stream)
        let store = try ProvenanceStore(path: database)
        let writer = Thread { _ = try? StreamIngestor(backend: store, batchSize: 250).ingest([stream]) }
        writer.start()
        let reader = try ProvenanceStore(path: database)
        var observations = 0
        while observations < 2000 {
            let (traces, summarised) = try reader.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM traces")!,
                 try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(count), 0) FROM layer_statistics WHERE layer = 0")!)
            }
            #expect(traces == summarised, "statistics and traces move together")
            #expect(traces % 250 == 0, "no partial batch is visible (\(traces))")
            observations += 1
            if traces == 6000 { break }
        }
        while writer.isExecuting { Thread.sleep(forTimeInterval: 0.01) }
        #expect(try reader.info().traces == 6000)
    }
}

/// The catalog a store builds for the query compiler.
@Suite struct CatalogTests {
    @Test func catalogListsModelsLayersAndTags() throws {
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (topology, _) = try StoreFixtures.traces(count: 6, seed: 7, path: stream, tags: ["clean", "fgsm"])
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        _ = try StreamIngestor(backend: store).ingest([stream])
        let catalog = try store.catalog()
        #expect(catalog.tags == ["clean", "fgsm"])
        #expect(catalog.models.map(\.fingerprint) == [topology.fingerprint])
        #expect(catalog.models[0].layers.map(\.name) == topology.layers.map(\.name))
        #expect(catalog.models[0].layers.map(\.nodeCount) == topology.layers.map(\.nodeCount))
        #expect(catalog.models[0].layers.map(\.kind) == topology.layers.map(\.kind))
    }
}
