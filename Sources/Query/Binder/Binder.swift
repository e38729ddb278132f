import IPG

/// `ParsedQuery` → `BoundQuery`: resolves names against the catalog (suggesting the nearest
/// when one is unknown), checks each stage fits what came before, and picks the statistics
/// path for node summaries when the traces are exactly one tag's.
public enum Binder {
    public static func bind(_ query: ParsedQuery, catalog: Catalog) -> Result<BoundQuery, Diagnostic> {
        Result { try bindThrowing(query, catalog: catalog) }.mapError { $0 as! Diagnostic }
    }

    private static func bindThrowing(_ query: ParsedQuery, catalog: Catalog) throws -> BoundQuery {
        var filter: BoundCondition?
        var shape: BoundQuery.Shape = .traces(columns: [.input, .tag, .label, .predicted, .confidence])
        var nodesLayer: BoundValue?
        var sort: [SortKey] = []
        var limit: BoundValue?
        var summarised = false
        for stage in query.stages {
            switch stage {
            case .filter(let expression):
                guard nodesLayer == nil else {
                    throw Diagnostic(code: "E020", message: "'where' on traces must come before 'nodes of layer'", span: expression.span)
                }
                let condition = try bind(expression, catalog: catalog)
                filter = filter.map { .binary("and", $0, condition) } ?? condition
            case .select(let names):
                guard nodesLayer == nil else {
                    throw Diagnostic(code: "E021", message: "'select' reads trace columns; after 'nodes of layer' use 'summarize … by node'", span: names[0].span)
                }
                shape = .traces(columns: try names.map { try traceColumn($0) })
            case .nodes(let layer, let span):
                let value = try value(layer, catalog: catalog)
                if case .integer(let index) = value {
                    let counts = catalog.models.map(\.layers.count)
                    guard counts.contains(where: { index >= 0 && index < $0 }) else {
                        throw Diagnostic(code: "E022", message: "no layer \(index): the models have layers 0–\((counts.max() ?? 1) - 1)", span: span)
                    }
                }
                nodesLayer = value
            case .summarize(let measures, let by):
                guard let layer = nodesLayer else {
                    throw Diagnostic(code: "E023", message: "'summarize … by node' needs 'nodes of layer N' before it", span: by.span)
                }
                guard by.text.lowercased() == "node" else {
                    throw Diagnostic(code: "E024", message: "summaries are by node", span: by.span, notes: ["write: summarize mean, freq by node"])
                }
                let bound = try measures.map { name -> NodeMeasure in
                    guard let measure = NodeMeasure(rawValue: name.text.lowercased()) else {
                        throw unknown(name, kind: "measure", candidates: NodeMeasure.allCases.map(\.rawValue))
                    }
                    return measure
                }
                shape = .nodeSummary(layer: layer, measures: bound, path: summaryPath(filter))
                summarised = true
            case .versus(let condition, let span):
                guard case .nodeSummary(let layer, let measures, let path) = shape, summarised else {
                    throw Diagnostic(code: "E030", message: "'versus' compares node summaries: put it after 'summarize … by node'", span: span)
                }
                guard measures.count == 1 else {
                    throw Diagnostic(code: "E031", message: "'versus' compares one measure; summarize exactly one (e.g. summarize mean by node)", span: span)
                }
                let secondFilter = try condition.map { try bind($0, catalog: catalog) }
                shape = .comparison(layer: layer, measure: measures[0], first: path, second: summaryPath(secondFilter), secondFilter: secondFilter)
            case .edges(let layer, let span):
                guard nodesLayer == nil else {
                    throw Diagnostic(code: "E032", message: "'edges into layer' reads traces, not node summaries", span: span)
                }
                let value = try value(layer, catalog: catalog)
                if case .integer(let index) = value {
                    let dense = catalog.models.flatMap(\.layers).filter { $0.index == index }.contains { $0.kind == .dense }
                    guard dense else {
                        throw Diagnostic(code: "E033", message: "layer \(index) is not a dense layer; edge queries cover dense layers", span: span)
                    }
                }
                shape = .edges(layer: value)
            case .lineage(let start, let depth, let top, let span):
                guard nodesLayer == nil else {
                    throw Diagnostic(code: "E034", message: "'lineage' follows a trace's edges; use it right after the trace selection", span: span)
                }
                if let start, !catalog.models.contains(where: { $0.layers.indices.contains(start.layer) && start.node < $0.layers[start.layer].nodeCount }) {
                    throw Diagnostic(code: "E035", message: "no node \(start.layer):\(start.node) in the models", span: span)
                }
                shape = .lineage(start: start.map { NodeAddress(layer: $0.layer, node: $0.node) },
                                 depth: try value(depth, catalog: catalog), top: try value(top, catalog: catalog))
            case .sort(let keys):
                let columns = BoundQuery(filter: nil, shape: shape, sort: [], limit: nil).columns
                sort = try keys.map { key in
                    guard columns.contains(key.name.text.lowercased()) else {
                        throw unknown(key.name, kind: "column to sort by", candidates: columns)
                    }
                    return SortKey(column: key.name.text.lowercased(), descending: key.descending, absolute: key.absolute)
                }
            case .take(let expression):
                limit = try value(expression, catalog: catalog)
                if case .integer(let count) = limit, count < 0 {
                    throw Diagnostic(code: "E025", message: "'take' needs a count of 0 or more", span: expression.span)
                }
            }
        }
        if nodesLayer != nil && !summarised {
            throw Diagnostic(code: "E026", message: "after 'nodes of layer' say what to compute: | summarize mean, freq by node", span: query.source)
        }
        return BoundQuery(filter: filter, shape: shape, sort: sort, limit: limit)
    }

    /// Statistics serve exactly "all traces of one tag".
    private static func summaryPath(_ filter: BoundCondition?) -> BoundQuery.SummaryPath {
        if case .binary("=", .column(.tag), .value(let tag))? = filter { return .statistics(tag: tag) }
        if case .binary("=", .value(let tag), .column(.tag))? = filter { return .statistics(tag: tag) }
        return .scan
    }

    private static func bind(_ expression: ParsedExpression, catalog: Catalog) throws -> BoundCondition {
        switch expression {
        case .name(let name): return .column(try traceColumn(name))
        case .not(let inner, _): return .not(try bind(inner, catalog: catalog))
        case .binary(let op, let left, let right):
            let boundLeft = try bind(left, catalog: catalog), boundRight = try bind(right, catalog: catalog)
            try checkTag(boundLeft, right, catalog: catalog)
            try checkTag(boundRight, left, catalog: catalog)
            return .binary(op, boundLeft, boundRight)
        default: return .value(try value(expression, catalog: catalog))
        }
    }

    /// `tag = 'fgms'`: a tag the store does not have is most likely a typo.
    private static func checkTag(_ side: BoundCondition, _ other: ParsedExpression, catalog: Catalog) throws {
        guard side == .column(.tag), case .string(let tag, let span) = other, !catalog.tags.contains(tag) else { return }
        let suggestion = NameSuggestion.nearest(to: tag, in: catalog.tags)
        throw Diagnostic(
            code: "E027", message: "no tag '\(tag)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""), span: span,
            notes: ["the store's tags: " + (catalog.tags.isEmpty ? "none yet" : catalog.tags.joined(separator: ", "))])
    }

    private static func value(_ expression: ParsedExpression, catalog: Catalog) throws -> BoundValue {
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

    private static func traceColumn(_ name: ParsedName) throws -> TraceColumn {
        guard let column = TraceColumn(rawValue: name.text.lowercased()) else {
            throw unknown(name, kind: "trace column", candidates: TraceColumn.allCases.map(\.rawValue))
        }
        return column
    }

    private static func unknown(_ name: ParsedName, kind: String, candidates: [String]) -> Diagnostic {
        let suggestion = NameSuggestion.nearest(to: name.text, in: candidates)
        return Diagnostic(
            code: "E029", message: "no \(kind) '\(name.text)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""), span: name.span,
            notes: ["known: " + candidates.joined(separator: ", ")])
    }
}
