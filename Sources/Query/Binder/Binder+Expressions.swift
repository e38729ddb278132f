import IPG

extension Binder {
    /// A condition over trace metadata; literals are checked where a name is known (tags).
    func bind(_ expression: ParsedExpression) throws -> BoundCondition {
        switch expression {
        case .name(let name): return .column(try traceColumn(name))
        case .attribute(let key, _): return .attribute(key)
        case .absolute(let inner, _): return .absolute(try bind(inner))
        case .not(let inner, _): return .not(try bind(inner))
        case .binary(let op, let left, let right):
            let boundLeft = try bind(left), boundRight = try bind(right)
            try checkTag(boundLeft, right)
            try checkTag(boundRight, left)
            return .binary(op, boundLeft, boundRight)
        default: return .value(try value(expression))
        }
    }

    /// A condition over the output rows' columns (a `where` after the query's shape is set).
    func bind(_ expression: ParsedExpression, columns: [String]) throws -> BoundCondition {
        switch expression {
        case .name(let name):
            guard columns.contains(name.text.lowercased()) else { throw unknown(name, kind: "column", candidates: columns) }
            return .output(name.text.lowercased())
        case .attribute(_, let span):
            throw Diagnostic(code: "E042", message: "attributes belong to traces: filter on them before 'nodes', 'summarize', 'edges' or 'lineage'", span: span)
        case .absolute(let inner, _): return .absolute(try bind(inner, columns: columns))
        case .not(let inner, _): return .not(try bind(inner, columns: columns))
        case .binary(let op, let left, let right): return .binary(op, try bind(left, columns: columns), try bind(right, columns: columns))
        default: return .value(try value(expression))
        }
    }

    /// `tag = 'fgms'`: a tag the store does not have is most likely a typo.
    private func checkTag(_ side: BoundCondition, _ other: ParsedExpression) throws {
        guard side == .column(.tag) || side == .column(.parentTag), case .string(let tag, let span) = other, !catalog.tags.contains(tag) else { return }
        let suggestion = NameSuggestion.nearest(to: tag, in: catalog.tags)
        throw Diagnostic(
            code: "E027", message: "no tag '\(tag)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""), span: span,
            notes: ["the store's tags: " + (catalog.tags.isEmpty ? "none yet" : catalog.tags.joined(separator: ", "))])
    }

    func value(_ expression: ParsedExpression) throws -> BoundValue {
        switch expression {
        case .integer(let value, _): return .integer(value)
        case .number(let value, _): return .number(value)
        case .string(let value, _): return .string(value)
        case .parameter(let name, _): return .parameter(name)
        case .binary("-", .integer(0, _), .integer(let value, _)): return .integer(-value)
        case .binary("-", .integer(0, _), .number(let value, _)): return .number(-value)
        default: throw Diagnostic(code: "E028", message: "expected a number, a string or a $parameter here", span: expression.span)
        }
    }

    func traceColumn(_ name: ParsedName) throws -> TraceColumn {
        guard let column = TraceColumn(rawValue: name.text.lowercased()) else {
            throw unknown(name, kind: "trace column", candidates: TraceColumn.allCases.map(\.rawValue) + ["attr('key')"])
        }
        return column
    }
}
