import Engine
import Foundation
import GRDB
@testable import Store
import Testing
import TestSupport

/// How stores open: readers write nothing and create nothing, files that are not stores are
/// refused untouched, older schemas are migrated by writers only, and concurrent creators end
/// with one store.
@Suite struct StoreOpeningTests {
    /// The bytes of the store's file and the size of its write-ahead log (0 when absent).
    private func snapshot(_ path: String) throws -> (Data, Int) {
        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        return (try Data(contentsOf: URL(fileURLWithPath: path)), wal)
    }

    @Test func readersNeverWrite() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.sqlite")
        try StoreFixtures.store(at: path, count: 20, seed: 1, tags: ["clean", "noisy"])
        let (before, walBefore) = try snapshot(path)
        for _ in 0..<5 {
            let store = try ProvenanceStore(path: path, access: .readOnly)
            _ = try store.catalog()
            _ = try store.info()
            _ = try store.run(sql: "SELECT tag, COUNT(*) FROM traces GROUP BY tag", arguments: [])
            var seen = 0
            try store.forEachTrace(TraceSelection(tag: "noisy")) { _, _ in
                seen += 1
                return true
            }
            #expect(seen == 10)
        }
        let (after, walAfter) = try snapshot(path)
        #expect(after == before, "the store file is byte-identical after reads")
        #expect(walAfter <= walBefore, "the write-ahead log gained nothing")
    }

    @Test func readOnlyConnectionsRefuseWrites() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.sqlite")
        try StoreFixtures.store(at: path, count: 4, seed: 2)
        let store = try ProvenanceStore(path: path, access: .readOnly)
        let error = #expect(throws: StoreError.self) { try store.run(sql: "DELETE FROM traces", arguments: []) }
        guard case .sqlite(let code, _, let sql, _) = error?.reason else { Issue.record("\(String(describing: error))"); return }
        #expect(code & 0xff == 8, "SQLITE_READONLY (\(code))")
        #expect(sql == "DELETE FROM traces")
        #expect(try store.info().traces == 4)
    }

    @Test func readersDoNotCreateAMissingStore() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("typo.sqlite")
        #expect(throws: StoreError(path: path, reason: .noSuchStore)) { try ProvenanceStore(path: path, access: .readOnly) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(StoreError(path: path, reason: .noSuchStore).description == "\(path): no such store")
    }

    @Test func filesThatAreNotStoresAreRefusedUntouched() throws {
        let directory = try TemporaryDirectory()
        let foreign = directory.path("other.sqlite")
        try DatabaseQueue(path: foreign).write { try $0.execute(sql: "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me')") }
        let text = directory.path("notes.txt")
        try "not a database at all, just some text that is long enough to have a header\n".write(toFile: text, atomically: true, encoding: .utf8)
        for path in [foreign, text] {
            let (before, _) = try snapshot(path)
            for access in [StoreAccess.readOnly, .readWrite] {
                let error = #expect(throws: StoreError.self) { try ProvenanceStore(path: path, access: access) }
                guard case .notAStore = error?.reason else { Issue.record("\(path): \(String(describing: error))"); continue }
            }
            #expect(try snapshot(path).0 == before, "\(path) is unchanged")
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test func olderStoresAreReportedToReadersAndMigratedByWriters() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("old.sqlite")
        let queue = try DatabaseQueue(path: path)
        try SchemaMigrator.migrate(queue, path: path, migrations: Array(embeddedMigrations.prefix(2)))
        try queue.write { db in
            try db.execute(sql: "INSERT INTO runs (sources, started_at, status) VALUES ('old', 'then', 'running')")
        }
        try queue.close()
        let (before, _) = try snapshot(path)
        #expect(throws: StoreError(path: path, reason: .schemaOutdated(version: 2, current: latestSchemaVersion))) {
            try ProvenanceStore(path: path, access: .readOnly)
        }
        #expect(try snapshot(path).0 == before, "the reader changed nothing")
        let store = try ProvenanceStore(path: path)
        #expect(try store.schemaVersion() == latestSchemaVersion)
        #expect(try store.info().runs.map(\.status) == ["interrupted"], "a run left running before processes were recorded")
        #expect(try ProvenanceStore(path: path, access: .readOnly).schemaVersion() == latestSchemaVersion)
    }

    @Test func storesMadeWithEitherShippedTextOfMigration2Open() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.sqlite")
        try StoreFixtures.store(at: path, count: 2, seed: 4)
        for hash in ReleasedMigrations.hashes[2]! {
            try DatabaseQueue(path: path).write { try $0.execute(sql: "UPDATE migrations SET sha256 = ? WHERE version = 2", arguments: [hash]) }
            #expect(try ProvenanceStore(path: path, access: .readOnly).info().traces == 2)
            #expect(try ProvenanceStore(path: path).info().traces == 2)
        }
        try DatabaseQueue(path: path).write { try $0.execute(sql: "UPDATE migrations SET sha256 = 'edited' WHERE version = 2") }
        #expect(throws: StoreError(path: path, reason: .migrationChanged(version: 2, name: embeddedMigrations[1].name))) {
            try ProvenanceStore(path: path, access: .readOnly)
        }
    }

    /// A shipped migration never changes: its text must hash to one of the hashes it shipped with.
    @Test func releasedMigrationsKeepTheirText() {
        for migration in embeddedMigrations {
            #expect(ReleasedMigrations.hashes[migration.version]?.contains(migration.sha256) == true,
                    "\(migration.name).sql changed after it shipped (sha256 \(migration.sha256)): add a new migration instead; a new one is listed in ReleasedMigrations")
        }
    }

    @Test func concurrentCreatorsEndWithOneStoreHoldingEachTraceOnce() throws {
        let (topology, traces) = try StoreFixtures.traces(count: 300, seed: 8)
        for attempt in 0..<5 {
            let directory = try TemporaryDirectory()
            let path = directory.path("new.sqlite")
            let failures = Failures()
            let group = DispatchGroup()
            for _ in 0..<2 {
                DispatchQueue.global().async(group: group) {
                    do {
                        let store = try ProvenanceStore(path: path)
                        let run = try store.beginIngest(sources: "concurrent", batchSize: 50)
                        try run.beginModel(topology, encoding: .float32, source: "concurrent", onnx: nil)
                        for trace in traces { try run.add(trace) }
                        _ = try run.finish()
                    } catch {
                        failures.add("\(error)")
                    }
                }
            }
            group.wait()
            #expect(failures.all.isEmpty, "attempt \(attempt): \(failures.all)")
            let info = try ProvenanceStore(path: path, access: .readOnly).info()
            #expect(info.traces == 300)
            #expect(info.runs.map(\.status) == ["finished", "finished"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.contains(".creating-") }.isEmpty)
        }
    }
}

/// Errors collected from several threads.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}

/// What the backend keeps besides traces: the models' ONNX bytes and named analysis results.
@Suite struct BackendRecordsTests {
    @Test func modelBytesAreKeptWhenTheyHashToTheFingerprint() throws {
        let directory = try TemporaryDirectory()
        let model = try StoreFixtures.model()
        let onnx = try ONNXExporter.serialize(model.graph)
        let reloaded = try Model.load(onnx: onnx, source: "fixture")
        let capture = try ProvenanceCapture(session: InferenceSession(model: reloaded), sampleShape: [6])
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        let run = try store.beginIngest(sources: "test", batchSize: 10)
        #expect(throws: StoreError.self) {
            try run.beginModel(capture.topology, encoding: .float32, source: "test", onnx: onnx + Data([0]))
        }
        try run.beginModel(capture.topology, encoding: .float32, source: "test", onnx: onnx)
        _ = try run.finish()
        let stored = try ProvenanceStore(path: directory.path("s.sqlite"), access: .readOnly).modelBytes(fingerprint: capture.topology.fingerprint)
        #expect(stored == onnx)
        #expect(try Model.load(onnx: stored!, source: "stored").fingerprint == capture.topology.fingerprint)
    }

    @Test func analysesAreStoredByKindAndNameAndReplaced() throws {
        let directory = try TemporaryDirectory()
        let store = try StoreFixtures.store(at: directory.path("s.sqlite"), count: 3, seed: 5)
        let fingerprint = try store.catalog().models[0].fingerprint
        try store.record(AnalysisRecord(kind: "repair", name: "first", modelFingerprint: fingerprint, parameters: #"{"k":1}"#, result: Data("a".utf8)))
        try store.record(AnalysisRecord(kind: "repair", name: "first", modelFingerprint: fingerprint, parameters: #"{"k":2}"#, result: Data("b".utf8)))
        try store.record(AnalysisRecord(kind: "forensics", name: "first", modelFingerprint: nil, parameters: "{}", result: Data()))
        let repairs = try ProvenanceStore(path: directory.path("s.sqlite"), access: .readOnly).analyses(kind: "repair")
        #expect(repairs.map(\.parameters) == [#"{"k":2}"#])
        #expect(repairs.first?.result == Data("b".utf8))
        #expect(repairs.first?.modelFingerprint == fingerprint)
        #expect(try store.analyses(kind: "forensics").count == 1)
    }
}
