import Foundation

/// Reads `FORMAT TabSeparated` responses: rows of fields, ClickHouse's escapes undone.
enum TabSeparated {
    /// Every line is a row (a row of one empty field is an empty line); the last line ends
    /// with a newline.
    static func rows(_ data: Data) -> [[String]] {
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map { unescape($0) }
        }
    }

    /// The single integer a `SELECT count() …` returns.
    static func integer(_ data: Data) -> Int? {
        Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `\N` stays as written (the caller knows which columns may be NULL).
    static func unescape(_ field: Substring) -> String {
        guard field.contains("\\"), field != "\\N" else { return String(field) }
        var result = "", escaping = false
        for character in field {
            if escaping {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                case "0": result.append("\0")
                case "b": result.append("\u{8}")
                case "f": result.append("\u{c}")
                default: result.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
