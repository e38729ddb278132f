extension BoundCondition {
    /// The type of this condition's value, a summary's or listing's output columns typed by
    /// `columns`: `unknown` for a `$parameter` (and an unknown column); arithmetic of whole
    /// numbers stays whole (SQLite divides them as whole numbers too), any other is a number.
    func valueType(columns: [OutputColumn]) -> ValueType {
        switch self {
        case .column(let column): return column.type
        case .output(let name): return columns.first { $0.name == name }?.type ?? .unknown
        case .attribute: return .string
        case .value(.integer): return .integer
        case .value(.number): return .number
        case .value(.string): return .string
        case .value(.parameter): return .unknown
        case .node: return .node
        case .absolute(let inner): return inner.valueType(columns: columns)
        case .nodePart: return .integer
        case .measure(let measure): return measure.type
        case .not, .related: return .boolean
        case .binary(let op, let left, let right):
            guard ["+", "-", "*", "/"].contains(op) else { return .boolean }
            return left.valueType(columns: columns) == .integer && right.valueType(columns: columns) == .integer ? .integer : .number
        }
    }
}
