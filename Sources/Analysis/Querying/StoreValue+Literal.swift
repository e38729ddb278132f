import Foundation
import Store

extension StoreValue {
    /// The value as an SQL literal, for showing bound arguments beside their SQL (`--explain`).
    public var sqlLiteral: String {
        switch self {
        case .null: return "NULL"
        case .integer(let number): return "\(number)"
        case .real(let number): return "\(number)"
        case .text(let text): return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        case .blob(let data): return "X'" + data.map { String(format: "%02X", $0) }.joined() + "'"
        }
    }
}
