import Crypto
import Foundation

/// One numbered migration (`Migrations/NNNN_name.sql`), embedded at build time.
struct EmbeddedMigration: Sendable {
    let version: Int
    let name: String
    let sql: String

    /// sha256 (hex) of the migration's text: a store records it and refuses a changed text.
    var sha256: String {
        SHA256.hash(data: Data(sql.utf8)).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
