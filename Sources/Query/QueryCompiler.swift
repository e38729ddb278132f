import IPG

/// Source → tokens → `ParsedQuery` → `BoundQuery` → `QueryPlan` → `CompiledQuery`, one entry
/// point per arrow (`Lexer.tokenize`, `Parser.parse`, `Binder.bind`, `QueryPlanner.plan`, a
/// `QueryLowering`'s `lower`) chained here. Pure: no I/O, no database; names resolve against
/// the catalog given.
public enum QueryCompiler {
    /// The compiled query, or what is wrong with it: every lexical error, else the first
    /// syntax error, else the binder's errors across stages, else what the lowering cannot
    /// write (a diagnostic over the whole query naming the dialect).
    public static func compile(_ source: SourceText, catalog: Catalog, lowering: any QueryLowering = SQLiteLowering()) -> Result<CompiledQuery, DiagnosticList> {
        let (tokens, diagnostics) = Lexer.tokenize(source)
        if let first = diagnostics.first { return .failure(DiagnosticList(first, Array(diagnostics.dropFirst()))) }
        switch Parser.parse(tokens) {
        case .failure(let diagnostic): return .failure(DiagnosticList(diagnostic))
        case .success(let query):
            return Binder.bind(query, catalog: catalog).flatMap { bound in
                let plan = QueryPlanner.plan(bound)
                if let missing = lowering.refusal(of: plan, catalog: catalog) {
                    return .failure(DiagnosticList(Diagnostic(code: .notLowerable, message: "the \(lowering.dialectName) backend cannot run \(missing) yet",
                                                              span: Span(0, source.scalars.count), notes: ["run this query on an SQLite store"])))
                }
                return .success(lowering.lower(plan))
            }
        }
    }
}
