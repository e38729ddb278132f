import Foundation
import Store

/// Binds a statement's `?` placeholders, in order, to values written as literals (ClickHouse
/// 18.16 has no bound parameters). Placeholders inside string literals, quoted identifiers
/// and comments are text, not placeholders.
enum PlaceholderBinding {
    /// `sql` with its placeholders replaced, or nil when it has not exactly `arguments.count`.
    static func bind(_ sql: String, _ arguments: [StoreValue]) -> String? {
        var result = "", remaining = arguments[...]
        var scalars = sql.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "'", "\"", "`":
                result.unicodeScalars.append(scalar)
                while let inner = scalars.popFirst() {
                    result.unicodeScalars.append(inner)
                    if inner == "\\", let escaped = scalars.popFirst() {
                        result.unicodeScalars.append(escaped)
                    } else if inner == scalar {
                        break
                    }
                }
            case "-" where scalars.first == "-":
                result.unicodeScalars.append(scalar)
                while let inner = scalars.popFirst() {
                    result.unicodeScalars.append(inner)
                    if inner == "\n" { break }
                }
            case "/" where scalars.first == "*":
                result.unicodeScalars.append(scalar)
                while let inner = scalars.popFirst() {
                    result.unicodeScalars.append(inner)
                    if inner == "*", scalars.first == "/" {
                        result.unicodeScalars.append(scalars.removeFirst())
                        break
                    }
                }
            case "?":
                guard let value = remaining.popFirst() else { return nil }
                result += literal(value)
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return remaining.isEmpty ? result : nil
    }

    /// One value as a ClickHouse literal.
    static func literal(_ value: StoreValue) -> String {
        switch value {
        case .null: return "NULL"
        case .integer(let number): return "\(number)"
        case .real(let number):
            if number.isNaN { return "nan" }
            if number.isInfinite { return number < 0 ? "-inf" : "inf" }
            // 18.16 refuses a subnormal literal (5e-324: a syntax error): written as a normal
            // double over a power of two, which divides back exactly.
            if number.isSubnormal { return "(\(number * 0x1p600) / \(0x1p600 as Double))" }
            // Swift writes the shortest text that reads back as the same double.
            return "\(number)"
        case .text(let text): return SQLLiteral.string(text)
        case .blob(let data): return SQLLiteral.bytes([UInt8](data))
        }
    }
}
