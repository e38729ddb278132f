import Foundation
import GRDB
@testable import Store
import Testing
import TestSupport

/// Store access through the command line as users meet it: readers create and write nothing,
/// refuse what is not a store with one clear line, read stores they may not write; concurrent
/// ingests into a new store both succeed; older stores ask for `deepprov migrate`.
@Suite struct StoreAccessCommandTests {
    /// Every command that only reads a store, pointed at `path`.
    private func readers(_ path: String) -> [[String]] {
        [["query", "--db", path, "from traces | select input"], ["info", "--db", path], ["sql", "--db", path, "SELECT 1"],
         ["export", "--db", path, "--input", "0", "--format", "dot"], ["repl", "--db", path]]
    }

    private func run(_ arguments: [String], input: String = "") throws -> (stdout: String, stderr: String, status: Int32) {
        let process = try DeepProvProcess(arguments, environment: ["DEEPPROV_HISTORY": ""])
        process.write(input)
        return try process.finish()
    }

    @Test func readersRefuseMissingPathsAndForeignFilesTouchingNothing() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path("typo.sqlite")
        for arguments in readers(missing) {
            let (_, stderr, status) = try run(arguments)
            #expect(status != 0, "\(arguments[0])")
            #expect(stderr == "Error: \(missing): no such store\n", "\(arguments[0]): \(stderr)")
            #expect(!FileManager.default.fileExists(atPath: missing), "\(arguments[0]) created \(missing)")
        }
        let foreign = directory.path("notes.sqlite")
        try DatabaseQueue(path: foreign).write { try $0.execute(sql: "CREATE TABLE notes (text TEXT)") }
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        for arguments in readers(foreign) + [["ingest", "--db", foreign, directory.path("none.ipgz")]] {
            let (_, stderr, status) = try run(arguments)
            #expect(status != 0)
            #expect(stderr.contains("\(foreign): not a DeepProv store (an SQLite database without DeepProv's migrations table)"), "\(arguments[0]): \(stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)

        // A capture into a file that is not a store fails before it runs the model.
        let workspace = try TinyWorkspace()
        let capture = try run(["capture", "--model", workspace.model, "--inputs", workspace.inputs, "--label-column", "label", "--db", foreign])
        #expect(capture.status != 0)
        #expect(capture.stderr == "Error: \(foreign): not a DeepProv store (an SQLite database without DeepProv's migrations table); nothing was changed\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
    }

    @Test func readCommandsLeaveTheStoreByteIdentical() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try QueryCommandTests.store(in: directory)
        let wal = { (try? FileManager.default.attributesOfItem(atPath: database + "-wal")[.size] as? Int) ?? 0 }
        let (before, walBefore) = (try Data(contentsOf: URL(fileURLWithPath: database)), wal())
        for _ in 0..<3 {
            for arguments in readers(database) + [["query", "--db", database, "--saved", "node-stats"], ["sql", "--db", database, "PRAGMA user_version"]] {
                let (_, stderr, status) = try run(arguments, input: ".sql DELETE FROM traces\nfrom traces | select input\n")
                #expect(status == 0 || arguments[0] == "export", "\(arguments[0]): \(stderr)")
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before, "the store file is byte-identical after reads")
        #expect(wal() <= walBefore, "the write-ahead log gained nothing")
    }

    @Test func aStoreTheUserMayNotWriteIsReadable() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try QueryCommandTests.store(in: directory)
        // A store at rest: its log checkpointed into the file, no side files left.
        try DatabaseQueue(path: database).writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory.url.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: database)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.url.path) }
        // root may write anything: run as nobody then, from a copy of the binary nobody can reach
        // (the checkout may lie in a folder only root may enter).
        let asUser = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
        let binaries = try TemporaryDirectory()
        let binary = binaries.path("deepprov")
        try FileManager.default.copyItem(atPath: DeepProvExecutable.url.path, toPath: binary)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: binaries.url.path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: asUser.first ?? binary)
        process.arguments = Array(asUser.dropFirst()) + (asUser.isEmpty ? [] : [binary])
            + ["query", "--db", database, "--format", "csv", "from traces where tag = 'noisy' | select input, label | sort input"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.currentDirectoryURL = binaries.url
        try process.run()
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
        let expected = try run(["sql", "--db", database, "SELECT input_index, true_label FROM traces WHERE tag = 'noisy' ORDER BY input_index"]).stdout
            .split(separator: "\n").dropFirst().map { $0.replacingOccurrences(of: "\t", with: ",") }
        #expect(stdout.split(separator: "\n").dropFirst().map(String.init) == expected)
        #expect(expected.count == 20)
    }

    @Test func concurrentIngestsIntoANewStoreBothSucceedAndReadersNeverSeeSQLiteErrors() throws {
        let directory = try TemporaryDirectory()
        let stream = directory.path("t.ipgz")
        _ = try StoreFixtures.traces(count: 400, seed: 9, path: stream)
        for attempt in 0..<3 {
            let database = directory.path("new\(attempt).sqlite")
            let ingests = try (0..<2).map { _ in try DeepProvProcess(["ingest", "--db", database, stream, "--batch-size", "50", "--quiet"]) }
            var readerOutcomes: [(String, Int32)] = []
            for _ in 0..<4 {
                let (_, stderr, status) = try run(["info", "--db", database, "--format", "json"])
                readerOutcomes.append((stderr, status))
            }
            for ingest in ingests {
                let (_, stderr, status) = try ingest.finish()
                #expect(status == 0, "attempt \(attempt): \(stderr)")
            }
            for (stderr, status) in readerOutcomes {
                #expect(status == 0 || stderr == "Error: \(database): no such store\n", "a reader during creation: \(stderr)")
            }
            let info = try run(["sql", "--db", database, "SELECT COUNT(*), COUNT(DISTINCT input_index) FROM traces"]).stdout
            #expect(info.split(separator: "\n").last == "400\t400", "each trace once: \(info)")
        }
    }

    @Test func olderStoresAskForMigrate() throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("old.sqlite")
        let queue = try DatabaseQueue(path: database)
        try SchemaMigrator.migrate(queue, path: database, migrations: Array(embeddedMigrations.prefix(2)))
        try queue.close()
        let (_, stderr, status) = try run(["query", "--db", database, "from traces | select input"])
        #expect(status != 0)
        #expect(stderr.contains("schema version 2, older than this build's \(latestSchemaVersion); run `deepprov migrate --db \(database)`"), "\(stderr)")
        let migrated = try run(["migrate", "--db", database])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout == "\(database): schema version \(latestSchemaVersion)\n")
        let query = try run(["query", "--db", database, "--format", "csv", "from traces | select input"])
        #expect(query.status == 0, "\(query.stderr)")
        #expect(query.stdout == "input\n")
    }

    @Test func explicitParametersMustBeTheQuerysAndFilesAreNamed() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try QueryCommandTests.store(in: directory)
        let undeclared = try run(["query", "--db", database, "--saved", "node-stats", "--param", "layr=1"])
        #expect(undeclared.status != 0)
        #expect(undeclared.stderr == "Error: the query has no parameter $layr; did you mean 'layer'? (its parameters: $tag, $layer)\n")
        let typed = try run(["query", "--db", database, "--saved", "node-stats", "--param", "layer=one"])
        #expect(typed.stderr == "Error: parameter $layer is an integer; 'one' is not one\n")
        let missingFile = directory.path("absent.dpq")
        let file = try run(["query", "--db", database, "--file", missingFile])
        #expect(file.status != 0)
        #expect(file.stderr == "Error: \(missingFile): cannot read: No such file or directory\n")
    }

    @Test func aScriptsLastQueryRunsWithoutASemicolon() throws {
        let directory = try TemporaryDirectory()
        let (database, _) = try QueryCommandTests.store(in: directory)
        let query = "from traces where tag = 'clean' | select input, label | sort input"
        let (stdout, stderr, status) = try run(["repl", "--db", database], input: ".format csv\n" + query)
        #expect(status == 0 && stderr.isEmpty, "\(stderr)")
        let expected = try run(["query", "--db", database, "--format", "csv", query]).stdout
        #expect(expected.split(separator: "\n").count == 21)
        #expect(stdout.hasSuffix(expected), "\(stdout)")
    }
}
