/// Values written into ClickHouse SQL as literals. ClickHouse 18.16 has no bound query
/// parameters (they came in 19.x), so every value a statement carries is quoted here and
/// nowhere else; identifiers are only ever the database and cluster names, checked by
/// `ClickHouseAddress.isIdentifier`.
enum SQLLiteral {
    /// A string literal: quoted, with `\` and `'` escaped (and control bytes, which
    /// ClickHouse reads as escapes).
    static func string(_ text: String) -> String {
        var quoted = "'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "'": quoted += "\\'"
            case "\0": quoted += "\\0"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "'"
    }

    /// Bytes as a string literal of `\xHH` escapes.
    static func bytes(_ bytes: [UInt8]) -> String {
        "'" + bytes.map { "\\x" + String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined() + "'"
    }

    /// A list for `IN (…)`.
    static func list<T: BinaryInteger>(_ values: [T]) -> String {
        "(" + values.map { String($0) }.joined(separator: ", ") + ")"
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
