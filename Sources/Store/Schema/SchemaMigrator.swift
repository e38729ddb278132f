import Foundation
import GRDB

/// Brings a store's schema to this build's version: `PRAGMA user_version` counts the applied
/// migrations, the `migrations` table records their text's hash. Only writers migrate; readers
/// `verify` and are told to migrate when the store is older.
enum SchemaMigrator {
    /// Applies the missing migrations, each in its own `BEGIN IMMEDIATE` transaction that
    /// re-reads the version first: of two writers migrating one store at once, the second
    /// waits for the first's transaction and then finds that migration applied. Migrations run
    /// with foreign keys off (so a table can be rebuilt) and are checked before committing;
    /// they may call DeepProv's SQL functions (a migration that summarises stored traces does).
    static func migrate(_ writer: some DatabaseWriter, path: String, migrations: [EmbeddedMigration] = embeddedMigrations) throws {
        try writer.barrierWriteWithoutTransaction { db in
            StoreFunctions.register(in: db)
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            for migration in migrations {
                try db.inTransaction(.immediate) {
                    let applied = try verify(db, path: path, migrations: migrations)
                    guard applied < migration.version else { return .commit }
                    try db.execute(sql: migration.sql)
                    if let violation = try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") {
                        throw StoreError(path: path, reason: .damaged(detail: "migration \(migration.name) leaves a foreign key unmatched in \(violation["table"] ?? "?")"))
                    }
                    try db.execute(
                        sql: "INSERT INTO migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)",
                        arguments: [migration.version, migration.name, migration.sha256, ISO8601DateFormatter().string(from: Date())])
                    try db.execute(sql: "PRAGMA user_version = \(migration.version)")
                    return .commit
                }
            }
        }
    }

    /// The number of migrations the store has applied, after checking that it is not from a
    /// newer build and that every recorded migration is one this build accepts. A database
    /// with tables but no DeepProv schema is not a store.
    @discardableResult
    static func verify(_ db: Database, path: String, migrations: [EmbeddedMigration] = embeddedMigrations) throws -> Int {
        let applied = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        guard try db.tableExists("migrations") else {
            let tables = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") ?? 0
            guard applied == 0 && tables == 0 else {
                throw StoreError(path: path, reason: .notAStore(detail: "an SQLite database without DeepProv's migrations table"))
            }
            return 0
        }
        let latest = migrations.last?.version ?? 0
        guard applied <= latest else {
            throw StoreError(path: path, reason: .schemaFromNewerBuild(version: applied, known: latest))
        }
        for row in try Row.fetchAll(db, sql: "SELECT version, sha256 FROM migrations ORDER BY version") {
            let version: Int = row["version"]
            guard let migration = migrations.first(where: { $0.version == version }) else {
                throw StoreError(path: path, reason: .schemaFromNewerBuild(version: version, known: latest))
            }
            guard ReleasedMigrations.accepts(row["sha256"], for: migration) else {
                throw StoreError(path: path, reason: .migrationChanged(version: version, name: migration.name))
            }
        }
        return applied
    }
}
