/// The header of a `.npy` file (versions 1–3): element type, memory order and shape.
struct NPYHeader {
    /// The dtype string without its byte-order mark, e.g. `f4`, `u1`, `i8`.
    var elementType: String
    var shape: [Int]
    /// Offset of the first data byte.
    var dataOffset: Int

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    init(parsing bytes: [UInt8], source: String) throws {
        guard bytes.count >= 10, Array(bytes[0..<6]) == Self.magic else {
            throw EngineError("\(source): not an NPY file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let lengthBytes = major == 1 ? 2 : 4
        guard major >= 1 && major <= 3, bytes.count >= 8 + lengthBytes else {
            throw EngineError("\(source): NPY format version \(major) is not supported (1–3 are)")
        }
        let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        dataOffset = 8 + lengthBytes + headerLength
        guard dataOffset <= bytes.count else { throw EngineError("\(source): the NPY header is truncated") }
        let text = String(decoding: bytes[(8 + lengthBytes)..<dataOffset], as: UTF8.self)

        guard let descr = Self.quotedValue(of: "descr", in: text) else {
            throw EngineError("\(source): the NPY header has no 'descr'")
        }
        let order = descr.first
        guard let order, "<|=>".contains(order) else {
            throw EngineError("\(source): dtype '\(descr)' is not supported (structured arrays are not)")
        }
        guard order != ">" || descr.hasSuffix("1") else {
            throw EngineError("\(source): big-endian dtype '\(descr)' is not supported; save with a little-endian dtype")
        }
        elementType = String(descr.dropFirst())
        guard let fortran = Self.rawValue(of: "fortran_order", in: text) else {
            throw EngineError("\(source): the NPY header has no 'fortran_order'")
        }
        guard fortran.hasPrefix("False") else {
            throw EngineError("\(source): the array is stored in Fortran order; save it in C order (np.ascontiguousarray)")
        }
        guard let shapeText = Self.rawValue(of: "shape", in: text), shapeText.hasPrefix("("),
              let close = shapeText.firstIndex(of: ")")
        else {
            throw EngineError("\(source): the NPY header has no readable 'shape'")
        }
        let dimensions = shapeText[shapeText.index(after: shapeText.startIndex)..<close]
            .split(separator: ",").map { $0.trimmingCharacters(in: " L") }.filter { !$0.isEmpty }
        shape = try dimensions.map { text in
            guard let dimension = Int(text), dimension >= 0 else { throw EngineError("\(source): bad dimension '\(text)' in the NPY shape") }
            return dimension
        }
    }

    /// The text after `'key':`, with leading spaces removed.
    private static func rawValue(of key: String, in text: String) -> Substring? {
        for quote in ["'", "\""] {
            if let range = text.range(of: "\(quote)\(key)\(quote)") {
                var rest = text[range.upperBound...].drop { $0 == " " }
                guard rest.first == ":" else { return nil }
                rest = rest.dropFirst().drop { $0 == " " }
                return rest
            }
        }
        return nil
    }

    /// The string literal after `'key':`.
    private static func quotedValue(of key: String, in text: String) -> String? {
        guard let rest = rawValue(of: key, in: text), let quote = rest.first, quote == "'" || quote == "\"" else { return nil }
        let body = rest.dropFirst()
        guard let end = body.firstIndex(of: quote) else { return nil }
        return String(body[..<end])
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
