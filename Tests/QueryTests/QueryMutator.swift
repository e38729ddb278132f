import Query

/// Mutations of valid queries for the fuzz harness, from a seeded generator: token deletions,
/// duplications, swaps and replacements, random scalars, truncation, deep nesting and numbers
/// at and past the edges of what a query holds.
struct QueryMutator {
    /// A linear congruential generator: the same seed gives the same cases on every run.
    private var state: UInt64
    /// Every token text of every seed, for replacements.
    private let vocabulary: [String]

    init(seed: UInt64, seeds: [String]) {
        state = seed
        vocabulary = Array(Set(seeds.flatMap { Self.tokens(of: $0).map(\.text) })).sorted()
    }

    /// A number in 0..<bound.
    mutating func next(_ bound: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int(state >> 33) % bound
    }

    /// `query` after one mutation, or (one time in four) two.
    mutating func mutate(_ query: String) -> String {
        let once = mutateOnce(query)
        return next(4) == 0 ? mutateOnce(once) : once
    }

    static let openers = ["(", "not ", "abs(", "parent(", "child(", "- ", "not (", "1 + ", "correct and ("]
    static let edgeNumbers = ["1.5", "1e400", "-1e400", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                              "99999999999999999999", "0", "-0", "2.0", "1e3", "0.0000001", "3:99999999999999999999", "007"]
    static let oddScalars: [Unicode.Scalar] = ["\0", "\t", "\r", "\n", "\u{7F}", "\u{0301}", "\u{200B}", "\u{202E}", "\u{FEFF}",
                                               "é", "✓", "😀", "\u{10FFFF}", "'", "\"", "$", "#", "|", "(", ")", ":", "."]

    private mutating func mutateOnce(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        let tokens = Self.tokens(of: text)
        let boundaries = [0] + tokens.map(\.span.end)
        func replace(_ span: Span, with replacement: String) {
            scalars.replaceSubrange(span.start..<span.end, with: replacement.unicodeScalars)
        }
        let token = tokens.isEmpty ? nil : tokens[next(tokens.count)]
        switch next(9) {
        case 0: if let token { replace(token.span, with: "") }
        case 1: if let token { replace(token.span, with: token.text + " " + token.text) }
        case 2:
            guard let token else { break }
            let other = tokens[next(tokens.count)]
            let (first, second) = token.span.start <= other.span.start ? (token, other) : (other, token)
            guard first.span.end <= second.span.start else { break }
            replace(second.span, with: first.text)
            replace(first.span, with: second.text)
        case 3: if let token { replace(token.span, with: vocabulary[next(vocabulary.count)]) }
        case 4:
            let position = next(scalars.count + 1)
            scalars.insert(contentsOf: (0...next(4)).map { _ in Self.oddScalars[next(Self.oddScalars.count)] }, at: position)
        case 5: scalars.removeSubrange(next(scalars.count + 1)...)
        case 6:
            let opener = Self.openers[next(Self.openers.count)], depth = [2, 17, 33, 200, 2000][next(5)]
            let a = boundaries[next(boundaries.count)], b = boundaries[next(boundaries.count)]
            if opener.contains("(") { scalars.insert(contentsOf: String(repeating: ")", count: depth).unicodeScalars, at: max(a, b)) }
            scalars.insert(contentsOf: String(repeating: opener, count: depth).unicodeScalars, at: min(a, b))
        case 7:
            let numbers = tokens.filter {
                switch $0.kind {
                case .integer, .number, .nodeReference: return true
                default: return false
                }
            }
            if let target = numbers.isEmpty ? token : numbers[next(numbers.count)] {
                replace(target.span, with: Self.edgeNumbers[next(Self.edgeNumbers.count)])
            }
        default:
            let position = boundaries[next(boundaries.count)]
            replace(Span(position, position), with: " " + vocabulary[next(vocabulary.count)] + " ")
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// The tokens the lexer finds in `text` (without the end-of-input token), with their text.
    static func tokens(of text: String) -> [(kind: Token.Kind, span: Span, text: String)] {
        let source = SourceText(text)
        return Lexer.tokenize(source).tokens.filter { $0.kind != .endOfInput }.map { ($0.kind, $0.span, source.text(of: $0.span)) }
    }
}
