/// A dense array read from its file (NPY or IDX, the header already parsed) a number of rows
/// at a time, decoded as floats for samples or exactly as doubles for labels. The first axis is
/// the row axis; a scalar is one row.
final class BinaryArrayReader {
    let shape: [Int]
    let element: ElementType
    let bigEndian: Bool
    let rowCount: Int
    /// Elements per row.
    let rowLength: Int
    let file: DataFile
    private let dataLength: Int
    private(set) var rowsRead = 0

    /// Bytes decoded at a time, so that a large read never holds all its bytes at once.
    private static let pieceSize = 1 << 20

    /// Takes the data that starts `dataOffset` bytes into `file` (nothing read yet). Checks that
    /// the shape's size fits in memory and, when the file's length is known, that the file holds
    /// every element.
    init(shape: [Int], element: ElementType, bigEndian: Bool, file: DataFile, dataOffset: Int) throws {
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw EngineError("\(file.path): shape \(shape) is too large") }
            count = product
        }
        let (needed, overflow) = count.multipliedReportingOverflow(by: element.width)
        guard !overflow else { throw EngineError("\(file.path): shape \(shape) is too large") }
        self.shape = shape
        self.element = element
        self.bigEndian = bigEndian
        self.file = file
        rowCount = shape.first ?? 1
        rowLength = shape.dropFirst().reduce(1, *)
        dataLength = needed
        if let length = file.knownLength, length - dataOffset < needed { throw truncation(holding: length - dataOffset) }
        _ = try file.read(dataOffset)
    }

    /// The next `count` rows' elements as floats (64-bit values are rounded).
    func floats(rows count: Int) throws -> [Float] {
        try decode(rows: count) { element.decodeFloats($0, bigEndian: bigEndian, into: $1) }
    }

    /// The next `count` rows' elements as doubles, exact for integers up to 2⁵³.
    func doubles(rows count: Int) throws -> [Double] {
        try decode(rows: count) { element.decodeDoubles($0, bigEndian: bigEndian, into: $1) }
    }

    private func decode<Result>(rows count: Int, _ decode: ([UInt8], UnsafeMutablePointer<Result>) -> Void) throws -> [Result] {
        precondition(count >= 0 && rowsRead + count <= rowCount, "rows beyond the array")
        let elementCount = count * rowLength, width = element.width
        let elementsPerPiece = max(1, Self.pieceSize / width)
        let values = try [Result](unsafeUninitializedCapacity: elementCount) { buffer, initialized in
            initialized = 0
            while initialized < elementCount {
                let piece = min(elementsPerPiece, elementCount - initialized)
                let bytes = try file.read(piece * width)
                guard bytes.count == piece * width else {
                    throw truncation(holding: (rowsRead * rowLength + initialized) * width + bytes.count)
                }
                decode(bytes, buffer.baseAddress! + initialized)
                initialized += piece
            }
        }
        rowsRead += count
        return values
    }

    /// The error for data that ends after `found` bytes.
    private func truncation(holding found: Int) -> EngineError {
        EngineError("\(file.path): the data is truncated: shape \(shape) of \(element) needs \(dataLength) bytes, the file holds \(found)")
    }
}
