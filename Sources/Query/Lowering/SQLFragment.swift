/// A piece of SQL text with the values bound to its `?` placeholders, in order. Fragments are
/// joined and interpolated into each other, and each keeps its own bindings beside its text,
/// so the order of the bindings always follows the order of the placeholders in the text.
///
/// ```
/// let layer: SQLFragment = "l.layer = \(bind: .integer(2))"
/// let sql: SQLFragment = "SELECT * FROM layers l WHERE \(layer)"   // arguments: [2]
/// ```
/// Text the lowering writes itself (keywords, table and column names) is interpolated with
/// `raw:`; a value a user gave is only ever bound.
public struct SQLFragment: Sendable, Equatable, ExpressibleByStringInterpolation {
    /// What one `?` is bound to: an argument of the compiled query, or a slot that running a
    /// split query fills part by part (only a split query's statements have slots).
    public enum Binding: Sendable, Equatable {
        case query(CompiledQuery.Argument)
        case slot(SplitQuery.Slot)
    }

    public private(set) var text: String
    public private(set) var bindings: [Binding]

    public init(raw text: String) {
        self.text = text
        self.bindings = []
    }

    /// The compiled query's arguments, in order, of a statement without slots (any but a split
    /// query's statements).
    public var arguments: [CompiledQuery.Argument] {
        bindings.map { binding in
            guard case .query(let argument) = binding else { preconditionFailure("a split query's slot in a single statement: \(text)") }
            return argument
        }
    }

    public init(stringLiteral text: String) {
        self.init(raw: text)
    }

    public init(stringInterpolation: StringInterpolation) {
        self = stringInterpolation.fragment
    }

    /// `?`, bound to `value`.
    public static func bind(_ value: BoundValue) -> SQLFragment {
        var fragment = SQLFragment(raw: "?")
        fragment.bindings = [.query(value.argument)]
        return fragment
    }

    /// `?`, bound to what running a split query gives for `slot` (a range's end, say).
    static func placeholder(_ slot: SplitQuery.Slot) -> SQLFragment {
        var fragment = SQLFragment(raw: "?")
        fragment.bindings = [.slot(slot)]
        return fragment
    }

    /// The empty fragment.
    public static let empty = SQLFragment(raw: "")

    public var isEmpty: Bool { text.isEmpty }

    public static func + (left: SQLFragment, right: SQLFragment) -> SQLFragment {
        var joined = left
        joined += right
        return joined
    }

    public static func += (left: inout SQLFragment, right: SQLFragment) {
        left.text += right.text
        left.bindings += right.bindings
    }

    /// Builds a fragment from literal text, raw text the lowering made, bound values and other fragments.
    public struct StringInterpolation: StringInterpolationProtocol {
        var fragment = SQLFragment.empty

        public init(literalCapacity: Int, interpolationCount: Int) {
            fragment.text.reserveCapacity(literalCapacity)
        }

        public mutating func appendLiteral(_ literal: String) {
            fragment.text += literal
        }

        public mutating func appendInterpolation(_ other: SQLFragment) {
            fragment += other
        }

        /// SQL the lowering wrote (names, keywords): never a value from a query.
        public mutating func appendInterpolation(raw text: String) {
            fragment.text += text
        }

        /// A `?` placeholder bound to `value`.
        public mutating func appendInterpolation(bind value: BoundValue) {
            fragment += .bind(value)
        }

        public mutating func appendInterpolation(_ parts: [SQLFragment], separator: String) {
            fragment += parts.joined(separator: separator)
        }
    }
}

extension Array where Element == SQLFragment {
    /// The fragments one after another, `separator` between them, with their bindings in that order.
    public func joined(separator: String) -> SQLFragment {
        var joined = SQLFragment.empty
        for (position, part) in enumerated() {
            if position > 0 { joined += SQLFragment(raw: separator) }
            joined += part
        }
        return joined
    }
}

extension BoundValue {
    /// The value as an argument of a compiled query.
    var argument: CompiledQuery.Argument {
        switch self {
        case .integer(let number): return .integer(number)
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        case .parameter(let name): return .parameter(name)
        }
    }
}
