import Foundation
import GRDB
@testable import Store
import Testing
import TestSupport

/// Migrations: applied to an empty store, recorded, refused when newer or changed, and the
/// embedded copy matches `Migrations/`.
@Suite struct MigrationTests {
    @Test func emptyStoreIsMigratedAndRecorded() throws {
        let directory = try TemporaryDirectory()
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        #expect(try store.schemaVersion() == latestSchemaVersion)
        let recorded = try store.read { try String.fetchAll($0, sql: "SELECT name FROM migrations ORDER BY version") }
        #expect(recorded == embeddedMigrations.map(\.name))
        #expect(try ProvenanceStore(path: directory.path("s.sqlite")).schemaVersion() == latestSchemaVersion, "reopening changes nothing")
    }

    @Test func olderStoreIsMigratedForward() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("old.sqlite")
        let extra = EmbeddedMigration(version: latestSchemaVersion + 1, name: "9999_test_extra", sql: "CREATE TABLE test_extra (x INTEGER);\n")
        let queue = try DatabaseQueue(path: path)
        try SchemaMigrator.migrate(queue, path: path)
        try SchemaMigrator.migrate(queue, path: path, migrations: embeddedMigrations + [extra])
        #expect(try queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == latestSchemaVersion + 1)
        #expect(try queue.read { try $0.tableExists("test_extra") })
    }

    @Test func newerStoreIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.sqlite")
        _ = try ProvenanceStore(path: path)
        try DatabaseQueue(path: path).write { try $0.execute(sql: "PRAGMA user_version = 99") }
        let error = #expect(throws: StoreError.self) { try ProvenanceStore(path: path) }
        #expect(error?.message == "\(path): the store has schema version 99, made by a newer DeepProv; this build knows versions up to \(latestSchemaVersion)")
    }

    @Test func changedMigrationTextIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.sqlite")
        _ = try ProvenanceStore(path: path)
        try DatabaseQueue(path: path).write { try $0.execute(sql: "UPDATE migrations SET sha256 = 'x' WHERE version = 1") }
        let error = #expect(throws: StoreError.self) { try ProvenanceStore(path: path) }
        #expect(error?.message.contains("migration 1 was applied from a different text") == true)
    }

    @Test func embeddedCopyMatchesTheMigrationsFolder() throws {
        let folder = FixturePaths.repositoryRoot.appendingPathComponent("Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.map { String($0.dropLast(4)) } == embeddedMigrations.map(\.name), "run scripts/embed-resources")
        for (file, migration) in zip(files, embeddedMigrations) {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(text == migration.sql, "\(file) changed: run scripts/embed-resources")
        }
    }
}
