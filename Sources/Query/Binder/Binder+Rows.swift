/// `select` and `derive`: which columns the output rows have. On a trace listing whose rows
/// nothing has filtered, sorted or derived yet, `select` picks trace columns; anywhere else it
/// keeps, orders and renames the rows' columns. Derived and renamed columns are kept as
/// expressions over the shape's columns, so a later `where` or `sort` reads them written out
/// and the SQL computes, filters, sorts and limits in one statement.
extension Binder {
    /// `select name [as alias], …`.
    mutating func select(_ choices: [ParsedColumnChoice], stage: ParsedStage) throws(Diagnostic) {
        listNodeValues()
        if case .traces = shape, projection == nil, rowStage == nil {
            let columns = try choices.map { choice throws(Diagnostic) in try traceField(choice.column) }
            shape = .traces(columns: columns)
            guard choices.contains(where: { $0.alias != nil }) else { return }
        }
        let available = rowColumns
        var chosen: [ProjectedColumn] = []
        for choice in choices {
            guard var column = available.first(where: { $0.name == choice.column.text.lowercased() }) else {
                throw unknownRowColumn(choice.column, among: available)
            }
            if let alias = choice.alias { column.name = alias.text.lowercased() }
            try checkFree(column.name, at: (choice.alias ?? choice.column).span, taken: chosen.map(\.name))
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
    private func checkFree(_ name: String, at span: Span, taken: [String]) throws(Diagnostic) {
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
