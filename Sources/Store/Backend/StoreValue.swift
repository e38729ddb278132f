import Foundation

/// One value bound to a statement or read from a result: SQL's storage classes.
public enum StoreValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    /// The storage class of a value, and of a result column.
    public enum Kind: String, Sendable, Hashable {
        case null, integer, real, text, blob
    }

    public var kind: Kind {
        switch self {
        case .null: return .null
        case .integer: return .integer
        case .real: return .real
        case .text: return .text
        case .blob: return .blob
        }
    }

    /// The value as a number, when it is one.
    public var number: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .real(let value): return value
        default: return nil
        }
    }

    /// The value as text, when it is text.
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The value as plain text, as `deepprov sql` prints it: empty for NULL, numbers exact,
    /// a blob as its size.
    public var plainText: String {
        switch self {
        case .null: return ""
        case .integer(let number): return "\(number)"
        case .real(let number): return "\(number)"
        case .text(let text): return text
        case .blob(let data): return "\(data.count) bytes"
        }
    }
}
