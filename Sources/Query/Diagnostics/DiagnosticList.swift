/// Every problem found in one query, at least one, in the order they were found (the order of
/// the text): the lexer's, or the parser's first, or the binder's across stages.
public struct DiagnosticList: Error, Sendable, Equatable {
    public let diagnostics: [Diagnostic]

    public init(_ first: Diagnostic, _ more: [Diagnostic] = []) {
        diagnostics = [first] + more
    }

    public var first: Diagnostic { diagnostics[0] }

    /// Each diagnostic rendered (`Diagnostic.render(in:)`), one after another.
    public func render(in source: SourceText) -> String {
        diagnostics.map { $0.render(in: source) }.joined()
    }
}
