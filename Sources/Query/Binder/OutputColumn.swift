/// An output column: its name and the type of its values.
public struct OutputColumn: Sendable, Equatable {
    public var name: String
    public var type: ValueType

    public init(_ name: String, _ type: ValueType) {
        self.name = name
        self.type = type
    }
}

/// An output column made by `derive` or `select`: its name, what it holds (an expression over
/// the shape's columns) and the type of its values.
public struct ProjectedColumn: Sendable, Equatable {
    public var name: String
    public var expression: BoundCondition
    public var type: ValueType
}
