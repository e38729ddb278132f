/// The subset of Python literals an NPY header dictionary uses: strings, integers (with an
/// optional Python 2 `L`), names such as `True`, tuples and lists, and dictionaries.
enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case name(String)
    case sequence([PythonLiteral])
    case dictionary([String: PythonLiteral])

    struct SyntaxError: Error {
        var message: String
    }

    /// Parses `text`, which must hold exactly one literal (surrounding spaces allowed).
    init(parsing text: String) throws {
        var parser = Parser(bytes: Array(text.utf8))
        self = try parser.value()
        parser.skipSpaces()
        guard parser.position == parser.bytes.count else { throw parser.error("unexpected text after the literal") }
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        func error(_ problem: String) -> SyntaxError {
            SyntaxError(message: "\(problem) at character \(position + 1)")
        }

        mutating func skipSpaces() {
            while position < bytes.count, " \t\n\r".utf8.contains(bytes[position]) { position += 1 }
        }

        /// Skips spaces and tells whether `scalar` comes next.
        mutating func peek(_ scalar: Unicode.Scalar) -> Bool {
            skipSpaces()
            return position < bytes.count && bytes[position] == UInt8(ascii: scalar)
        }

        /// Consumes `scalar` if it comes next (after spaces).
        mutating func take(_ scalar: Unicode.Scalar) -> Bool {
            guard peek(scalar) else { return false }
            position += 1
            return true
        }

        mutating func value() throws -> PythonLiteral {
            skipSpaces()
            guard position < bytes.count else { throw error("missing value") }
            switch bytes[position] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "("): return .sequence(try items(closing: ")"))
            case UInt8(ascii: "["): return .sequence(try items(closing: "]"))
            case UInt8(ascii: "{"): return try dictionary()
            default: return try atom()
            }
        }

        mutating func string() throws -> String {
            let quote = bytes[position]
            position += 1
            let start = position
            while position < bytes.count, bytes[position] != quote {
                position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard position < bytes.count else { throw error("unterminated string") }
            defer { position += 1 }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        /// Comma-separated values up to `closing`, a trailing comma allowed.
        mutating func items(closing: Unicode.Scalar) throws -> [PythonLiteral] {
            position += 1
            var result: [PythonLiteral] = []
            while !take(closing) {
                result.append(try value())
                guard take(",") || peek(closing) else { throw error("expected ',' or '\(closing)'") }
            }
            return result
        }

        mutating func dictionary() throws -> PythonLiteral {
            position += 1
            var result: [String: PythonLiteral] = [:]
            while !take("}") {
                guard case .string(let key) = try value() else { throw error("dictionary keys must be strings") }
                guard take(":") else { throw error("expected ':'") }
                result[key] = try value()
                guard take(",") || peek("}") else { throw error("expected ',' or '}'") }
            }
            return .dictionary(result)
        }

        /// An integer or a name such as `True`: a run of ASCII letters, digits, `_`, `-` and `+`.
        mutating func atom() throws -> PythonLiteral {
            let start = position
            while position < bytes.count, Self.isAtomByte(bytes[position]) { position += 1 }
            guard position > start else { throw error("unexpected '\(Character(Unicode.Scalar(bytes[position])))'") }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if let integer = Int(text.hasSuffix("L") ? String(text.dropLast()) : text) { return .integer(integer) }
            guard let first = text.unicodeScalars.first, first.properties.isAlphabetic else {
                throw error("'\(text)' is not a literal")
            }
            return .name(text)
        }

        static func isAtomByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+"):
                true
            default: false
            }
        }
    }
}
