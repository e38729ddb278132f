/// `select` and `derive`: which columns the output rows have. On a trace listing whose rows
/// nothing has filtered, sorted or derived yet, `select` picks trace columns; anywhere else it
/// keeps, orders and renames the rows' columns. Derived and renamed columns are kept as
/// expressions over the shape's columns, so a later `where` or `sort` reads them written out
/// and the SQL computes, filters, sorts and limits in one statement.
extension Binder {
    /// `select name [as alias], …`.
    mutating func select(_ choices: [ParsedColumnChoice], stage: ParsedStage) throws(Diagnostic) {
        listNodeValues()
        // The listing's own column names, when this select decides them (a measure's is made
        // from its function and arguments: `prob(3)` gives `prob_3`).
        var listed: [String]?
        if case .traces = shape, projection == nil, rowStage == nil {
            var columns: [TraceField] = []
            for choice in choices { columns.append(try traceField(choice)) }
            shape = .traces(columns: columns)
            guard choices.contains(where: { $0.alias != nil }) else { return }
            listed = columns.map(\.name)
        }
        let available = rowColumns
        var chosen: [ProjectedColumn] = []
        for (position, choice) in choices.enumerated() {
            if choice.arguments != nil && listed == nil {
                throw Diagnostic(code: .traceConditionOnRows, message: "'\(choice.column.text)(…)' measures traces: select it from a trace listing, before the rows are computed", span: choice.span)
            }
            let name = listed?[position] ?? choice.column.text.lowercased()
            guard var column = available.first(where: { $0.name == name }) else {
                throw unknownRowColumn(choice.column, among: available)
            }
            if let alias = choice.alias { column.name = alias.text.lowercased() }
            try checkFree(column.name, at: choice.alias?.span ?? choice.span, taken: chosen.map(\.name))
            chosen.append(column)
        }
        projection = chosen
        rowStage = rowStage ?? stage
    }

    /// `derive name = expression, …`: each a new column after the existing ones, readable by
    /// the derivations after it.
    mutating func derive(_ derivations: [ParsedDerivation]) throws(Diagnostic) {
        var columns = rowColumns
        for derivation in derivations {
            let name = derivation.name.text.lowercased()
            try checkFree(name, at: derivation.name.span, taken: columns.map(\.name))
            let expression = try bindRowValue(derivation.expression, columns: columns)
            try checkDepth(expression, at: derivation.expression.span)
            columns.append(ProjectedColumn(name: name, expression: expression, type: type(of: expression)))
        }
        projection = columns
    }

    /// An output column's name must be new: two columns of one name could not be told apart.
    func checkFree(_ name: String, at span: Span, taken: [String]) throws(Diagnostic) {
        guard taken.contains(name) else { return }
        throw Diagnostic(code: .columnNameTaken, message: "the rows already have a column '\(name)'", span: span,
                         notes: ["give the new column another name (derive z = …), or rename with select … as …"])
    }

    /// No output column `name`: with a note when an earlier `select` left it out.
    func unknownRowColumn(_ name: ParsedName, among columns: [ProjectedColumn]) -> Diagnostic {
        var diagnostic = unknown(name, kind: "column", candidates: columns.map(\.name))
        if shapeColumns.contains(where: { $0.name == name.text.lowercased() }) {
            diagnostic.notes.insert("an earlier 'select' left '\(name.text.lowercased())' out: use it before that select, or keep it there", at: 0)
        }
        return diagnostic
    }
}
