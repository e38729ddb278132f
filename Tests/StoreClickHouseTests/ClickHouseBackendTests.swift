import Foundation
import IPG
import Store
@testable import StoreClickHouse
import Testing
import TestSupport

/// The same streams ingested into SQLite (the reference) and into ClickHouse, on one server
/// and sharded over the two-shard cluster: the same info, catalog, model bytes and traces,
/// bit for bit, and equal to the captured traces; re-ingesting adds nothing.
@Suite(.enabled(if: ClickHouseServers.unavailableReason == nil, "\(ClickHouseServers.unavailableReason ?? "")"))
struct ClickHouseBackendTests {
    /// The MLP fixture (clean and noisy traces, parents and attributes) and the 2-D CNN
    /// fixture (clean and noisy), as two streams; the CNN's stream names its ONNX file.
    private func streams(in directory: TemporaryDirectory) throws -> (paths: [String], traces: [Trace]) {
        let mlp = directory.path("mlp.ipgz"), cnn = directory.path("cnn.ipgz")
        let (_, mlpTraces) = try StoreFixtures.traces(count: 40, seed: 5, path: mlp, frameCapacity: 7, tags: ["clean", "noisy"])
        let (topology, cnnTraces) = try ConvStoreFixtures.traces("cnn2d", count: 12, seed: 8)
        try TraceStreamFixtures.writeStream(cnnTraces, topology: topology, to: cnn,
                                            modelPath: FixturePaths.onnxFixture("cnn2d").appendingPathComponent("model.onnx").path, frameCapacity: 5)
        return ([mlp, cnn], mlpTraces + cnnTraces)
    }

    private func url(clustered: Bool, stem: String) throws -> String {
        let servers = try ClickHouseServers.shared()
        return servers.servers[0].url(database: ClickHouseServers.uniqueDatabase(stem), cluster: clustered ? servers.clusterName : nil)
    }

    @Test(arguments: [false, true])
    func sameStreamsReadBackAsFromSQLite(clustered: Bool) throws {
        let directory = try TemporaryDirectory()
        let (paths, captured) = try streams(in: directory)
        let sqlite = try ProvenanceStore(path: directory.path("s.sqlite"))
        let reference = try StreamIngestor(backend: sqlite, batchSize: 16).ingest(paths)
        let clickhouse = try ClickHouseBackend(url: url(clustered: clustered, stem: "equal"))
        let summary = try StreamIngestor(backend: clickhouse, batchSize: 16).ingest(paths)
        #expect((summary.tracesRead, summary.tracesAdded, summary.tracesSkipped) == (reference.tracesRead, reference.tracesAdded, 0))
        #expect(summary.tracesAdded == captured.count)

        let (expected, got) = (try sqlite.info(), try clickhouse.info())
        #expect(got.traces == expected.traces && got.tags == expected.tags)
        #expect(got.models.map { [$0.fingerprint, $0.name, "\($0.layers)", "\($0.nodes)", "\($0.traces)"] }
            == expected.models.map { [$0.fingerprint, $0.name, "\($0.layers)", "\($0.nodes)", "\($0.traces)"] })
        #expect(got.runs.map { [$0.id, Int64($0.tracesRead), Int64($0.tracesAdded), Int64($0.tracesSkipped)] }
            == expected.runs.map { [$0.id, Int64($0.tracesRead), Int64($0.tracesAdded), Int64($0.tracesSkipped)] })
        #expect(got.runs.map { [$0.sources, $0.status] } == expected.runs.map { [$0.sources, $0.status] })
        #expect(try clickhouse.catalog(includingParentTags: true) == sqlite.catalog(includingParentTags: true))

        // Every trace, in storage order, bit for bit: against SQLite and against the capture.
        let fromSQLite = try allTraces(sqlite), fromClickHouse = try allTraces(clickhouse)
        #expect(fromClickHouse.count == captured.count)
        #expect(fromClickHouse.map(\.0.fingerprint) == fromSQLite.map(\.0.fingerprint))
        #expect(fromClickHouse.map(\.0) == fromSQLite.map(\.0))
        for ((_, trace), (_, reference)) in zip(fromClickHouse, fromSQLite) { expectIdentical(trace, reference) }
        for (trace, reference) in zip(fromClickHouse.map(\.1), captured) { expectIdentical(trace, reference) }

        // Selections and single traces.
        let selection = TraceSelection(tag: "noisy", inputIndices: [1, 3, 5, 30], model: String(fromSQLite[0].0.fingerprint.prefix(10)))
        #expect(try traces(clickhouse, selection) == traces(sqlite, selection))
        #expect(try traces(clickhouse, selection).count == 3)
        let single = try clickhouse.trace(tag: "noisy", inputIndex: 3, model: fromSQLite[0].0.fingerprint.prefix(8).description)
        expectIdentical(single.trace, try sqlite.trace(tag: "noisy", inputIndex: 3, model: fromSQLite[0].0.fingerprint).trace)
        // Input 0 of tag clean exists for both models.
        let ambiguous = #expect(throws: StoreError.self) { try clickhouse.trace(tag: "clean", inputIndex: 0, model: nil) }
        let ambiguousInSQLite = #expect(throws: StoreError.self) { try sqlite.trace(tag: "clean", inputIndex: 0, model: nil) }
        guard case .ambiguousTrace(_, _, let fingerprints)? = ambiguous?.reason,
              case .ambiguousTrace(_, _, let expectedFingerprints)? = ambiguousInSQLite?.reason else {
            Issue.record("not ambiguous: \(String(describing: ambiguous))")
            return
        }
        #expect(fingerprints.sorted() == expectedFingerprints.sorted())
        let missing = #expect(throws: StoreError.self) { try clickhouse.trace(tag: "clean", inputIndex: 999, model: nil) }
        #expect(missing?.reason == .noSuchTrace(tag: "clean", inputIndex: 999, model: nil))

        // Model bytes: the CNN's, kept by both; none for the MLP (its stream names no file).
        for model in got.models {
            #expect(try clickhouse.modelBytes(fingerprint: model.fingerprint) == sqlite.modelBytes(fingerprint: model.fingerprint))
        }
        #expect(try clickhouse.modelBytes(fingerprint: got.models[1].fingerprint) != nil)

        // Re-ingesting both streams, and the 40 MLP traces twice, adds nothing.
        let again = try StreamIngestor(backend: clickhouse, batchSize: 9).ingest(paths + [paths[0]])
        #expect((again.tracesRead, again.tracesAdded, again.tracesSkipped) == (captured.count + 40, 0, captured.count + 40))
        #expect(try clickhouse.info().traces == captured.count)
        #expect(try clickhouse.info().runs.map(\.status) == ["finished", "finished"])

        if clustered { try expectSpreadOverShards(clickhouse, total: captured.count) }
    }

    /// An ingest abandoned after some batches (as when its process is killed) leaves whole
    /// batches; running the stream again stores the rest, nothing twice.
    @Test(arguments: [false, true])
    func anAbandonedIngestIsCompletedByRunningItAgain(clustered: Bool) throws {
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (topology, traces) = try StoreFixtures.traces(count: 50, seed: 9, path: stream, tags: ["clean", "noisy"])
        let clickhouse = try ClickHouseBackend(url: url(clustered: clustered, stem: "resume"))
        let abandoned = try clickhouse.beginIngest(sources: stream, batchSize: 8)
        try abandoned.beginModel(topology, encoding: .float32, source: stream, onnx: nil)
        for trace in traces.prefix(21) { try abandoned.add(trace) }
        #expect(abandoned.summary.tracesAdded == 16)  // two whole batches; five traces in memory are lost
        #expect(try clickhouse.info().traces == 16)
        #expect(try clickhouse.info().runs.map(\.status) == ["running"])  // its process (this one) still runs

        let resumed = try StreamIngestor(backend: clickhouse, batchSize: 8).ingest([stream])
        #expect((resumed.tracesRead, resumed.tracesAdded, resumed.tracesSkipped) == (50, 34, 16))
        let counts = TabSeparated.rows(try clickhouse.client.execute("""
            SELECT count(), uniqExact(tag, input_index, input_hash, parent_tag, parent_index) FROM \(clickhouse.table("traces")) FORMAT TabSeparated
            """))
        #expect(counts == [["50", "50"]])
        var stored: [Trace] = []
        try clickhouse.forEachTrace(TraceSelection()) { stored.append($1); return true }
        #expect(Set(stored.map { "\($0.metadata.tag)/\($0.metadata.inputIndex)" }) == Set(traces.map { "\($0.metadata.tag)/\($0.metadata.inputIndex)" }))
    }

    /// Node statistics per tag as the language's ClickHouse lowering will compute them: array
    /// aggregates (`sumForEach`, …) over the traces of both shards, merged by the Distributed
    /// table; against count, mean, variance, min, max and active count computed here from the
    /// captured traces.
    @Test func nodeStatisticsFromArrayAggregatesMergeOverShards() throws {
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (topology, traces) = try StoreFixtures.traces(count: 60, seed: 12, path: stream, tags: ["clean", "noisy"])
        let clickhouse = try ClickHouseBackend(url: url(clustered: true, stem: "statistics"))
        _ = try StreamIngestor(backend: clickhouse, batchSize: 16).ingest([stream])
        try expectSpreadOverShards(clickhouse, total: traces.count)
        for layer in topology.layers where layer.nodeSize == 1 {
            let table = try clickhouse.run(sql: """
                SELECT tag, count() AS n, sumForEach(arrayMap(v -> toFloat64(v), layer_values[?])) AS sums,
                       sumForEach(arrayMap(v -> toFloat64(v) * toFloat64(v), layer_values[?])) AS squares,
                       minForEach(arrayMap(v -> toFloat64(v), layer_values[?])) AS minima,
                       maxForEach(arrayMap(v -> toFloat64(v), layer_values[?])) AS maxima,
                       sumForEach(arrayMap(v -> toUInt64(abs(v) > ?), layer_values[?])) AS active
                FROM traces GROUP BY tag ORDER BY tag
                """, arguments: [StoreValue](repeating: .integer(Int64(layer.index + 1)), count: 4) + [.real(Double(layer.threshold)), .integer(Int64(layer.index + 1))])
            #expect(table.rows.count == 2)
            for row in table.rows {
                guard case .text(let tag) = row[0], case .integer(let count) = row[1] else { Issue.record("\(row)"); continue }
                let values = traces.filter { $0.metadata.tag == tag }.map { $0.layerValues[layer.index] }
                #expect(Int(count) == values.count)
                let (sums, squares, minima, maxima, active) = (numbers(row[2]), numbers(row[3]), numbers(row[4]), numbers(row[5]), numbers(row[6]))
                for node in 0..<layer.nodeCount {
                    let column = values.map { Double($0[node]) }
                    let mean = column.reduce(0, +) / Double(column.count)
                    let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count - 1)
                    let clickhouseMean = sums[node] / Double(count)
                    #expect(abs(clickhouseMean - mean) <= 1e-12 * max(1, abs(mean)))
                    #expect(abs((squares[node] - Double(count) * clickhouseMean * clickhouseMean) / Double(count - 1) - variance) <= 1e-9 * max(1, variance))
                    #expect(minima[node] == column.min()! && maxima[node] == column.max()!)
                    #expect(Int(active[node]) == column.filter { abs($0) > Double(layer.threshold) }.count)
                }
            }
        }
    }

    /// `[1,2.5,-3]` as numbers.
    private func numbers(_ value: StoreValue) -> [Double] {
        guard case .text(let text) = value else { return [] }
        return text.dropFirst().dropLast().split(separator: ",").compactMap { Double($0) }
    }

    /// Each shard's local table, read on its own server, holds some of the traces, and
    /// together exactly all of them.
    private func expectSpreadOverShards(_ backend: ClickHouseBackend, total: Int) throws {
        let servers = try ClickHouseServers.shared().servers
        let counts = try servers.map { server in
            TabSeparated.integer(try ClickHouseClient(host: server.host, port: server.httpPort, location: "shard").execute(
                "SELECT count() FROM \(backend.address.database).traces_local FORMAT TabSeparated")) ?? -1
        }
        #expect(counts.allSatisfy { $0 > 0 }, "\(counts)")
        #expect(counts.reduce(0, +) == total)
    }

    @Test func analysesAreRecordedAndReplacedAsInSQLite() throws {
        let directory = try TemporaryDirectory()
        let sqlite = try StoreFixtures.store(at: directory.path("s.sqlite"), count: 4, seed: 2)
        let clickhouse = try ClickHouseBackend(url: url(clustered: false, stem: "analyses"))
        let fingerprint = try sqlite.info().models[0].fingerprint
        for backend in [sqlite, clickhouse] as [any ProvenanceBackend] {
            try backend.record(AnalysisRecord(kind: "repair", name: "b", modelFingerprint: fingerprint, parameters: "{}", result: Data([1, 2])))
            try backend.record(AnalysisRecord(kind: "repair", name: "a", modelFingerprint: "unknown", parameters: "{\"x\":1}", result: Data([0, 255, 10])))
            try backend.record(AnalysisRecord(kind: "repair", name: "b", modelFingerprint: nil, parameters: "{\"y\":'\\\"}", result: Data()))
            try backend.record(AnalysisRecord(kind: "forensics", name: "a", modelFingerprint: nil, parameters: "", result: Data([7])))
        }
        for kind in ["repair", "forensics", "none"] {
            let expected = try sqlite.analyses(kind: kind).map { [$0.kind, $0.name, $0.modelFingerprint ?? "nil", $0.parameters, "\([UInt8]($0.result))"] }
            let got = try clickhouse.analyses(kind: kind).map { [$0.kind, $0.name, $0.modelFingerprint ?? "nil", $0.parameters, "\([UInt8]($0.result))"] }
            #expect(got == expected)
        }
        #expect(try clickhouse.analyses(kind: "repair").count == 2)
    }

    /// Read-only SQL with bound arguments, against values computed here from the captured
    /// traces: placeholders inside strings and comments stay text; writes are refused.
    @Test func readOnlySQLRunsWithBoundArguments() throws {
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (_, traces) = try StoreFixtures.traces(count: 20, seed: 6, path: stream, tags: ["clean", "noisy"])
        let clickhouse = try ClickHouseBackend(url: url(clustered: true, stem: "run"))
        _ = try StreamIngestor(backend: clickhouse, batchSize: 8).ingest([stream])
        #expect(clickhouse.dialectName == "clickhouse")

        let table = try clickhouse.run(sql: """
            SELECT input_index, confidence, tag, true_label, '?' AS mark, layer_values[2][3] AS node -- a comment's ?
            FROM traces WHERE tag = ? AND input_index >= ? AND confidence > ? ORDER BY input_index;
            """, arguments: [.text("noisy"), .integer(4), .real(-1)])
        let expected = traces.filter { $0.metadata.tag == "noisy" && $0.metadata.inputIndex >= 4 }
        #expect(table.columnNames == ["input_index", "confidence", "tag", "true_label", "mark", "node"])
        #expect(table.columns.map(\.kind) == [.integer, .real, .text, .integer, .text, .real])
        #expect(table.rows == expected.map { trace in
            [.integer(Int64(trace.metadata.inputIndex)), .real(Double(trace.metadata.confidence)), .text("noisy"),
             .integer(Int64(trace.metadata.trueLabel!)), .text("?"), .real(Double(trace.layerValues[1][2]))]
        })
        let quoted = try clickhouse.run(sql: "SELECT ? AS s, ? AS n, ? AS x, isNaN(?) AS nan", arguments: [.text("it's a \\ '?'"), .null, .real(0.1), .real(.nan)])
        #expect(quoted.rows == [[.text("it's a \\ '?'"), .null, .real(0.1), .integer(1)]])

        for write in ["INSERT INTO analyses (kind) VALUES ('x')", "DROP TABLE traces"] {
            let error = #expect(throws: StoreError.self) { try clickhouse.run(sql: write, arguments: []) }
            #expect(error?.message.contains("Code 164: ") == true && error?.message.contains("in readonly mode") == true, "\(error?.message ?? "")")
        }
        #expect(try clickhouse.info().traces == 20)
        let mismatch = #expect(throws: StoreError.self) { try clickhouse.run(sql: "SELECT ?", arguments: []) }
        #expect(mismatch?.message == "\(clickhouse.location): the statement's placeholders do not match its 0 arguments (in: SELECT ?)")
    }

    private func allTraces(_ backend: any ProvenanceBackend) throws -> [(ModelTopology, Trace)] {
        var all: [(ModelTopology, Trace)] = []
        try backend.forEachTrace(TraceSelection()) { all.append(($0, $1)); return true }
        return all
    }

    private func traces(_ backend: any ProvenanceBackend, _ selection: TraceSelection) throws -> [Trace] {
        var all: [Trace] = []
        try backend.forEachTrace(selection) { all.append($1); return true }
        return all
    }

    /// Equal metadata and every value's float32 bits equal.
    private func expectIdentical(_ trace: Trace, _ reference: Trace, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(trace.metadata == reference.metadata, sourceLocation: sourceLocation)
        #expect(trace.layerValues.map { $0.map(\.bitPattern) } == reference.layerValues.map { $0.map(\.bitPattern) }, sourceLocation: sourceLocation)
        #expect(trace.explicitEdges.isEmpty && reference.explicitEdges.isEmpty, sourceLocation: sourceLocation)
    }
}
