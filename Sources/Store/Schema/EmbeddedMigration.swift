import Crypto
import Foundation
import IPG

/// One numbered migration (`Migrations/NNNN_name.sql`), embedded at build time.
struct EmbeddedMigration: Sendable {
    let version: Int
    let name: String
    let sql: String

    /// sha256 (hex) of the migration's text: a store records it and refuses a changed text.
    var sha256: String {
        Hex.string(SHA256.hash(data: Data(sql.utf8)))
    }
}

/// The schema version this build brings stores to: the last migration's number (numbers may
/// skip one that another line of work has taken).
let latestSchemaVersion = embeddedMigrations.last?.version ?? 0
