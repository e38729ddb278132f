/// The rows a statement returned, with its columns' names and types.
public struct ResultTable: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var name: String
        /// The storage class of the column's non-null values (`real` when integers and reals
        /// mix; `null` when every value is null or there are no rows).
        public var kind: StoreValue.Kind
    }

    public var columns: [Column]
    public var rows: [[StoreValue]]

    /// A table whose column kinds are read off its values.
    public init(columnNames: [String], rows: [[StoreValue]]) {
        self.rows = rows
        columns = columnNames.indices.map { index in
            var kinds = Set(rows.map { $0[index].kind })
            kinds.remove(.null)
            if kinds == [.integer, .real] { kinds = [.real] }
            let kind = kinds.count == 1 ? kinds.first! : (kinds.isEmpty ? .null : .text)
            return Column(name: columnNames[index], kind: kind)
        }
    }

    public var columnNames: [String] { columns.map(\.name) }

    /// The value in `row` of the column named `name` (nil when there is no such column).
    public func value(_ row: Int, _ name: String) -> StoreValue? {
        columns.firstIndex { $0.name == name }.map { rows[row][$0] }
    }
}
