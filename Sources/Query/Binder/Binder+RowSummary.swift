/// `summarize count, mean(flow), … [by path, …]`: the rows computed so far — traces, node
/// values, edges, lineage steps, summary rows, after any `where`, `derive` or `select` on them —
/// grouped by some of their columns. The query so far becomes the rows of a `RowSummary`, and
/// the stages after it read the grouped rows.
extension Binder {
    /// Whether a `summarize` reads the rows so far rather than node values or edge
    /// contributions: it names a column (`mean(flow)`), groups by no unit (`node`, `layer`,
    /// `edge`), and there is no `nodes of layer` or `edges into layer` waiting for it — unless
    /// it only counts.
    func summarizesRows(_ measures: [ParsedMeasure], by keys: [ParsedName]) -> Bool {
        if measures.contains(where: { $0.column != nil }) || keys.isEmpty { return true }
        if SummaryUnit(rawValue: keys[keys.count - 1].text.lowercased()) != nil { return false }
        let waiting: Bool
        switch shape {
        case .traces: waiting = nodesLayer != nil
        case .edges: waiting = rowFilter == nil && projection == nil
        default: waiting = false
        }
        return !waiting || measures.allSatisfy { $0.name.text.lowercased() == RowMeasure.Function.count.rawValue }
    }

    mutating func summarizeRows(_ measures: [ParsedMeasure], by keys: [ParsedName]) throws(Diagnostic) {
        listNodeValues()
        // A trace listing nobody chose columns for offers every trace column.
        let listsDefaultColumns = shape == Binder.defaultShape && projection == nil
        let available = listsDefaultColumns ? TraceColumn.allCases.map { ProjectedColumn(name: $0.rawValue, expression: .output($0.rawValue), type: $0.type) } : rowColumns
        let binder = self
        let unknownColumn = { (name: ParsedName) in binder.unknownRowColumn(name, among: available) }
        let column = { (name: ParsedName) throws(Diagnostic) -> OutputColumn in
            guard let found = available.first(where: { $0.name == name.text.lowercased() }) else { throw unknownColumn(name) }
            return OutputColumn(found.name, found.type)
        }
        let groupKeys = try keys.map { key throws(Diagnostic) in try column(key) }
        var rowMeasures: [RowMeasure] = []
        for measure in measures {
            guard let function = RowMeasure.Function(rawValue: measure.name.text.lowercased()) else {
                throw unknown(measure.name, kind: "function of the rows", candidates: RowMeasure.Function.allCases.map(\.rawValue))
            }
            guard let argumentName = measure.column else {
                guard function == .count else {
                    throw Diagnostic(code: .rowMeasureWithoutColumn, message: "'\(function.rawValue)' of which column? write \(function.rawValue)(<column>)", span: measure.span,
                                     notes: ["the rows' columns: " + available.map(\.name).joined(separator: ", ")])
                }
                rowMeasures.append(RowMeasure(function: .count, argument: nil))
                continue
            }
            guard function != .count else {
                throw Diagnostic(code: .rowMeasureWithoutColumn, message: "'count' counts rows: write count, without a column", span: measure.span)
            }
            let argument = try column(argumentName)
            let numeric = argument.type.isNumeric || argument.type == .unknown
            if (function == .mean || function == .sum) && !numeric && argument.type != .boolean {
                throw Diagnostic(code: .wrongType, message: "expected a number or a condition here, found \(argument.type.rawValue) column '\(argument.name)'", span: argumentName.span)
            }
            if function == .stddev && !numeric {
                throw Diagnostic(code: .wrongType, message: "expected a number here, found \(argument.type.rawValue) column '\(argument.name)'", span: argumentName.span)
            }
            rowMeasures.append(RowMeasure(function: function, argument: argument))
        }
        var names: [String] = []
        for (name, span) in Array(zip(groupKeys.map(\.name), keys.map(\.span))) + Array(zip(rowMeasures.map(\.column.name), measures.map(\.span))) {
            try checkFree(name, at: span, taken: names)
            names.append(name)
        }
        var rowsShape = shape
        if listsDefaultColumns {
            let read = Set(groupKeys.map(\.name) + rowMeasures.compactMap { $0.argument?.name })
            let columns = TraceColumn.allCases.filter { read.contains($0.rawValue) }
            rowsShape = .traces(columns: (columns.isEmpty ? [.trace] : columns).map { TraceField($0) })
        }
        let rows = BoundQuery(filter: filter, shape: rowsShape, rowFilter: rowFilter, projection: listsDefaultColumns ? nil : projection, sort: [], limit: nil)
        shape = .grouped(RowSummary(rows: rows, keys: groupKeys, measures: rowMeasures))
        filter = nil
        rowFilter = nil
        projection = nil
        rowStage = nil
    }
}
