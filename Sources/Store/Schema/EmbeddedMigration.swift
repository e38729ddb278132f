import Crypto
import Foundation
import IPG

/// One numbered migration (`Migrations/NNNN_name.sql`, or another backend's
/// `Migrations/<engine>/NNNN_name.sql`), embedded at build time.
public struct EmbeddedMigration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// sha256 (hex) of the migration's text: a store records it and refuses a changed text.
    public var sha256: String {
        Hex.string(SHA256.hash(data: Data(sql.utf8)))
    }
}

extension [EmbeddedMigration] {
    /// The schema version these migrations bring a store to: the last one's number (numbers
    /// may skip one reserved by work not merged yet).
    public var latestVersion: Int { last?.version ?? 0 }

    /// The migration numbered `version`, if it is one of these.
    public func migration(numbered version: Int) -> EmbeddedMigration? {
        first { $0.version == version }
    }
}
