import Query
import Testing

/// Source → tokens, with spans, and lexical errors as diagnostics.
@Suite struct LexerTests {
    private func kinds(_ text: String) -> [Token.Kind] {
        let (tokens, diagnostics) = Lexer.tokenize(SourceText(text))
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        return tokens.map(\.kind)
    }

    @Test func pipelineQueryTokens() {
        let text = "traces where tag = $a and confidence >= 0.5 # comment\n| nodes layer 2 | top 10 by -mean"
        #expect(kinds(text) == [
            .identifier("traces"), .identifier("where"), .identifier("tag"), .symbol("="), .parameter("a"),
            .identifier("and"), .identifier("confidence"), .symbol(">="), .number(0.5),
            .symbol("|"), .identifier("nodes"), .identifier("layer"), .integer(2),
            .symbol("|"), .identifier("top"), .integer(10), .identifier("by"), .symbol("-"), .identifier("mean"),
            .endOfInput,
        ])
    }

    @Test func nodeReferencesStringsAndNumbers() {
        #expect(kinds("3:9 'it''s' \"fgsm\" 1e-3 42 2.5E2 != <=") == [
            .nodeReference(layer: 3, index: 9), .string("it's"), .string("fgsm"), .number(0.001), .integer(42),
            .number(250), .symbol("!="), .symbol("<="), .endOfInput,
        ])
    }

    @Test func spansCountUnicodeScalars() {
        let source = SourceText("tag = 'é✓' and x")
        let (tokens, _) = Lexer.tokenize(source)
        #expect(tokens.map { source.text(of: $0.span) } == ["tag", "=", "'é✓'", "and", "x", ""])
        #expect(source.location(of: tokens[4].span.start) == (1, 16))
    }

    @Test func errorsAreDiagnosticsWithSpans() {
        let source = SourceText("traces where tag = 'clean\n  | nodes @ $", name: "q.dpq")
        let (tokens, diagnostics) = Lexer.tokenize(source)
        #expect(diagnostics.map(\.code.rawValue) == ["E003", "E004", "E002"])
        #expect(diagnostics.map { source.text(of: $0.span) } == ["'clean", "@", "$"])
        #expect(tokens.last?.kind == .endOfInput)
        #expect(diagnostics[0].render(in: source) == """
            q.dpq:1:20: error[E003]: unterminated string
              traces where tag = 'clean
                                 ^~~~~~
              note: close it with ' on the same line

            """)
        #expect(diagnostics[1].render(in: source).hasPrefix("q.dpq:2:11: error[E004]: unexpected character '@'\n    | nodes @ $\n            ^\n"))
    }
}
