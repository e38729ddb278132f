import IPG

extension Binder {
    /// A condition over trace metadata, type-checked; literals are checked where a name is
    /// known (tags, models).
    func bind(_ expression: ParsedExpression) throws(Diagnostic) -> BoundCondition {
        let condition = try bindValue(expression)
        try expect(.boolean, condition, at: expression.span)
        return condition
    }

    private func bindValue(_ expression: ParsedExpression) throws(Diagnostic) -> BoundCondition {
        switch expression {
        case .name(let name): return .column(try traceColumn(name))
        case .attribute(let key, _): return .attribute(key)
        case .absolute(let inner, let span):
            let bound = try bindValue(inner)
            try expectNumber(bound, at: span)
            return .absolute(bound)
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
            try checkName(boundLeft, right)
            try checkName(boundRight, left)
            try checkOperands(op, (boundLeft, left.span), (boundRight, right.span))
            return .binary(op, boundLeft, boundRight)
        default: return .value(try value(expression))
        }
    }

    /// A condition over the output rows' columns (a `where` after the query's shape is set).
    func bind(_ expression: ParsedExpression, columns: [String]) throws(Diagnostic) -> BoundCondition {
        let condition = try bindRowValue(expression, columns: columns)
        try expect(.boolean, condition, at: expression.span)
        return condition
    }

    private func bindRowValue(_ expression: ParsedExpression, columns: [String]) throws(Diagnostic) -> BoundCondition {
        switch expression {
        case .name(let name):
            guard columns.contains(name.text.lowercased()) else { throw unknown(name, kind: "column", candidates: columns) }
            return .output(name.text.lowercased())
        case .attribute(_, let span):
            throw Diagnostic(code: .traceConditionOnRows, message: "attributes belong to traces: filter on them before 'nodes', 'summarize', 'edges' or 'lineage'", span: span)
        case .related(let relation, _, let span):
            throw Diagnostic(code: .traceConditionOnRows, message: "'\(relation.rawValue)(…)' is about traces: filter on it before 'nodes', 'summarize', 'edges' or 'lineage'", span: span)
        case .absolute(let inner, let span):
            let bound = try bindRowValue(inner, columns: columns)
            try expectNumber(bound, at: span)
            return .absolute(bound)
        case .not(let inner, _): return .not(try bind(inner, columns: columns))
        case .binary(let op, let left, let right):
            let boundLeft = try bindRowValue(left, columns: columns), boundRight = try bindRowValue(right, columns: columns)
            try checkOperands(op, (boundLeft, left.span), (boundRight, right.span))
            return .binary(op, boundLeft, boundRight)
        default: return .value(try value(expression))
        }
    }

    /// `tag = 'fgms'`: a tag (or model) the store does not have is most likely a typo.
    private func checkName(_ side: BoundCondition, _ other: ParsedExpression) throws(Diagnostic) {
        guard case .string(let text, let span) = other else { return }
        let (kind, known): (String, [String])
        switch side {
        case .column(.tag), .column(.parentTag): (kind, known) = ("tag", catalog.tags)
        case .column(.model): (kind, known) = ("model", catalog.models.map(\.name))
        default: return
        }
        guard !known.contains(text) else { return }
        let suggestion = NameSuggestion.nearest(to: text, in: known)
        throw Diagnostic(
            code: .unknownTagOrModel, message: "no \(kind) '\(text)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""), span: span,
            notes: ["the store's \(kind)s: " + (known.isEmpty ? "none yet" : known.joined(separator: ", "))])
    }

    /// The type a bound value or condition has.
    private func type(of condition: BoundCondition) -> ValueType {
        switch condition {
        case .column(let column): return column.type
        case .output(let column): return column == "tag" ? .string : .number
        case .attribute: return .string
        case .value(.integer): return .integer
        case .value(.number): return .number
        case .value(.string): return .string
        case .value(.parameter): return .unknown
        case .absolute(let inner): return type(of: inner)
        case .not, .related: return .boolean
        case .binary(let op, let left, _):
            if ["+", "-", "*", "/"].contains(op) { return type(of: left) == .integer ? .integer : .number }
            return .boolean
        }
    }

    private func expect(_ wanted: ValueType, _ condition: BoundCondition, at span: Span) throws(Diagnostic) {
        let actual = type(of: condition)
        guard actual != wanted, actual != .unknown else { return }
        throw Diagnostic(code: .wrongType, message: "expected a condition here, found \(Self.article(actual)) value", span: span,
                         notes: ["conditions compare values (label = 3) or name a yes/no column (correct)"])
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
            guard a != .unknown, b != .unknown, !(a.isNumeric && b.isNumeric), a != b else { return }
            throw Diagnostic(code: .incomparableTypes, message: "cannot compare \(Self.article(a)) value with \(Self.article(b)) value", span: Span(left.1.start, right.1.end),
                             notes: [a == .string || b == .string ? "strings are quoted: tag = 'clean'" : "compare like with like: label = 3, correct, confidence > 0.5"])
        }
    }

    /// `label = 1.5`: a column of whole numbers never equals a number that is not one (or
    /// that lies beyond them), so the comparison is most likely a mistake.
    private func checkWholeEquality(_ op: String, _ left: (BoundCondition, Span), _ right: (BoundCondition, Span)) throws(Diagnostic) {
        guard op == "=" || op == "!=" else { return }
        for (side, other) in [(left, right), (right, left)] {
            guard case .column(let column) = side.0, column.type == .integer, case .value(.number(let number)) = other.0,
                  number.rounded() != number || number.magnitude >= 0x1p63 else { continue }
            throw Diagnostic(code: .wholeNumberEqualsFraction, message: "'\(column.rawValue)' holds whole numbers: it never equals \(number)", span: other.1,
                             notes: ["compare with a whole number (\(column.rawValue) = 3), or use < and > for a range"])
        }
    }

    private static func article(_ type: ValueType) -> String {
        type == .integer ? "an integer" : "a \(type.rawValue)"
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
        guard let column = TraceColumn(rawValue: name.text.lowercased()) else {
            throw unknown(name, kind: "trace column", candidates: TraceColumn.allCases.map(\.rawValue) + ["attr('key')"])
        }
        return column
    }
}
