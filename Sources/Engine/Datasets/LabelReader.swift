/// Reads true labels: non-negative integers from NPY, IDX, or text/CSV with one per line.
enum LabelReader {
    static func read(_ path: String) throws -> [Int] {
        let bytes = try DataFile.readDecompressing(path)
        let array: NumericArray
        switch DataFormat.detect(bytes, path: path) {
        case .npy: array = try NPYReader.read(bytes, source: path)
        case .idx: array = try IDXReader.read(bytes, source: path)
        case .csv: array = try CSVReader.read(bytes, source: path, labelColumn: nil).features
        }
        guard array.shape.count <= 1 || array.shape.dropFirst().allSatisfy({ $0 == 1 }) else {
            throw EngineError("\(path): labels must be one per row, found shape \(array.shape)")
        }
        return try array.values.enumerated().map { row, value in
            guard value >= 0, value == value.rounded(), value < 16_777_216 else {
                throw EngineError("\(path): row \(row): label \(value) is not a non-negative integer")
            }
            return Int(value)
        }
    }
}
