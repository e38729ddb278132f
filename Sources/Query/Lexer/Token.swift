/// One token of a query, with where it stands.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A name: `traces`, `layer`, `mean`, `clean`… Keywords are identifiers the parser
        /// recognises in place, so new words never break old queries.
        case identifier(String)
        case integer(Int)
        case number(Double)
        /// A string literal, quotes removed and escapes resolved.
        case string(String)
        /// `$name`: always bound, never pasted into SQL.
        case parameter(String)
        /// `layer:index`, e.g. `3:9`.
        case nodeReference(layer: Int, index: Int)
        /// `|`, `(`, `)`, `,`, `=`, `!=`, `<`, `<=`, `>`, `>=`, `+`, `-`, `*`, `/`, `.`
        case symbol(String)
        case endOfInput
    }

    public var kind: Kind
    public var span: Span

    public init(_ kind: Kind, _ span: Span) {
        self.kind = kind
        self.span = span
    }
}
