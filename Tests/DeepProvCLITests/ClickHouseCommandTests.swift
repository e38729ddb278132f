import Foundation
import Store
import StoreClickHouse
import Testing
import TestSupport

/// `deepprov info`, `sql` and `query` with `--db clickhouse://…`: info gives the same report as for an SQLite store
/// of the same stream; a bad URL and an unreachable server fail with one line naming the URL.
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
        _ = try StreamIngestor(store: ProvenanceStore(path: sqlite)).ingest([stream])
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli"), cluster: clustered ? servers.clusterName : nil)
        _ = try BackendStreamIngest.ingest([stream], into: ClickHouseBackend(url: url), batchSize: 7)

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

    /// `deepprov sql` runs ClickHouse SQL with bound values; `deepprov query` says the
    /// language cannot be lowered to ClickHouse yet, naming the store.
    @Test func sqlRunsAndQueriesAreRefusedClearly() throws {
        let servers = try ClickHouseServers.shared()
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        let (_, traces) = try StoreFixtures.traces(count: 12, seed: 2, path: stream, tags: ["clean", "noisy"])
        let url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli_sql"), cluster: servers.clusterName)
        _ = try BackendStreamIngest.ingest([stream], into: ClickHouseBackend(url: url), batchSize: 5)

        let (stdout, stderr, status) = try run(["sql", "--db", url, "SELECT tag, count() AS n, max(input_index) AS last FROM traces WHERE tag != ? GROUP BY tag ORDER BY tag", "--bind", "none"])
        #expect(status == 0 && stderr.isEmpty, "\(stderr)")
        let clean = traces.filter { $0.metadata.tag == "clean" }, noisy = traces.filter { $0.metadata.tag == "noisy" }
        #expect(stdout == "tag\tn\tlast\nclean\t\(clean.count)\t\(clean.map(\.metadata.inputIndex).max()!)\nnoisy\t\(noisy.count)\t\(noisy.map(\.metadata.inputIndex).max()!)\n")

        let query = try run(["query", "--db", url, "from traces | select input"])
        #expect(query.status != 0 && query.stdout.isEmpty)
        #expect(query.stderr == "Error: \(url): queries cannot be lowered to its SQL dialect 'clickhouse'\n", "\(query.stderr)")
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
