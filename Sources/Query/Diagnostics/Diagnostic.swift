/// A problem in a query, as data: rendered to text (`file:line:column`, the source line and a
/// caret under the span) only at the edge, by `render(in:)`.
public struct Diagnostic: Sendable, Equatable, Error {
    /// What kind of problem it is, from the registry (`E003`, an unterminated string).
    public var code: DiagnosticCode
    public var message: String
    public var span: Span
    /// Hints shown under the caret ("did you mean 'fgsm'?").
    public var notes: [String]

    public init(code: DiagnosticCode, message: String, span: Span, notes: [String] = []) {
        self.code = code
        self.message = message
        self.span = span
        self.notes = notes
    }

    /// ```
    /// <query>:1:17: error[E003]: unterminated string
    ///   traces where tag = 'clean
    ///                      ^~~~~~
    ///   note: close it with ' on the same line
    /// ```
    public func render(in source: SourceText) -> String {
        let (line, column) = source.location(of: span.start)
        let text = source.line(line)
        let lineLength = text.unicodeScalars.count
        let width = max(1, min(span.end, span.start + max(0, lineLength - column + 1)) - span.start)
        var out = "\(source.name):\(line):\(column): error[\(code.rawValue)]: \(message)\n"
        out += "  \(text)\n"
        out += "  " + String(repeating: " ", count: column - 1) + "^" + String(repeating: "~", count: width - 1) + "\n"
        for note in notes { out += "  note: \(note)\n" }
        return out
    }
}
