import IPG
import Query

/// `text` compiled against `catalog` (by default `QueryCompilerTests.catalog`, the hand-built
/// catalog the compiler's tests share).
func compileQuery(_ text: String, catalog: Catalog = QueryCompilerTests.catalog) -> Result<CompiledQuery, DiagnosticList> {
    QueryCompiler.compile(SourceText(text), catalog: catalog)
}

/// Every diagnostic of `text` rendered, or nil when it compiles.
func renderedDiagnostics(_ text: String, catalog: Catalog = QueryCompilerTests.catalog) -> String? {
    if case .failure(let diagnostics) = compileQuery(text, catalog: catalog) { return diagnostics.render(in: SourceText(text)) }
    return nil
}

/// The rendered diagnostics of `text`, or `compiled: <SQL>` when it compiles.
func compilationOutcome(_ text: String) -> String {
    switch compileQuery(text) {
    case .success(let query): return "compiled: \(query.sql)"
    case .failure(let diagnostics): return diagnostics.render(in: SourceText(text))
    }
}
