/// Tokens → `ParsedQuery`, by recursive descent. The first error stops the parse and comes
/// back as a diagnostic naming what was expected.
public struct Parser {
    /// How deep a condition may nest: each parenthesis, `not`, `-`, `abs(…)`, `parent(…)`,
    /// `child(…)` and operator adds a level to what it holds. Deeper conditions are refused
    /// before they exhaust the stack of the parser (or of the phases that walk the tree).
    public static let maximumNesting = 32

    private let tokens: [Token]
    private var position = 0
    /// Nested constructs entered and not yet left.
    private var nesting = 0

    public static func parse(_ tokens: [Token]) -> Result<ParsedQuery, Diagnostic> {
        var parser = Parser(tokens: tokens)
        return Result { () throws(Diagnostic) in try parser.query() }
    }

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    private var current: Token { tokens[min(position, tokens.count - 1)] }

    private mutating func advance() -> Token {
        defer { position += 1 }
        return current
    }

    private func isWord(_ word: String) -> Bool {
        if case .identifier(let text) = current.kind { return text.lowercased() == word }
        return false
    }

    private func isSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

    private mutating func expectWord(_ word: String, _ context: String) throws(Diagnostic) {
        guard isWord(word) else { throw unexpected("'\(word)' \(context)") }
        position += 1
    }

    private func unexpected(_ expected: String) -> Diagnostic {
        let found: String
        switch current.kind {
        case .endOfInput: found = "the end of the query"
        case .identifier(let text): found = "'\(text)'"
        case .symbol(let text): found = "'\(text)'"
        case .string(let text): found = "the string '\(text)'"
        case .parameter(let text): found = "$\(text)"
        case .integer(let value): found = "\(value)"
        case .number(let value): found = "\(value)"
        case .nodeReference(let layer, let index): found = "\(layer):\(index)"
        }
        return Diagnostic(code: .unexpectedToken, message: "expected \(expected), found \(found)", span: current.span)
    }

    private mutating func query() throws(Diagnostic) -> ParsedQuery {
        let start = current.span
        try expectWord("from", "to start a query (from traces …)")
        try expectWord("traces", "after 'from'")
        var stages: [ParsedStage] = []
        if isWord("where") {
            position += 1
            stages.append(.filter(try expression()))
        }
        while isSymbol("|") {
            position += 1
            stages.append(try stage())
        }
        guard current.kind == .endOfInput else { throw unexpected("'|' or the end of the query") }
        return ParsedQuery(source: Span(start.start, tokens[max(0, position - 1)].span.end), stages: stages)
    }

    private mutating func stage() throws(Diagnostic) -> ParsedStage {
        if isWord("where") { position += 1; return .filter(try expression()) }
        if isWord("select") { position += 1; return .select(try columnChoices()) }
        if isWord("take") { position += 1; return .take(try value()) }
        if isWord("nodes") {
            let start = advance().span
            try expectWord("of", "after 'nodes'")
            try expectWord("layer", "after 'nodes of'")
            let layer = try value()
            return .nodes(layer: layer, span: Span(start.start, layer.span.end))
        }
        if isWord("summarize") {
            position += 1
            var measures = [try measure()]
            while isSymbol(",") {
                position += 1
                measures.append(try measure())
            }
            guard isWord("by") else { return .summarize(measures: measures, by: []) }
            position += 1
            return .summarize(measures: measures, by: try names())
        }
        if isWord("sort") {
            position += 1
            var keys: [ParsedSortKey] = []
            repeat {
                if keys.count > 0 { position += 1 }
                // A leading '-' orders the whole key descending (`-abs(x)`, `-(a - b)`).
                let descending = isSymbol("-")
                if descending { position += 1 }
                keys.append(ParsedSortKey(expression: try expression(), descending: descending))
            } while isSymbol(",")
            return .sort(keys)
        }
        if isWord("derive") {
            position += 1
            var derivations: [ParsedDerivation] = []
            repeat {
                if derivations.count > 0 { position += 1 }
                let column = try name()
                guard isSymbol("=") else { throw unexpected("'=' after the new column's name (derive z = mean_a - mean_b)") }
                position += 1
                derivations.append(ParsedDerivation(name: column, expression: try expression()))
            } while isSymbol(",")
            return .derive(derivations)
        }
        if isWord("versus") {
            let start = advance().span
            if isWord("parent") || isWord("parents") {
                position += 1
                return .versus(.parent, span: Span(start.start, tokens[position - 1].span.end))
            }
            try expectWord("traces", "or 'parent' after 'versus'")
            var condition: ParsedExpression?
            if isWord("where") {
                position += 1
                condition = try expression()
            }
            return .versus(.traces(condition), span: Span(start.start, tokens[position - 1].span.end))
        }
        if isWord("edges") {
            let start = advance().span
            try expectWord("into", "after 'edges'")
            try expectWord("layer", "after 'edges into'")
            let layer = try value()
            return .edges(layer: layer, span: Span(start.start, layer.span.end))
        }
        if isWord("lineage") {
            let start = advance().span
            var kind = ParsedLineageKind.backward
            if let chosen = [ParsedLineageKind.forward, .contrast].first(where: { isWord($0.rawValue) }) {
                kind = chosen
                position += 1
            }
            var origin: (layer: ParsedExpression, node: ParsedExpression)?
            if isWord("from") {
                position += 1
                if case .nodeReference(let layer, let index) = current.kind {
                    let span = advance().span
                    origin = (.integer(layer, span), .integer(index, span))
                } else if isWord("layer") {
                    position += 1
                    let layer = try value()
                    try expectWord("node", "after 'from layer N' (from layer N node M)")
                    origin = (layer, try value())
                } else {
                    throw unexpected("a node such as 3:9, or layer N node M")
                }
            }
            try expectWord("depth", "in 'lineage … depth N top K'")
            let depth = try value()
            try expectWord("top", "in 'lineage … depth N top K'")
            let top = try value()
            return .lineage(start: origin, kind: kind, depth: depth, top: top, span: Span(start.start, top.span.end))
        }
        if isWord("nearest") {
            let start = advance().span
            let count = try value()
            try expectWord("to", "after 'nearest K' (nearest K to trace ID in layer N)")
            try expectWord("trace", "after 'nearest K to' (nearest K to trace ID in layer N)")
            let trace = try value()
            try expectWord("in", "after 'nearest K to trace ID' (… in layer N)")
            try expectWord("layer", "after 'nearest K to trace ID in'")
            let layer = try value()
            var metric: ParsedName?
            if isWord("by") {
                position += 1
                metric = try name()
            }
            return .nearest(count: count, trace: trace, layer: layer, metric: metric, span: Span(start.start, (metric?.span ?? layer.span).end))
        }
        throw unexpected("a stage (where, select, derive, nodes of layer, summarize, versus, edges into layer, lineage, nearest, sort, take)")
    }

    private mutating func names() throws(Diagnostic) -> [ParsedName] {
        var result = [try name()]
        while isSymbol(",") {
            position += 1
            result.append(try name())
        }
        return result
    }

    /// `name` or `name(column)`.
    private mutating func measure() throws(Diagnostic) -> ParsedMeasure {
        let name = try name()
        guard isSymbol("(") else { return ParsedMeasure(name: name, column: nil, span: name.span) }
        position += 1
        let column = try self.name()
        guard isSymbol(")") else { throw unexpected("')' after the column") }
        return ParsedMeasure(name: name, column: column, span: Span(name.span.start, advance().span.end))
    }

    /// `name [as alias], …`.
    private mutating func columnChoices() throws(Diagnostic) -> [ParsedColumnChoice] {
        var result: [ParsedColumnChoice] = []
        repeat {
            if result.count > 0 { position += 1 }
            let column = try name()
            var arguments: [ParsedExpression]?
            var end = column.span.end
            if TraceFunction(rawValue: column.text.lowercased()) != nil, isSymbol("(") {
                let call = try callArguments()
                arguments = call.arguments
                end = call.end
            }
            var alias: ParsedName?
            if isWord("as") {
                position += 1
                alias = try name()
                end = alias!.span.end
            }
            result.append(ParsedColumnChoice(column: column, arguments: arguments, alias: alias, span: Span(column.span.start, end)))
        } while isSymbol(",")
        return result
    }

    /// `(<value>, …)` after a trace function's name, and where it ends.
    private mutating func callArguments() throws(Diagnostic) -> (arguments: [ParsedExpression], end: Int) {
        position += 1
        var arguments: [ParsedExpression] = []
        if !isSymbol(")") {
            arguments.append(try expression())
            while isSymbol(",") {
                position += 1
                arguments.append(try expression())
            }
        }
        guard isSymbol(")") else { throw unexpected("',' or ')' in the function's arguments") }
        return (arguments, advance().span.end)
    }

    private mutating func name() throws(Diagnostic) -> ParsedName {
        guard case .identifier(let text) = current.kind else { throw unexpected("a name") }
        return ParsedName(text: text, span: advance().span)
    }

    /// A parsed condition or value and how many levels deep it nests.
    private struct Operand {
        var expression: ParsedExpression
        var height: Int
    }

    // Precedence, loosest first: or, and, not, comparison, + -, * /.
    private mutating func expression() throws(Diagnostic) -> ParsedExpression { try binary(level: 0).expression }

    /// A value where the grammar wants one operand (`take 10`, `nodes of layer $layer`).
    private mutating func value() throws(Diagnostic) -> ParsedExpression { try primary().expression }

    private static let levels: [[String]] = [["or"], ["and"], ["=", "!=", "<", "<=", ">", ">="], ["+", "-"], ["*", "/"]]

    private mutating func binary(level: Int) throws(Diagnostic) -> Operand {
        if level == Self.levels.count { return try primary() }
        if level == 2 && isWord("not") {
            let start = advance().span
            try enter(start)
            defer { nesting -= 1 }
            let operand = try binary(level: level)
            return try nested(.not(operand.expression, Span(start.start, operand.expression.span.end)), over: operand.height, at: start)
        }
        var left = try binary(level: level + 1)
        while let op = Self.levels[level].first(where: { isWord($0) || isSymbol($0) }) {
            let opSpan = advance().span
            let right = try binary(level: level + 1)
            left = try nested(.binary(op, left.expression, right.expression), over: max(left.height, right.height), at: opSpan)
            if level == 2 { break }  // comparisons do not chain
        }
        return left
    }

    private mutating func primary() throws(Diagnostic) -> Operand {
        let token = current
        let opensCall = tokens[min(position + 1, tokens.count - 1)].kind == .symbol("(")
        switch token.kind {
        case .identifier(let text) where text.lowercased() == "attr" && opensCall:
            position += 2
            guard case .string(let key) = current.kind else { throw unexpected("the attribute's key as a string: attr('source')") }
            position += 1
            guard isSymbol(")") else { throw unexpected("')'") }
            return Operand(expression: .attribute(key, Span(token.span.start, advance().span.end)), height: 0)
        case .identifier(let text) where text.lowercased() == "abs" && opensCall:
            position += 1
            let inner = try enclosed(from: token.span)
            return try nested(.absolute(inner.expression, Span(token.span.start, tokens[position - 1].span.end)), over: inner.height, at: token.span)
        case .identifier(let text) where NodePart(rawValue: text.lowercased()) != nil && opensCall:
            position += 1
            let inner = try enclosed(from: token.span)
            let part = NodePart(rawValue: text.lowercased())!
            return try nested(.nodePart(part, inner.expression, Span(token.span.start, tokens[position - 1].span.end)), over: inner.height, at: token.span)
        case .identifier(let text) where TraceFunction(rawValue: text.lowercased()) != nil && opensCall:
            position += 1
            let call = try callArguments()
            return Operand(expression: .traceFunction(ParsedName(text: text, span: token.span), call.arguments, Span(token.span.start, call.end)), height: 1)
        case .identifier(let text) where TraceRelation(rawValue: text.lowercased()) != nil && opensCall:
            position += 1
            let inner = try enclosed(from: token.span)
            let relation = TraceRelation(rawValue: text.lowercased())!
            return try nested(.related(relation, inner.expression, Span(token.span.start, tokens[position - 1].span.end)), over: inner.height, at: token.span)
        case .identifier(let text):
            position += 1
            return Operand(expression: .name(ParsedName(text: text, span: token.span)), height: 0)
        case .integer(let value): position += 1; return Operand(expression: .integer(value, token.span), height: 0)
        case .number(let value): position += 1; return Operand(expression: .number(value, token.span), height: 0)
        case .string(let value): position += 1; return Operand(expression: .string(value, token.span), height: 0)
        case .parameter(let name): position += 1; return Operand(expression: .parameter(name, token.span), height: 0)
        case .nodeReference(let layer, let index): position += 1; return Operand(expression: .nodeReference(layer: layer, index: index, token.span), height: 0)
        case .symbol("("):
            return try enclosed(from: token.span)
        case .symbol("-"):
            try enter(advance().span)
            defer { nesting -= 1 }
            let operand = try primary()
            return try nested(.binary("-", .integer(0, token.span), operand.expression), over: operand.height, at: token.span)
        default:
            throw unexpected("a value or a name")
        }
    }

    /// `(<expression>)` at the current token; `start` is where the construct begins (`abs`,
    /// `parent`, or the parenthesis itself).
    private mutating func enclosed(from start: Span) throws(Diagnostic) -> Operand {
        try enter(Span(start.start, advance().span.end))
        defer { nesting -= 1 }
        let inner = try binary(level: 0)
        guard isSymbol(")") else { throw unexpected("')'") }
        position += 1
        return inner
    }

    /// Steps into a nested construct written at `span`, refusing one level past
    /// `maximumNesting`; the caller leaves it with `nesting -= 1`.
    private mutating func enter(_ span: Span) throws(Diagnostic) {
        nesting += 1
        guard nesting <= Self.maximumNesting else { throw tooDeep(at: span) }
    }

    /// `expression` built over operands `height` levels deep, unless that nests too deeply.
    private func nested(_ expression: ParsedExpression, over height: Int, at span: Span) throws(Diagnostic) -> Operand {
        guard height < Self.maximumNesting else { throw tooDeep(at: span) }
        return Operand(expression: expression, height: height + 1)
    }

    private func tooDeep(at span: Span) -> Diagnostic {
        Diagnostic(code: .nestedTooDeeply, message: "the condition nests too deeply here: at most \(Self.maximumNesting) levels", span: span,
                   notes: ["each parenthesis, not, -, abs(…), parent(…), child(…) and operator adds a level; split the query or simplify the condition"])
    }
}
