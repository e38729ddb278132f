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

extension [EmbeddedMigration] {
    /// The schema version these migrations bring a store to: the last one's number (numbers
    /// may skip one reserved by work not merged yet).
    var latestVersion: Int { last?.version ?? 0 }

    /// The migration numbered `version`, if it is one of these.
    func migration(numbered version: Int) -> EmbeddedMigration? {
        first { $0.version == version }
    }
}
