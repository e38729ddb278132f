import ArgumentParser
import Foundation
import Store

/// Output formats of query results.
enum QueryOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Renders result rows as an aligned table, CSV (header row first) or a JSON array of objects.
enum QueryOutput {
    /// `tableRowLimit` caps the rows a table shows (the REPL's screen); CSV and JSON show all.
    static func render(_ table: ResultTable, format: QueryOutputFormat, tableRowLimit: Int? = nil) -> String {
        let rows = table.rows, columns = table.columnNames
        let shown = format == .table ? rows.prefix(tableRowLimit ?? rows.count) : rows[...]
        let cells = shown.map { row in row.map { text($0, rounded: format == .table) } }
        switch format {
        case .csv:
            return ([columns] + cells).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
        case .json:
            let objects = rows.map { row in
                "{" + zip(columns, row).map { "\(NodeLinkWriter.quote($0)): \(json($1))" }.joined(separator: ", ") + "}"
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
    private static func text(_ value: StoreValue, rounded: Bool) -> String {
        switch value {
        case .null: return ""
        case .integer(let number): return "\(number)"
        case .real(let number): return rounded ? String(format: "%.6g", number) : "\(number)"
        case .text(let string): return string
        case .blob(let data): return "<\(data.count) bytes>"
        }
    }

    private static func json(_ value: StoreValue) -> String {
        switch value {
        case .null: return "null"
        case .integer(let number): return "\(number)"
        case .real(let number): return number.isFinite ? "\(number)" : "null"
        case .text(let string): return NodeLinkWriter.quote(string)
        case .blob(let data): return NodeLinkWriter.quote("<\(data.count) bytes>")
        }
    }

    private static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
