import Engine
import Foundation
import Store
import StoreClickHouse
import Testing
import TestSupport

/// `deepprov repair` and `deepprov repairs` with `--db clickhouse://…`: every `--actions` mode
/// prints what it prints for an SQLite store of the same traces and writes the same ONNX; the
/// recorded repairs are listed with the same columns; a bad model, flag or database fails with
/// a line saying what is wrong.
@Suite(.enabled(if: ClickHouseServers.unavailableReason == nil, "\(ClickHouseServers.unavailableReason ?? "")"))
struct ClickHouseRepairCommandTests {
    struct Workspace {
        let directory: TemporaryDirectory
        let url: String
        var sqlite: String { directory.path("store.sqlite") }
        var modelPath: String { directory.path("model.onnx") }

        /// EdgeRepairTests' traces (every adversarial child moves x1 up by 0.5) in an SQLite file
        /// and in a ClickHouse database, the model's ONNX beside them.
        init(clustered: Bool) throws {
            let servers = try ClickHouseServers.shared()
            directory = try TemporaryDirectory()
            url = servers.servers[0].url(database: ClickHouseServers.uniqueDatabase("cli_repair"), cluster: clustered ? servers.clusterName : nil)
            let model = try RepairFixtures.store(at: directory.path("store.sqlite"), shift: EdgeRepairFixture.oneWayShift)
            try RepairFixtures.store(into: ClickHouseBackend(url: url), shift: EdgeRepairFixture.oneWayShift)
            try ONNXExporter.serialize(model.graph).write(to: URL(fileURLWithPath: directory.path("model.onnx")))
        }

        func arguments(db: String, model: String? = nil, out: String, _ extra: [String]) -> [String] {
            ["repair", "--db", db, "--model", model ?? modelPath, "--clean", RepairFixtures.cleanTag,
             "--adv", RepairFixtures.adversarialTag, "--out", out] + extra
        }
    }

    private func run(_ arguments: [String]) throws -> (stdout: String, stderr: String, status: Int32) {
        try DeepProvProcess(arguments).finish()
    }

    static let flags = ["--seed", "7", "--validation-fraction", "0.25", "--max-benign-drop", "100"]
    static let edgeFlags = flags + ["--epochs", "4", "--learning-rate", "0.2", "--repair-eps", "0.3", "--adaptive-eps", "0.3", "--max-weight-change", "25"]

    @Test(arguments: [("node", false), ("edge", true), ("both", true), ("whole-model", true)])
    func repairOnClickHouseIsRepairOnSQLite(actions: String, clustered: Bool) throws {
        let workspace = try Workspace(clustered: clustered)
        let extra = (actions == "node" ? Self.flags : Self.edgeFlags) + ["--actions", actions]
        let (sqliteOut, clickHouseOut) = (workspace.directory.path("sqlite.onnx"), workspace.directory.path("clickhouse.onnx"))
        let reference = try run(workspace.arguments(db: workspace.sqlite, out: sqliteOut, extra))
        try #require(reference.status == 0, "\(reference.stderr)")
        let got = try run(workspace.arguments(db: workspace.url, out: clickHouseOut, extra))
        #expect(got.status == 0, "\(got.stderr)")
        #expect(got.stdout.contains("recorded as repair '") && got.stdout.contains("' in \(workspace.url)\n"), "\(got.stdout)")
        #expect(got.stdout.replacingOccurrences(of: workspace.url, with: "DB").replacingOccurrences(of: clickHouseOut, with: "OUT")
                == reference.stdout.replacingOccurrences(of: workspace.sqlite, with: "DB").replacingOccurrences(of: sqliteOut, with: "OUT"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: clickHouseOut)) == Data(contentsOf: URL(fileURLWithPath: sqliteOut)))
        // the same progress lines, but for their times
        func lines(_ stderr: String) -> [String] {
            stderr.split(separator: "\n").map { $0.replacingOccurrences(of: #"  \[[0-9.]+ s\]$"#, with: "", options: .regularExpression) }
        }
        #expect(lines(got.stderr) == lines(reference.stderr), "\(got.stderr)")
        #expect(lines(got.stderr).contains("repair: done"), "\(got.stderr)")

        // `repairs` lists the recorded repair with the same columns as on SQLite; only its time differs.
        let listed = try run(["repairs", "--db", workspace.url, "--format", "json"])
        #expect(listed.status == 0 && listed.stderr.isEmpty, "\(listed.stderr)")
        let expected = try run(["repairs", "--db", workspace.sqlite, "--format", "json"])
        func records(_ json: String) throws -> [NSDictionary] {
            let records = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
            return records.map { record in
                #expect((record["createdAt"] as? String).flatMap(ISO8601DateFormatter().date(from:)) != nil, "\(record.keys.sorted())")
                return record.filter { $0.key != "createdAt" } as NSDictionary
            }
        }
        let (gotRecords, expectedRecords) = (try records(listed.stdout), try records(expected.stdout))
        #expect(gotRecords.count == 1 && gotRecords == expectedRecords)
        #expect((gotRecords.first?["request"] as? [String: Any])?["actions"] as? String == actions)
        let table = try run(["repairs", "--db", workspace.url]), referenceTable = try run(["repairs", "--db", workspace.sqlite])
        #expect(table.status == 0 && table.stderr.isEmpty, "\(table.stderr)")
        func withoutTime(_ text: String) -> [String] {
            text.split(separator: "\n").map { $0.replacingOccurrences(of: #"  [0-9T:Z-]+$"#, with: "", options: .regularExpression) }
        }
        #expect(withoutTime(table.stdout) == withoutTime(referenceTable.stdout), "\(table.stdout)")
        #expect(table.stdout.hasPrefix("\(RepairFixtures.cleanTag)-\(RepairFixtures.adversarialTag)-"), "\(table.stdout)")
    }

    @Test func aModelTheClickHouseStoreDoesNotKnowIsNamed() throws {
        let workspace = try Workspace(clustered: true)
        let other = workspace.directory.path("other.onnx"), out = workspace.directory.path("out.onnx")
        try ONNXExporter.serialize(try StoreFixtures.model().graph).write(to: URL(fileURLWithPath: other))
        let fingerprint = Model.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: other)))
        let (stdout, stderr, status) = try run(workspace.arguments(db: workspace.url, model: other, out: out, ["--actions", "node"]))
        #expect(status == 1 && stdout.isEmpty)
        #expect(stderr.hasSuffix("Error: \(workspace.url): the store has no traces of model \(fingerprint.prefix(12)) (capture or ingest its clean and adversarial traces first)\n"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        // nothing was recorded
        #expect(try run(["repairs", "--db", workspace.url]).stdout == "no repairs recorded\n")
    }

    @Test func aFlagForEdgesIsRefusedBeforeTheStoreIsRead() throws {
        let workspace = try Workspace(clustered: false)
        let out = workspace.directory.path("out.onnx")
        let (_, stderr, status) = try run(workspace.arguments(db: workspace.url, out: out, ["--actions", "node", "--epochs", "2"]))
        #expect(status == 64)
        #expect(stderr.contains("--epochs applies to edge repair (--actions edge, both or whole-model); --actions node changes no weights"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// A URL naming a database the server does not have is no store: refused, and not created.
    @Test func aMissingDatabaseIsRefusedAndNotCreated() throws {
        let workspace = try Workspace(clustered: false)
        let server = try ClickHouseServers.shared().servers[0]
        let database = ClickHouseServers.uniqueDatabase("absent")
        let missing = server.url(database: database)
        let out = workspace.directory.path("out.onnx")
        let (_, stderr, status) = try run(workspace.arguments(db: missing, out: out, ["--actions", "node"]))
        #expect(status == 1)
        #expect(stderr == "Error: \(missing): no such store\n", "\(stderr)")
        let listing = try run(["repairs", "--db", missing])
        #expect(listing.status == 1 && listing.stderr == "Error: \(missing): no such store\n", "\(listing.stderr)")
        let databases = try ClickHouseBackend(url: workspace.url, access: .readOnly)
            .run(sql: "SELECT count() FROM system.databases WHERE name = ?", arguments: [.text(database)])
        #expect(databases.rows == [[.integer(0)]])
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
