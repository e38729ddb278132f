import IPG

extension Binder {
    /// A condition over trace metadata, type-checked; values compared with a tag, a model or a
    /// class are checked against the catalog (literals now, `$parameters` when they have values).
    mutating func bind(_ expression: ParsedExpression) throws(Diagnostic) -> BoundCondition {
        let condition = try bindValue(expression)
        try expect(.boolean, condition, at: expression.span)
        return condition
    }

    mutating func bindValue(_ expression: ParsedExpression) throws(Diagnostic) -> BoundCondition {
        switch expression {
        // `margin` alone is the margin over the runner-up.
        case .name(let name) where name.text.lowercased() == TraceFunction.margin.rawValue: return .measure(.margin(nil))
        case .name(let name): return .column(try traceColumn(name))
        case .nodeReference(let layer, let index, _): return .node(layer: layer, index: index)
        case .attribute(let key, _): return .attribute(key)
        case .absolute(let inner, let span):
            let bound = try bindValue(inner)
            try expectNumber(bound, at: span)
            return .absolute(bound)
        case .nodePart(let part, let inner, _):
            let bound = try bindValue(inner)
            try expectNodeReference(bound, at: inner.span)
            return .nodePart(part, bound)
        case .traceFunction(let name, let arguments, let span):
            return .measure(try traceMeasure(name, arguments, span: span))
        case .related(let relation, let inner, _):
            return .related(relation, try bind(inner))
        case .not(let inner, _):
            let bound = try bindValue(inner)
            try expect(.boolean, bound, at: inner.span)
            return .not(bound)
        case .binary("-", .integer(0, _), .integer), .binary("-", .integer(0, _), .number):
            return .value(try value(expression))  // a negative literal
        case .binary(let op, let left, let right):
            let boundLeft = try bindValue(left), boundRight = try bindValue(right)
            try checkOperands(op, (boundLeft, left.span), (boundRight, right.span))
            try requireKnownValues(op, (boundLeft, left), (boundRight, right))
            return .binary(op, boundLeft, boundRight)
        default: return .value(try value(expression))
        }
    }

    /// A condition over the output rows' columns (a `where` after the query's shape is set).
    mutating func bind(_ expression: ParsedExpression, columns: [ProjectedColumn]) throws(Diagnostic) -> BoundCondition {
        let condition = try bindRowValue(expression, columns: columns)
        try expect(.boolean, condition, at: expression.span)
        return condition
    }

    /// A value or condition over the output rows' columns (a `derive`, a sort key), type-checked;
    /// a derived or renamed column is written out as what it stands for.
    mutating func bindRowValue(_ expression: ParsedExpression, columns: [ProjectedColumn]) throws(Diagnostic) -> BoundCondition {
        switch expression {
        case .name(let name):
            guard let column = columns.first(where: { $0.name == name.text.lowercased() }) else { throw unknownRowColumn(name, among: columns) }
            return column.expression
        case .attribute(_, let span):
            throw Diagnostic(code: .traceConditionOnRows, message: "attributes belong to traces: filter on them before 'nodes', 'summarize', 'edges' or 'lineage'", span: span)
        case .related(let relation, _, let span):
            throw Diagnostic(code: .traceConditionOnRows, message: "'\(relation.rawValue)(…)' is about traces: filter on it before 'nodes', 'summarize', 'edges' or 'lineage'", span: span)
        case .absolute(let inner, let span):
            let bound = try bindRowValue(inner, columns: columns)
            try expectNumber(bound, at: span)
            return .absolute(bound)
        case .nodePart(let part, let inner, _):
            let bound = try bindRowValue(inner, columns: columns)
            try expectNodeReference(bound, at: inner.span)
            return .nodePart(part, bound)
        case .traceFunction(let name, _, let span):
            throw Diagnostic(code: .traceConditionOnRows, message: "'\(name.text)(…)' measures traces: filter on it before the rows are computed, or select it from a trace listing", span: span)
        case .nodeReference(let layer, let index, _): return .node(layer: layer, index: index)
        case .not(let inner, _): return .not(try bind(inner, columns: columns))
        case .binary(let op, let left, let right):
            let boundLeft = try bindRowValue(left, columns: columns), boundRight = try bindRowValue(right, columns: columns)
            try checkOperands(op, (boundLeft, left.span), (boundRight, right.span))
            try requireKnownNodes((boundLeft, left.span), (boundRight, right.span))
            return .binary(op, boundLeft, boundRight)
        default: return .value(try value(expression))
        }
    }

    /// `tag = 'fgms'`, `model = $model`, `label = 12`: a value compared with a column whose
    /// values the catalog knows must be one of them, or the comparison is most likely a
    /// mistake. Literals are checked now, `$parameters` once they have values.
    private mutating func requireKnownValues(_ op: String, _ left: (BoundCondition, ParsedExpression), _ right: (BoundCondition, ParsedExpression)) throws(Diagnostic) {
        for (side, other) in [(left, right), (right, left)] {
            guard case .column(let column) = side.0, case .value = other.0, let rule = knownValues(of: column, op) else { continue }
            _ = try required(other.1, rule)
        }
    }

    /// The values `column` can hold, as a requirement on what it is compared with by `op`.
    private func knownValues(of column: TraceColumn, _ op: String) -> ValueRequirement.Rule? {
        switch column {
        case .tag, .parentTag: return .tag(known: catalog.tags)
        case .model: return .model(known: catalog.models.map(\.name))
        case .label, .predicted: return op == "=" && classCount > 0 ? .classIndex(column: column.rawValue, classes: classCount) : nil
        default: return nil
        }
    }

    /// The classes a label can name: the most nodes a model has in its last layer (0 without
    /// models).
    private var classCount: Int { catalog.models.compactMap { $0.layers.last?.nodeCount }.max() ?? 0 }

    /// The type a bound value or condition has.
    func type(of condition: BoundCondition) -> ValueType { condition.valueType(columns: shapeColumns) }

    private func expect(_ wanted: ValueType, _ condition: BoundCondition, at span: Span) throws(Diagnostic) {
        let actual = type(of: condition)
        guard actual != wanted, actual != .unknown else { return }
        throw Diagnostic(code: .wrongType, message: "expected a condition here, found \(Self.article(actual)) value", span: span,
                         notes: ["conditions compare values (label = 3) or name a yes/no column (correct)"])
    }

    private func expectNodeReference(_ condition: BoundCondition, at span: Span) throws(Diagnostic) {
        let actual = type(of: condition)
        guard actual != .node, actual != .unknown else { return }
        throw Diagnostic(code: .wrongType, message: "expected a node reference here (a column such as source or target, or 2:7), found \(Self.article(actual)) value", span: span)
    }

    private func expectNumber(_ condition: BoundCondition, at span: Span) throws(Diagnostic) {
        let actual = type(of: condition)
        guard !actual.isNumeric, actual != .unknown else { return }
        throw Diagnostic(code: .wrongType, message: "expected a number here, found \(Self.article(actual)) value", span: span)
    }

    /// Comparisons need two values of one kind (numbers with numbers); arithmetic needs numbers;
    /// `and`/`or` need conditions.
    private func checkOperands(_ op: String, _ left: (BoundCondition, Span), _ right: (BoundCondition, Span)) throws(Diagnostic) {
        switch op {
        case "and", "or":
            try expect(.boolean, left.0, at: left.1)
            try expect(.boolean, right.0, at: right.1)
        case "+", "-", "*", "/":
            try expectNumber(left.0, at: left.1)
            try expectNumber(right.0, at: right.1)
        default:
            try checkWholeEquality(op, left, right)
            let (a, b) = (type(of: left.0), type(of: right.0))
            if a == .node || b == .node { return try checkNodeComparison(op, left, right) }
            guard a != .unknown, b != .unknown, !(a.isNumeric && b.isNumeric), a != b else { return }
            throw Diagnostic(code: .incomparableTypes, message: "cannot compare \(Self.article(a)) value with \(Self.article(b)) value", span: Span(left.1.start, right.1.end),
                             notes: [a == .string || b == .string ? "strings are quoted: tag = 'clean'" : "compare like with like: label = 3, correct, confidence > 0.5"])
        }
    }

    /// A node reference compares with a node column (a lineage's `source`, `target`), and only
    /// for equality: `layer:node` text has no order that means anything.
    private func checkNodeComparison(_ op: String, _ left: (BoundCondition, Span), _ right: (BoundCondition, Span)) throws(Diagnostic) {
        let whole = Span(left.1.start, right.1.end)
        let (node, other) = type(of: left.0) == .node ? (left.0, right.0) : (right.0, left.0)
        let otherType = type(of: other)
        if otherType != .node && otherType != .unknown {
            guard case .output(let column) = node, otherType != .boolean else {
                throw Diagnostic(code: .incomparableTypes, message: "cannot compare a node reference with \(Self.article(otherType)) value", span: whole,
                                 notes: ["node references (2:0) compare with a lineage's source or target"])
            }
            throw Diagnostic(code: .nodeComparedWithValue, message: "'\(column)' holds node references (layer:node), not \(otherType.rawValue)s", span: whole,
                             notes: [ValueRequirement.nodeReferenceHint(column: column, comparedWith: Self.literal(other))])
        }
        guard op == "=" || op == "!=" else {
            throw Diagnostic(code: .nodeReferenceOrdered, message: "node references compare with = and != only, not '\(op)'", span: whole,
                             notes: ["pick nodes with = (target = 2:0), or sort by contribution or flow"])
        }
    }

    /// `target = 9:9`, `target = $node`: a node compared with a node column must be one the
    /// models have, and a `$parameter`'s value a node reference (checked once it has one).
    private mutating func requireKnownNodes(_ left: (BoundCondition, Span), _ right: (BoundCondition, Span)) throws(Diagnostic) {
        for (side, other) in [(left, right), (right, left)] {
            guard case .output(let column) = side.0, type(of: side.0) == .node else { continue }
            switch other.0 {
            case .node(let layer, let index):
                try require(ValueRequirement(rule: .node(nodeCounts: nodeCounts), values: [.integer(layer), .integer(index)], spans: [other.1, other.1]))
            case .value(let value):
                try require(ValueRequirement(rule: .nodeReference(column: column, nodeCounts: nodeCounts), values: [value], spans: [other.1]))
            default: continue
            }
        }
    }

    /// `label = 1.5`: a column of whole numbers never equals a number that is not one (or
    /// that lies beyond them), so the comparison is most likely a mistake.
    private func checkWholeEquality(_ op: String, _ left: (BoundCondition, Span), _ right: (BoundCondition, Span)) throws(Diagnostic) {
        guard op == "=" || op == "!=" else { return }
        for (side, other) in [(left, right), (right, left)] {
            guard let column = Self.columnName(side.0), type(of: side.0) == .integer, case .value(.number(let number)) = other.0,
                  number.rounded() != number || number.magnitude >= 0x1p63 else { continue }
            throw Diagnostic(code: .wholeNumberEqualsFraction, message: "'\(column)' holds whole numbers: it never equals \(number)", span: other.1,
                             notes: ["compare with a whole number (\(column) = 3), or use < and > for a range"])
        }
    }

    /// A literal's value, nil for anything else.
    private static func literal(_ condition: BoundCondition) -> CompiledQuery.Argument? {
        switch condition {
        case .value(.integer(let number)): return .integer(number)
        case .value(.number(let number)): return .number(number)
        case .value(.string(let text)): return .string(text)
        default: return nil
        }
    }

    /// The name of a trace or output column, nil for anything else.
    private static func columnName(_ condition: BoundCondition) -> String? {
        switch condition {
        case .column(let column): return column.rawValue
        case .output(let name): return name
        default: return nil
        }
    }

    private static func article(_ type: ValueType) -> String {
        switch type {
        case .integer: return "an integer"
        case .node: return "a node reference"
        default: return "a \(type.rawValue)"
        }
    }

    func value(_ expression: ParsedExpression) throws(Diagnostic) -> BoundValue {
        switch expression {
        case .integer(let value, _): return .integer(value)
        case .number(let value, _): return .number(value)
        case .string(let value, _): return .string(value)
        case .parameter(let name, _): return .parameter(name)
        case .binary("-", .integer(0, _), .integer(let value, _)): return .integer(-value)
        case .binary("-", .integer(0, _), .number(let value, _)): return .number(-value)
        default: throw Diagnostic(code: .notAValue, message: "expected a number, a string or a $parameter here", span: expression.span)
        }
    }

    func traceColumn(_ name: ParsedName) throws(Diagnostic) -> TraceColumn {
        let lowered = name.text.lowercased()
        if lowered.hasPrefix("parent."), let column = TraceColumn(rawValue: String(lowered.dropFirst("parent.".count))) {
            throw Diagnostic(code: .unknownName, message: "'\(lowered)' is a column a trace listing can select; a condition on the parent is written parent(…)", span: name.span,
                             notes: ["e.g. from traces where parent(\(column.rawValue) \(column.type == .boolean ? "" : "= … ")and …)"])
        }
        guard let column = TraceColumn(rawValue: lowered) else {
            throw unknown(name, kind: "trace column", candidates: TraceColumn.allCases.map(\.rawValue) + ["attr('key')"])
        }
        return column
    }

    /// A column a trace listing selects: `confidence`, its parent's, `parent.confidence`, or a
    /// measure of the trace, `prob(3)`.
    mutating func traceField(_ choice: ParsedColumnChoice) throws(Diagnostic) -> TraceField {
        guard let arguments = choice.arguments else { return try traceField(choice.column) }
        return TraceField(try traceMeasure(choice.column, arguments, span: choice.span), name: Self.columnName(choice.column, arguments))
    }

    func traceField(_ name: ParsedName) throws(Diagnostic) -> TraceField {
        let lowered = name.text.lowercased()
        if lowered == TraceFunction.margin.rawValue { return TraceField(.margin(nil), name: lowered) }
        guard lowered.hasPrefix("parent.") else { return TraceField(try traceColumn(name)) }
        guard let column = TraceColumn(rawValue: String(lowered.dropFirst("parent.".count))) else {
            throw unknown(name, kind: "trace column", candidates: TraceColumn.allCases.map { "parent." + $0.rawValue })
        }
        return TraceField(column, ofParent: true)
    }
}
