/// The header of a `.npy` file (format versions 1–3): element type, byte order and shape.
struct NPYHeader {
    var element: ElementType
    var bigEndian: Bool
    var shape: [Int]
    /// Offset of the first data byte.
    var dataOffset: Int

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The NPY type codes (after the byte-order mark) this reader decodes.
    private static let typeCodes: [String: ElementType] = [
        "u1": .uint8, "i1": .int8, "u2": .uint16, "i2": .int16, "u4": .uint32, "i4": .int32,
        "u8": .uint64, "i8": .int64, "f4": .float32, "f8": .float64,
    ]

    /// Bytes that always hold the magic, the version and the header length.
    static let fixedLength = 12

    /// Where the data starts, read from the first `fixedLength` bytes; nil when they do not
    /// hold a supported version and its header length.
    static func dataOffset(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 8, (1...3).contains(bytes[6]) else { return nil }
        // Version 1 stores the header length in 2 little-endian bytes, later versions in 4.
        let lengthBytes = bytes[6] == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthBytes else { return nil }
        return 8 + lengthBytes + (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
    }

    /// Parses the header from the start of a file (at least up to where the data starts).
    init(parsing bytes: [UInt8], source: String) throws {
        guard bytes.count >= 8, bytes.starts(with: Self.magic) else {
            throw EngineError("\(source): not an NPY file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        guard (1...3).contains(major) else {
            throw EngineError("\(source): NPY format version \(major).\(bytes[7]) is not supported (1.0, 2.0 and 3.0 are)")
        }
        guard let dataOffset = Self.dataOffset(bytes) else { throw EngineError("\(source): the NPY header is truncated") }
        self.dataOffset = dataOffset
        let lengthBytes = major == 1 ? 2 : 4
        guard dataOffset <= bytes.count else {
            throw EngineError("\(source): the NPY header is truncated (it should take \(dataOffset) bytes, the file holds \(bytes.count))")
        }
        let text = String(decoding: bytes[(8 + lengthBytes)..<dataOffset], as: UTF8.self)
        let fields: [String: PythonLiteral]
        do {
            guard case .dictionary(let dictionary) = try PythonLiteral(parsing: text) else {
                throw EngineError("\(source): the NPY header is not a dictionary")
            }
            fields = dictionary
        } catch let error as PythonLiteral.SyntaxError {
            throw EngineError("\(source): unreadable NPY header: \(error.message)")
        }

        guard let descr = fields["descr"] else { throw EngineError("\(source): the NPY header has no 'descr'") }
        guard case .string(let dtype) = descr else {
            throw EngineError("\(source): structured dtypes are not supported; save a plain numeric array")
        }
        guard let order = dtype.first, "<>|=".contains(order), let element = Self.typeCodes[String(dtype.dropFirst())] else {
            throw EngineError("\(source): dtype '\(dtype)' is not supported (float32, float64 and 8- to 64-bit integers are)")
        }
        self.element = element
        bigEndian = order == ">"

        switch fields["fortran_order"] {
        case .name("False"): break
        case .name("True"):
            throw EngineError("\(source): the array is stored in Fortran order; save it in C order (np.ascontiguousarray)")
        default: throw EngineError("\(source): the NPY header has no 'fortran_order' True or False")
        }

        guard case .sequence(let dimensions) = fields["shape"] else {
            throw EngineError("\(source): the NPY header has no 'shape' tuple")
        }
        shape = try dimensions.map { dimension in
            guard case .integer(let size) = dimension, size >= 0 else {
                throw EngineError("\(source): the NPY shape must hold non-negative integers")
            }
            return size
        }
    }
}
