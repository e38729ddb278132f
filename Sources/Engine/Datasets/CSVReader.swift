/// Reads comma-separated numbers: an optional header row (recognised when one of its fields is
/// not a number), one sample per line, and optionally a label column taken out of the features.
/// Errors name the file, line and column.
enum CSVReader {
    struct Table {
        var features: NumericArray
        var labels: [Int]?
    }

    static func read(_ bytes: [UInt8], source: String, labelColumn: String?) throws -> Table {
        let text = String(decoding: bytes, as: UTF8.self)
        // "\r\n" is one Character in Swift, so both line endings are separators.
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
            .enumerated().map { ($0.offset + 1, $0.element) }
        while let last = lines.last, last.1.allSatisfy({ $0 == " " }) { lines.removeLast() }
        guard let first = lines.first else { throw EngineError("\(source): the CSV file is empty") }

        let firstFields = fields(of: first.1)
        let header: [String]? = firstFields.contains { Float($0.text) == nil } ? firstFields.map(\.text) : nil
        if header != nil { lines.removeFirst() }
        let width = firstFields.count
        let labelIndex = try labelColumn.map { try columnIndex($0, header: header, width: width, source: source) }

        var values: [Float] = []
        values.reserveCapacity(lines.count * width)
        var labels: [Int] = []
        for (row, (number, line)) in lines.enumerated() {
            let cells = fields(of: line)
            guard cells.count == width else {
                throw EngineError("\(source):\(number): \(cells.count) fields, but the \(header == nil ? "first row" : "header") has \(width)")
            }
            for (index, field) in cells.enumerated() {
                guard let value = Float(field.text) else {
                    throw EngineError("\(source):\(number):\(field.column): '\(field.text)' is not a number")
                }
                guard value.isFinite else {
                    throw EngineError("\(source):\(number):\(field.column): row \(row) holds \(value.isNaN ? "NaN" : "an infinite value")")
                }
                if index == labelIndex {
                    guard value >= 0, value == value.rounded(), value < 16_777_216 else {
                        throw EngineError("\(source):\(number):\(field.column): label '\(field.text)' is not a non-negative integer")
                    }
                    labels.append(Int(value))
                } else {
                    values.append(value)
                }
            }
        }
        let featureWidth = width - (labelIndex == nil ? 0 : 1)
        guard featureWidth > 0 else { throw EngineError("\(source): no feature columns besides the label") }
        return Table(
            features: NumericArray(shape: [lines.count, featureWidth], values: values, isIntegral: false),
            labels: labelIndex == nil ? nil : labels)
    }

    /// The fields of a line with their 1-based starting columns, spaces and quotes removed.
    private static func fields(of line: Substring) -> [(text: String, column: Int)] {
        var result: [(String, Int)] = []
        var column = 1
        for field in line.split(separator: ",", omittingEmptySubsequences: false) {
            var text = field.drop { $0 == " " }
            while text.last == " " { text = text.dropLast() }
            if text.count >= 2, let quote = text.first, quote == "\"" || quote == "'", text.last == quote {
                text = text.dropFirst().dropLast()
            }
            result.append((String(text), column + (field.count - field.drop { $0 == " " }.count)))
            column += field.count + 1
        }
        return result
    }

    private static func columnIndex(_ column: String, header: [String]?, width: Int, source: String) throws -> Int {
        if let header, let index = header.firstIndex(of: column) { return index }
        if let index = Int(column), index >= 0, index < width { return index }
        let known = header.map { ": the header has \($0.joined(separator: ", "))" } ?? " (no header; give a 0-based index below \(width))"
        throw EngineError("\(source): no label column '\(column)'\(known)")
    }
}
