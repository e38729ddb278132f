import ArgumentParser
import Foundation
import GRDB

/// Output formats of query results.
enum QueryOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Renders result rows as an aligned table, CSV (header row first) or a JSON array of objects.
enum QueryOutput {
    /// `tableRowLimit` caps the rows a table shows (the REPL's screen); CSV and JSON show all.
    static func render(_ rows: [Row], columns: [String], format: QueryOutputFormat, tableRowLimit: Int? = nil) -> String {
        let shown = format == .table ? rows.prefix(tableRowLimit ?? rows.count) : rows[...]
        let cells = shown.map { row in columns.map { text(row[$0] as DatabaseValue, rounded: format == .table) } }
        switch format {
        case .csv:
            return ([columns] + cells).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
        case .json:
            let objects = rows.map { row in
                "{" + columns.map { "\(NodeLinkWriter.quote($0)): \(json(row[$0] as DatabaseValue))" }.joined(separator: ", ") + "}"
            }
            return "[" + objects.joined(separator: ",\n ") + "]\n"
        case .table:
            let widths = columns.indices.map { column in ([columns[column]] + cells.map { $0[column] }).map(\.count).max() ?? 0 }
            let line = { (values: [String]) in zip(values, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ") }
            let count = shown.count == rows.count ? "(\(rows.count) row\(rows.count == 1 ? "" : "s"))" : "(\(rows.count) rows, the first \(shown.count) shown; take N or .format csv for more)"
            return ([line(columns)] + cells.map(line)).joined(separator: "\n") + "\n\(count)\n"
        }
    }

    /// A cell's text: exact in CSV, six significant digits in a table (for reading).
    private static func text(_ value: DatabaseValue, rounded: Bool) -> String {
        switch value.storage {
        case .null: return ""
        case .int64(let number): return "\(number)"
        case .double(let number): return rounded ? String(format: "%.6g", number) : "\(number)"
        case .string(let string): return string
        case .blob(let data): return "<\(data.count) bytes>"
        }
    }

    private static func json(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "null"
        case .int64(let number): return "\(number)"
        case .double(let number): return number.isFinite ? "\(number)" : "null"
        case .string(let string): return NodeLinkWriter.quote(string)
        case .blob(let data): return NodeLinkWriter.quote("<\(data.count) bytes>")
        }
    }

    private static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
