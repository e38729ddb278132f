import Foundation
import Store

extension ClickHouseBackend {
    /// Runs one read-only statement (the server refuses writes: `readonly=2`) with its `?`
    /// placeholders bound, in order, to `arguments`, in the store's database. Values come
    /// back by their ClickHouse types: integers, floats (NaN and infinities included), NULL
    /// for a `Nullable` column's nulls, text for the rest (arrays in ClickHouse's notation).
    public func run(sql: String, arguments: [StoreValue]) throws -> ResultTable {
        var statement = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        while statement.hasSuffix(";") { statement = String(statement.dropLast()).trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let bound = PlaceholderBinding.bind(statement, arguments) else {
            throw StoreError(path: location, reason: .server(
                message: "the statement's placeholders do not match its \(arguments.count) arguments", sql: sql))
        }
        let response = try client.execute(bound + "\nFORMAT TabSeparatedWithNamesAndTypes", database: address.database,
                                          settings: ["readonly": "2"])
        let lines = TabSeparated.rows(response)
        guard lines.count >= 2 else { return ResultTable(columnNames: [], rows: []) }
        let (names, types) = (lines[0], lines[1])
        let rows = lines.dropFirst(2).map { fields in zip(fields, types).map { Self.value($0, type: $1) } }
        return ResultTable(columnNames: names, rows: Array(rows))
    }

    /// A TabSeparated field of ClickHouse type `type` as a `StoreValue`.
    static func value(_ field: String, type: String) -> StoreValue {
        var type = Substring(type)
        if type.hasPrefix("Nullable(") {
            if field == "\\N" { return .null }
            type = type.dropFirst("Nullable(".count).dropLast()
        }
        if type.hasPrefix("LowCardinality(") { type = type.dropFirst("LowCardinality(".count).dropLast() }
        if type.hasPrefix("Int") || type.hasPrefix("UInt") {
            if let integer = Int64(field) { return .integer(integer) }
            if let real = Double(field) { return .real(real) }  // a UInt64 past Int64's range
        }
        if type.hasPrefix("Float") || type.hasPrefix("Decimal") {
            switch field {
            case "nan", "-nan": return .real(.nan)
            case "inf", "+inf": return .real(.infinity)
            case "-inf": return .real(-.infinity)
            default:
                // A Float32 is printed as the shortest text that reads back as that float.
                if type == "Float32", let single = Float(field) { return .real(Double(single)) }
                if let real = Double(field) { return .real(real) }
            }
        }
        return .text(field)
    }
}
