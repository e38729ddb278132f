/// Source → tokens. Whitespace and `#` comments (to the end of the line) separate tokens;
/// problems come back as diagnostics with spans, never as crashes.
public enum Lexer {
    static let symbols: [String] = ["!=", "<=", ">=", "|", "(", ")", ",", "=", "<", ">", "+", "-", "*", "/", "."]

    public static func tokenize(_ source: SourceText) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        let scalars = source.scalars
        var tokens: [Token] = [], diagnostics: [Diagnostic] = []
        var position = 0

        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            position + offset < scalars.count ? scalars[position + offset] : nil
        }
        func isDigit(_ scalar: Unicode.Scalar?) -> Bool { scalar.map { ("0"..."9").contains($0) } ?? false }
        func isNameStart(_ scalar: Unicode.Scalar?) -> Bool {
            guard let scalar else { return false }
            return scalar == "_" || scalar.properties.isAlphabetic
        }
        func text(_ start: Int) -> String { source.text(of: Span(start, position)) }

        while let scalar = peek() {
            let start = position
            if scalar.properties.isWhitespace {
                position += 1
            } else if scalar == "#" {
                while let next = peek(), next != "\n" { position += 1 }
            } else if isDigit(scalar) {
                while isDigit(peek()) { position += 1 }
                if peek() == ":" && isDigit(peek(1)) {
                    let layer = Int(text(start))
                    position += 1
                    let indexStart = position
                    while isDigit(peek()) { position += 1 }
                    if let layer, let index = Int(text(indexStart)) {
                        tokens.append(Token(.nodeReference(layer: layer, index: index), Span(start, position)))
                    } else {
                        diagnostics.append(Diagnostic(code: .numberOutOfRange, message: "node reference '\(text(start))' is too large", span: Span(start, position)))
                    }
                    continue
                }
                var isFraction = false
                if peek() == "." && isDigit(peek(1)) {
                    isFraction = true
                    position += 1
                    while isDigit(peek()) { position += 1 }
                }
                if peek() == "e" || peek() == "E", isDigit(peek(1)) || ((peek(1) == "-" || peek(1) == "+") && isDigit(peek(2))) {
                    isFraction = true
                    position += 2
                    while isDigit(peek()) { position += 1 }
                }
                let literal = text(start)
                if !isFraction, let value = Int(literal) {
                    tokens.append(Token(.integer(value), Span(start, position)))
                } else if let value = Double(literal), value.isFinite {
                    tokens.append(Token(.number(value), Span(start, position)))
                } else {
                    diagnostics.append(Diagnostic(code: .numberOutOfRange, message: "number '\(literal)' is out of range", span: Span(start, position)))
                }
            } else if isNameStart(scalar) {
                while isNameStart(peek()) || isDigit(peek()) { position += 1 }
                // A qualified name, `parent.confidence`.
                if peek() == ".", isNameStart(peek(1)) {
                    position += 1
                    while isNameStart(peek()) || isDigit(peek()) { position += 1 }
                }
                tokens.append(Token(.identifier(text(start)), Span(start, position)))
            } else if scalar == "$" {
                position += 1
                let nameStart = position
                while isNameStart(peek()) || isDigit(peek()) { position += 1 }
                if position == nameStart {
                    diagnostics.append(Diagnostic(code: .parameterWithoutName, message: "'$' must be followed by a parameter name", span: Span(start, position)))
                } else {
                    tokens.append(Token(.parameter(text(nameStart)), Span(start, position)))
                }
            } else if scalar == "'" || scalar == "\"" {
                position += 1
                var value = String.UnicodeScalarView()
                var closed = false
                while let next = peek(), next != "\n" {
                    position += 1
                    if next == scalar {
                        if peek() == scalar { value.append(scalar); position += 1; continue }  // '' inside '…'
                        closed = true
                        break
                    }
                    value.append(next)
                }
                if closed {
                    tokens.append(Token(.string(String(value)), Span(start, position)))
                } else {
                    diagnostics.append(Diagnostic(
                        code: .unterminatedString, message: "unterminated string", span: Span(start, position),
                        notes: ["close it with \(scalar) on the same line"]))
                }
            } else if let symbol = symbols.first(where: { matches($0, scalars, at: position) }) {
                position += symbol.unicodeScalars.count
                tokens.append(Token(.symbol(symbol), Span(start, position)))
            } else {
                position += 1
                diagnostics.append(Diagnostic(code: .unexpectedCharacter, message: "unexpected character '\(scalar)'", span: Span(start, position)))
            }
        }
        tokens.append(Token(.endOfInput, Span(scalars.count, scalars.count)))
        return (tokens, diagnostics)
    }

    private static func matches(_ symbol: String, _ scalars: [Unicode.Scalar], at position: Int) -> Bool {
        let wanted = Array(symbol.unicodeScalars)
        guard position + wanted.count <= scalars.count else { return false }
        return Array(scalars[position..<(position + wanted.count)]) == wanted
    }
}
