/// Reads labels (or other indices): non-negative integers, one per row, from NPY (integer or
/// integral float), IDX, or text/CSV with one per line (a header line allowed).
enum LabelReader {
    static func read(_ path: String) throws -> [Int] {
        let file = try DataFile(path: path)
        let array: BinaryArrayReader
        switch try DataFormat.detect(file.peek(DataFormat.detectionLength), path: path) {
        case .npy: array = try NPYReader.open(file)
        case .idx: array = try IDXReader.open(file)
        case .csv:
            let table = try CSVReader(file, labelColumn: "0")
            guard table.width == 0 else {
                throw EngineError("\(path): labels must be one per line, found \(table.width + 1) columns")
            }
            return try table.read(table.rowCount).labels ?? []
        }
        guard array.shape.dropFirst().allSatisfy({ $0 == 1 }) else {
            throw EngineError("\(path): labels must be one per row, found shape \(array.shape)")
        }
        return try array.doubles(rows: array.rowCount).enumerated().map { row, value in
            guard let label = label(value) else {
                let shown = value == value.rounded() && abs(value) < 1e18 ? String(Int64(value)) : "\(value)"
                throw EngineError("\(path): row \(row): label \(shown) is not a non-negative integer")
            }
            return label
        }
    }

    /// `value` as a label: a non-negative integer that a `Double` holds exactly (below 2⁵³).
    static func label(_ value: Double) -> Int? {
        guard value >= 0, value < 9_007_199_254_740_992, value == value.rounded() else { return nil }
        return Int(value)
    }
}
