import Foundation
import GRDB

/// Brings a store's schema to this build's version: `PRAGMA user_version` counts the applied
/// migrations, the `migrations` table records their text's hash. Each migration runs in its
/// own transaction. A store from a newer DeepProv, or whose recorded migrations differ from
/// this build's, is refused.
enum SchemaMigrator {
    static func migrate(_ writer: some DatabaseWriter, path: String, migrations: [EmbeddedMigration] = embeddedMigrations) throws {
        try writer.barrierWriteWithoutTransaction { db in
            let applied = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            guard applied <= migrations.count else {
                throw StoreError("\(path): the store has schema version \(applied), made by a newer DeepProv; this build knows versions up to \(migrations.count)")
            }
            if applied > 0 {
                let recorded = try Row.fetchAll(db, sql: "SELECT version, sha256 FROM migrations ORDER BY version")
                for row in recorded {
                    let version: Int = row["version"]
                    guard version <= migrations.count, migrations[version - 1].sha256 == row["sha256"] as String else {
                        throw StoreError("\(path): migration \(version) was applied from a different text than this build's \(migrations[min(version, migrations.count) - 1].name).sql; refusing to use the store")
                    }
                }
            }
            for migration in migrations.dropFirst(applied) {
                try db.inTransaction {
                    try db.execute(sql: migration.sql)
                    try db.execute(
                        sql: "INSERT INTO migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)",
                        arguments: [migration.version, migration.name, migration.sha256, ISO8601DateFormatter().string(from: Date())])
                    try db.execute(sql: "PRAGMA user_version = \(migration.version)")
                    return .commit
                }
            }
        }
    }
}
