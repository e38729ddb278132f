import Query
import Testing

/// Deep nesting is refused with a diagnostic at the place the limit is passed: in the parser
/// (whose recursion would otherwise exhaust the stack) and, for the SQL, in the binder.
@Suite struct NestingLimitTests {
    private let prefix = "from traces where "

    private func diagnostic(_ text: String) -> Diagnostic? {
        if case .failure(let diagnostics) = compileQuery(text) { return diagnostics.first }
        return nil
    }

    /// The span of the `occurrence`-th (1-based) `needle` in `text`, counted in scalars.
    private func span(of needle: String, occurrence: Int, in text: String) -> Span {
        let scalars = Array(text.unicodeScalars), wanted = Array(needle.unicodeScalars)
        var seen = 0
        for start in 0...(scalars.count - wanted.count) where Array(scalars[start..<(start + wanted.count)]) == wanted {
            seen += 1
            if seen == occurrence { return Span(start, start + wanted.count) }
        }
        return Span(-1, -1)
    }

    @Test(arguments: ["(", "abs(", "parent(", "child(", "-"])
    func tenThousandOpenersStopAtTheFirstTooMany(opener: String) {
        let leaf = opener == "abs(" || opener == "-" ? "label > 1" : "correct"
        let operand = opener == "-" ? "label > " + String(repeating: "- ", count: 10_000) + "1"
            : String(repeating: opener, count: 10_000) + leaf + String(repeating: ")", count: 10_000)
        let text = prefix + operand
        let refused = diagnostic(text)
        #expect(refused?.code.rawValue == "E011")
        let needle = opener == "-" ? "-" : opener
        #expect(refused?.span == span(of: needle, occurrence: Parser.maximumNesting + 1, in: text))
        #expect(refused?.render(in: SourceText(text)).contains("error[E011]: the condition nests too deeply here: at most 32 levels") == true)
    }

    @Test func notAndParenthesisEachCountALevel() {
        let text = prefix + String(repeating: "not (", count: 10_000) + "correct" + String(repeating: ")", count: 10_000)
        // `not` opens levels 1, 3, 5, …; level 33 is the 17th `not`.
        #expect(diagnostic(text)?.span == span(of: "not", occurrence: 17, in: text))
    }

    @Test func longOperatorChainsStopAtTheOperatorPastTheLimit() {
        for op in ["and", "or", "+", "*"] {
            let term = op == "and" || op == "or" ? "label = 1" : "label"
            let body = Array(repeating: term, count: 10_000).joined(separator: " \(op) ")
            let text = prefix + (op == "and" || op == "or" ? body : body + " > 0")
            // `label = 1` is one level; each operator of the chain adds one.
            let occurrence = op == "and" || op == "or" ? Parser.maximumNesting : Parser.maximumNesting + 1
            let refused = diagnostic(text)
            #expect(refused?.code.rawValue == "E011", "\(op)")
            #expect(refused?.span == span(of: " \(op) ", occurrence: occurrence, in: text).inner, "\(op)")
        }
    }

    @Test func parserAcceptsNestingUpToTheLimit() throws {
        let within = prefix + String(repeating: "(", count: Parser.maximumNesting) + "correct" + String(repeating: ")", count: Parser.maximumNesting)
        _ = try compileQuery(within).get()
        let tokens = Lexer.tokenize(SourceText(prefix + String(repeating: "not ", count: Parser.maximumNesting) + "correct")).tokens
        _ = try Parser.parse(tokens).get()
        let deeper = Lexer.tokenize(SourceText(prefix + String(repeating: "not ", count: Parser.maximumNesting + 1) + "correct")).tokens
        #expect(throws: Diagnostic.self) { try Parser.parse(deeper).get() }
    }

    @Test func eightNestedChildrenAreRefusedBeforeSQL() {
        let text = prefix + String(repeating: "child(", count: 8) + "correct" + String(repeating: ")", count: 8)
        let refused = diagnostic(text)
        #expect(refused?.code.rawValue == "E047")
        #expect(refused?.message == "this condition nests 32 levels deep; one query allows 16")
        #expect(refused?.span == Span(prefix.count, text.count))
    }

    @Test func relationsCountFourLevelsEach() throws {
        let four = prefix + String(repeating: "parent(", count: 4) + "correct" + String(repeating: ")", count: 4)
        _ = try compileQuery(four).get()
        #expect(diagnostic(prefix + String(repeating: "parent(", count: 4) + "not correct" + String(repeating: ")", count: 4))?.code.rawValue == "E047")
        _ = try compileQuery(prefix + "child(child(child(" + String(repeating: "not ", count: 4) + "correct)))").get()
        #expect(diagnostic(prefix + "child(child(child(" + String(repeating: "not ", count: 5) + "correct)))")?.message
            == "this condition nests 17 levels deep; one query allows 16")
    }

    @Test func everyConditionOfAQueryIsChecked() throws {
        let deep = String(repeating: "not ", count: 17) + "correct", limit = String(repeating: "not ", count: 16) + "correct"
        _ = try compileQuery(prefix + limit).get()
        let summary = "from traces | nodes of layer 1 | summarize mean by node"
        let second = "\(summary) | versus traces where \(deep)"
        #expect(diagnostic(second)?.span == span(of: deep, occurrence: 1, in: second))
        let rows = "\(summary) | where " + String(repeating: "not ", count: 16) + "mean > 0"
        #expect(diagnostic(rows)?.code.rawValue == "E047")
        // `where` stages combine with `and`, one more level.
        let fifteen = String(repeating: "not ", count: 15) + "correct"
        _ = try compileQuery("\(prefix)\(fifteen) | where \(fifteen)").get()
        let stages = "\(prefix)\(limit) | where \(limit)"
        #expect(diagnostic(stages)?.message == "with the 'where' stages before it, this condition nests 17 levels deep; one query allows 16")
        #expect(diagnostic(stages)?.span == span(of: limit, occurrence: 2, in: stages))
    }
}

extension Span {
    /// The span without its first and last scalar (an operator without the spaces around it).
    fileprivate var inner: Span { Span(start + 1, end - 1) }
}
