import Analysis
import Foundation
import IPG
import Query
import Store
import StoreClickHouse
import Testing
import TestSupport

/// `deepprov info`, `sql`, `query` and `characterize` with `--db clickhouse://…`: info and characterize give the
/// same report as for an SQLite store of the same stream; a bad URL and an unreachable server fail with one line naming the URL.
@Suite(.enabled(if: ClickHouseServers.unavailableReason == nil, "\(ClickHouseServers.unavailableReason ?? "")"))
struct ClickHouseCommandTests {
    private func run(_ arguments: [String]) throws -> (stdout: String, stderr: String, status: Int32) {
        try DeepProvProcess(arguments).finish()
    }

    @Test(arguments: [false, true])
    func infoReportsWhatSQLiteReports(clustered: Bool) throws {
        let servers = try ClickHouseServers.shared()
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz"), sqlite = directory.path("s.sqlite")
        _ = try StoreFixtures.traces(count: 30, seed: 4, path: stream, tags: ["clean", "noisy", "blur"])
        _ = try StreamIngestor(backend: ProvenanceStore(path: sqlite)).ingest([stream])
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli"), cluster: clustered ? servers.clusterName : nil)
        _ = try StreamIngestor(backend: ClickHouseBackend(url: url), batchSize: 7).ingest([stream])

        let (stdout, stderr, status) = try run(["info", "--db", url])
        #expect(status == 0 && stderr.isEmpty, "\(stderr)")
        let expected = try deepProvOutput(["info", "--db", sqlite])
        // Everything up to the runs' lines (which hold their times) is the same; each run
        // line reads the same counts and source.
        let (got, reference) = (stdout.components(separatedBy: "runs\n"), expected.components(separatedBy: "runs\n"))
        #expect(got[0] == reference[0])
        #expect(got[0].hasPrefix("30 traces\n  blur: 10\n  clean: 10\n  noisy: 10\nmodels\n"))
        #expect(got.count == 2 && got[1].hasSuffix("finished  " + "\(got[1].split(separator: " ")[2])  read 30, new 30, skipped 0  \(stream)\n"), "\(stdout)")
    }

    /// `deepprov sql` runs ClickHouse SQL with bound values; `deepprov query` runs a trace
    /// listing there, and refuses what the ClickHouse lowering does not write yet (E063).
    @Test func sqlRunsAndQueriesAreRefusedClearly() throws {
        let servers = try ClickHouseServers.shared()
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (_, traces) = try StoreFixtures.traces(count: 12, seed: 2, path: stream, tags: ["clean", "noisy"])
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli_sql"), cluster: servers.clusterName)
        _ = try StreamIngestor(backend: ClickHouseBackend(url: url), batchSize: 5).ingest([stream])

        let (stdout, stderr, status) = try run(["sql", "--db", url, "SELECT tag, count() AS n, max(input_index) AS last FROM traces WHERE tag != ? GROUP BY tag ORDER BY tag", "--bind", "none"])
        #expect(status == 0 && stderr.isEmpty, "\(stderr)")
        let clean = traces.filter { $0.metadata.tag == "clean" }, noisy = traces.filter { $0.metadata.tag == "noisy" }
        #expect(stdout == "tag\tn\tlast\nclean\t\(clean.count)\t\(clean.map(\.metadata.inputIndex).max()!)\nnoisy\t\(noisy.count)\t\(noisy.map(\.metadata.inputIndex).max()!)\n")

        let query = try run(["query", "--db", url, "from traces where tag = 'noisy' | select input | sort -input | take 2"])
        #expect(query.status == 0 && query.stderr.isEmpty, "\(query.stderr)")
        let lines = query.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines == ["input"] + noisy.map(\.metadata.inputIndex).sorted(by: >).prefix(2).map { "\($0)" } + ["(2 rows)"], "\(query.stdout)")
        let refused = try run(["query", "--db", url, "from traces | nodes of layer 1 | summarize median by node"])
        #expect(refused.status != 0 && refused.stdout.isEmpty)
        #expect(refused.stderr.contains("error[E063]: the clickhouse backend cannot run the measure median (an interpolating quantile) yet"), "\(refused.stderr)")
    }

    /// `deepprov query --explain` on a ClickHouse store prints the ClickHouse SQL (the
    /// lowering's, as the library compiles it for that store) and its arguments, and runs nothing.
    @Test func explainShowsTheClickHouseSQL() throws {
        let servers = try ClickHouseServers.shared()
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        _ = try StoreFixtures.traces(count: 12, seed: 2, path: stream, tags: ["clean", "noisy"])
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli_explain"), cluster: servers.clusterName)
        _ = try StreamIngestor(backend: ClickHouseBackend(url: url), batchSize: 5).ingest([stream])
        let query = "from traces where tag = 'noisy' | nodes of layer 1 | summarize mean, freq by node | versus parent | sort -mean_diff"
        let explained = try run(["query", "--db", url, "--explain", query])
        #expect(explained.status == 0 && explained.stderr.isEmpty, "\(explained.stderr)")
        let expected = try QuerySession(backend: ClickHouseBackend(url: url, access: .readOnly)).prepare(SourceText(query), parameters: QueryParameters())
        let lines = explained.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first.map(String.init) == expected.compiled.sql)
        #expect(expected.compiled.sql.contains("GLOBAL ANY INNER JOIN") && expected.compiled.sql.contains("sumForEach"))
        // One value per placeholder: the layer, and the tag where the traces and their parents are chosen.
        let arguments = lines.dropFirst().first.map { $0.replacingOccurrences(of: "-- arguments: ", with: "").components(separatedBy: ", ") } ?? []
        #expect(arguments.count == expected.compiled.sql.components(separatedBy: "?").count - 1, "\(explained.stdout)")
        #expect(Set(arguments) == ["1", "'noisy'"] && arguments.filter { $0 == "'noisy'" }.count == 2, "\(explained.stdout)")
    }

    /// `deepprov ingest --db clickhouse://…` creates the database, stores a stream once, and
    /// from a truncated stream keeps the traces before the damage, naming the stream.
    @Test func ingestStoresOnceAndKeepsWhatPrecedesDamage() throws {
        let servers = try ClickHouseServers.shared()
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz"), sqlite = directory.path("s.sqlite")
        _ = try StoreFixtures.traces(count: 30, seed: 7, path: stream, frameCapacity: 4, tags: ["clean", "noisy"])
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli_ingest"), cluster: servers.clusterName)
        let first = try run(["ingest", "--quiet", "--db", url, "--batch-size", "8", stream])
        #expect(first.status == 0)
        #expect(first.stderr.hasPrefix("ingested 30 traces into \(url) in ") && first.stderr.hasSuffix(": 30 new, 0 already stored (run 1)\n"), "\(first.stderr)")
        let again = try run(["ingest", "--quiet", "--db", url, stream])
        #expect(again.status == 0 && again.stderr.hasSuffix(": 0 new, 30 already stored (run 2)\n"), "\(again.stderr)")
        for _ in 0..<2 { _ = try deepProvOutput(["ingest", "--quiet", "--db", sqlite, stream]) }
        let info = try run(["info", "--db", url, "--format", "json"])
        let reference = try deepProvOutput(["info", "--db", sqlite, "--format", "json"])
        #expect(info.status == 0)
        // Everything but the runs' times: models, tags, traces, and each run's source, status and counts.
        func comparable(_ json: String) throws -> NSDictionary {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            var kept = object
            kept["runs"] = (object["runs"] as? [[String: Any]])?.map { $0.filter { !["started_at", "finished_at"].contains($0.key) } }
            return kept as NSDictionary
        }
        #expect(try comparable(info.stdout) == comparable(reference))
        #expect(try comparable(info.stdout)["traces"] as? Int == 30)

        // Cut in the middle of a frame: the reader delivers the whole frames before it.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: stream))
        let damaged = directory.path("damaged.ipgz")
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: damaged))
        var delivered = 0
        let reader = try TraceStreamReader(path: damaged)
        while (try? reader.next()).flatMap({ $0 }) != nil { delivered += 1 }
        #expect(delivered > 0 && delivered < 30)
        let fresh = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli_damaged"), cluster: servers.clusterName)
        let failed = try run(["ingest", "--quiet", "--db", fresh, "--batch-size", "5", damaged])
        #expect(failed.status != 0)
        #expect(failed.stderr.hasPrefix("Error: \(damaged): ") && failed.stderr.split(separator: "\n").count == 1, "\(failed.stderr)")
        let kept = try ClickHouseBackend(url: fresh, access: .readOnly).info()
        #expect(kept.traces == delivered)
        #expect(kept.runs.map(\.status) == ["failed"])
    }

    /// An ingest the store refuses (ClickHouse: a layer kept at summary resolution; SQLite: a
    /// stream at another resolution than the model's stored traces) fails with one line and
    /// records a failed run that stored nothing, with that line as its message, on both.
    @Test func aRefusedIngestRecordsAFailedRunAsOnSQLite() throws {
        let servers = try ClickHouseServers.shared()
        let directory = try TemporaryDirectory()
        let fixture = FixturePaths.onnxFixture("cnn2d")
        let summary = directory.path("summary.ipgz"), full = directory.path("full.ipgz"), sqlite = directory.path("s.sqlite")
        for (stream, resolution) in [(summary, "summary"), (full, "full")] {
            _ = try deepProvOutput(["capture", "--model", fixture.appendingPathComponent("model.onnx").path, "--inputs",
                                    fixture.appendingPathComponent("input.npy").path, "--resolution", resolution, "--out", stream, "--quiet"])
        }
        _ = try deepProvOutput(["ingest", "--quiet", "--db", sqlite, summary])
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli_refused"), cluster: servers.clusterName)
        let refusals = [(store: sqlite, stream: full), (store: url, stream: summary)]
        var failedRuns: [StoreInfo.RunEntry] = []
        for (store, stream) in refusals {
            let refused = try run(["ingest", "--quiet", "--db", store, stream])
            #expect(refused.status == 1 && refused.stdout.isEmpty)
            #expect(refused.stderr.hasPrefix("Error: ") && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
            let info = store == url ? try ClickHouseBackend(url: url, access: .readOnly).info() : try ProvenanceStore(path: sqlite, access: .readOnly).info()
            let failed = try #require(info.runs.last)
            #expect(failed.status == "failed" && failed.sources == stream && failed.tracesAdded == 0)
            #expect(failed.message.map { "Error: \($0)\n" } == refused.stderr)
            failedRuns.append(failed)
        }
        #expect(try ClickHouseBackend(url: url, access: .readOnly).info().traces == 0)
        #expect(try ProvenanceStore(path: sqlite, access: .readOnly).info().runs.map(\.status) == ["finished", "failed"])
        #expect(failedRuns[1].message?.contains("cannot ingest \(summary): layer 1 (conv1) is kept at summary resolution") == true, "\(failedRuns[1])")
    }

    /// `deepprov capture --db clickhouse://…` stores the traces it writes to its stream, with
    /// the model's bytes: read back, they equal the stream's traces ingested into SQLite.
    @Test func captureStoresWhatItStreams() throws {
        let servers = try ClickHouseServers.shared()
        let directory = try TemporaryDirectory()
        let fixture = FixturePaths.onnxFixture("cnn1d")
        let stream = directory.path("t.ipgz"), sqlite = directory.path("s.sqlite")
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli_capture"), cluster: servers.clusterName)
        let captured = try run(["capture", "--model", fixture.appendingPathComponent("model.onnx").path,
                                "--inputs", fixture.appendingPathComponent("input.npy").path, "--out", stream, "--db", url])
        #expect(captured.status == 0, "\(captured.stderr)")
        _ = try deepProvOutput(["ingest", "--quiet", "--db", sqlite, stream])
        let clickhouse = try ClickHouseBackend(url: url, access: .readOnly), reference = try ProvenanceStore(path: sqlite, access: .readOnly)
        var got: [Trace] = [], expected: [Trace] = []
        try clickhouse.forEachTrace(TraceSelection()) { got.append($1); return true }
        try reference.forEachTrace(TraceSelection()) { expected.append($1); return true }
        #expect(!got.isEmpty && got.map(\.metadata) == expected.map(\.metadata))
        #expect(got.map { $0.layerValues.map { $0.map(\.bitPattern) } } == expected.map { $0.layerValues.map { $0.map(\.bitPattern) } })
        let fingerprint = try clickhouse.info().models[0].fingerprint
        #expect(try clickhouse.modelBytes(fingerprint: fingerprint) == Data(contentsOf: fixture.appendingPathComponent("model.onnx")))
    }

    /// `migrate --db clickhouse://…` refuses a database the server lacks (and does not create
    /// it), and brings an existing store to this build's ClickHouse schema, printing its version.
    @Test func migrateRefusesAMissingDatabaseAndReportsAStoresVersion() throws {
        let servers = try ClickHouseServers.shared()
        let database = ClickHouseServers.uniqueDatabase("cli_migrate")
        let url = servers.servers[0].url(database: database, cluster: servers.clusterName)
        let missing = try run(["migrate", "--db", url])
        #expect(missing.status == 1 && missing.stderr == "Error: \(url): no such store\n", "\(missing.stderr)")
        #expect(throws: StoreError(path: url, reason: .noSuchStore)) { try ClickHouseBackend(url: url, access: .readOnly) }
        _ = try ClickHouseBackend(url: url)  // a writer creates and migrates the store
        let migrated = try run(["migrate", "--db", url])
        #expect(migrated.status == 0 && migrated.stderr.isEmpty, "\(migrated.stderr)")
        let shipped = try FileManager.default.contentsOfDirectory(
            atPath: FixturePaths.repositoryRoot.appendingPathComponent("Migrations/clickhouse").path).filter { $0.hasSuffix(".sql") }
        #expect(!shipped.isEmpty && migrated.stdout == "\(url): schema version \(shipped.count)\n", "\(migrated.stdout)")
    }

    /// `export --db clickhouse://…` writes the same graph as from SQLite, and so does
    /// characterize's report.
    @Test func exportAndCharacterizeGiveSQLitesResults() throws {
        let servers = try ClickHouseServers.shared()
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz"), sqlite = directory.path("s.sqlite")
        _ = try StoreFixtures.traces(count: 10, seed: 3, path: stream, tags: ["clean", "noisy"])
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli_export"), cluster: servers.clusterName)
        _ = try StreamIngestor(backend: ClickHouseBackend(url: url)).ingest([stream])
        _ = try deepProvOutput(["ingest", "--quiet", "--db", sqlite, stream])
        for format in ["dot", "node-link"] {
            let exported = try run(["export", "--db", url, "--tag", "noisy", "--input", "3", "--format", format])
            #expect(exported.status == 0 && exported.stderr.isEmpty, "\(exported.stderr)")
            #expect(!exported.stdout.isEmpty)
            #expect(exported.stdout == (try deepProvOutput(["export", "--db", sqlite, "--tag", "noisy", "--input", "3", "--format", format])))
        }
        // characterize runs on the cluster and reports what it reports from SQLite.
        let arguments = ["characterize", "--a", "noisy", "--b", "clean", "--quiet", "--format", "json", "--top", "3"]
        let characterized = try run(arguments + ["--db", url])
        #expect(characterized.status == 0 && characterized.stderr.isEmpty, "\(characterized.stderr)")
        let reference = try JSONSerialization.jsonObject(with: Data(try deepProvOutput(arguments + ["--db", sqlite]).utf8))
        let got = try JSONSerialization.jsonObject(with: Data(characterized.stdout.utf8))
        #expect(Self.sameJSON(got, reference), "\(characterized.stdout)")
    }

    /// The same JSON value, numbers within 1e-9 relative.
    static func sameJSON(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            return x.keys.sorted() == y.keys.sorted() && x.allSatisfy { sameJSON($0.value, y[$0.key]!) }
        case (let x as [Any], let y as [Any]): return x.count == y.count && zip(x, y).allSatisfy { sameJSON($0, $1) }
        case (let x as String, let y as String): return x == y
        case (let x as NSNumber, let y as NSNumber):
            return x == y || abs(x.doubleValue - y.doubleValue) <= 1e-9 * max(abs(x.doubleValue), abs(y.doubleValue))
        case (is NSNull, is NSNull): return true
        default: return false
        }
    }

    @Test func aBadURLIsRefusedNamingIt() throws {
        let url = "clickhouse://127.0.0.1/prov"
        let (stdout, stderr, status) = try run(["info", "--db", url])
        #expect(status != 0 && stdout.isEmpty)
        #expect(stderr == "Error: \(url): no port (the HTTP interface's, often 8123); expected clickhouse://HOST:PORT/DATABASE[?cluster=NAME]\n")
    }

    @Test func anUnreachableServerIsNamed() throws {
        let url = "clickhouse://127.0.0.1:9/prov"
        let (stdout, stderr, status) = try run(["info", "--db", url])
        #expect(status != 0 && stdout.isEmpty)
        #expect(stderr.hasPrefix("Error: \(url): cannot reach the ClickHouse server at 127.0.0.1:9 ("), "\(stderr)")
        #expect(stderr.split(separator: "\n").count == 1)
    }

    @Test func aMissingDatabaseIsNoStore() throws {
        let url = try ClickHouseServers.shared().servers[0].url(database: ClickHouseServers.uniqueDatabase("none"))
        let (_, stderr, status) = try run(["info", "--db", url])
        #expect(status != 0)
        #expect(stderr == "Error: \(url): no such store\n")
    }
}
