import IPG

/// Source → tokens → `ParsedQuery` → `BoundQuery` → `CompiledQuery`, one entry point per arrow
/// (`Lexer.tokenize`, `Parser.parse`, `Binder.bind`, `SQLGenerator.generate`) chained here.
/// Pure: no I/O, no database; names resolve against the catalog given.
public enum QueryCompiler {
    public static func compile(_ source: SourceText, catalog: Catalog, dialect: any SQLDialect = SQLiteDialect()) -> Result<CompiledQuery, Diagnostic> {
        let (tokens, diagnostics) = Lexer.tokenize(source)
        if let first = diagnostics.first { return .failure(first) }
        return Parser.parse(tokens)
            .flatMap { Binder.bind($0, catalog: catalog) }
            .map { SQLGenerator.generate($0, dialect: dialect) }
    }
}
