/// Reads comma-separated numbers: an optional header row (recognised when one of its fields is
/// not a number), one sample per line, and optionally a label column taken out of the features.
/// Trailing blank lines are ignored; errors name the file, line and column.
enum CSVReader {
    struct Table {
        /// Row-major `rows × width` features (the label column left out).
        var values: [Float]
        var rows: Int
        var width: Int
        var labels: [Int]?
    }

    /// A field of a line: `start` is where its text begins (after spaces, at any opening quote),
    /// `content` its text without spaces and quotes.
    private struct Field {
        var start: Int
        var content: Range<Int>
    }

    static func read(_ bytes: [UInt8], source: String, labelColumn: String?) throws -> Table {
        try bytes.withUnsafeBufferPointer { buffer in
            var lines = lineRanges(buffer)
            while let last = lines.last, buffer[last].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { lines.removeLast() }
            guard let firstLine = lines.first else { throw EngineError("\(source): the CSV file has no rows") }

            var fields: [Field] = []
            split(buffer, firstLine, into: &fields)
            let width = fields.count
            let hasHeader = fields.contains { number(buffer, $0.content) == nil }
            let header = hasHeader ? fields.map { text(buffer, $0.content) } : nil
            let firstRow = hasHeader ? 1 : 0
            guard lines.count > firstRow else { throw EngineError("\(source): the CSV file has a header but no rows") }
            let labelIndex = try labelColumn.map { try columnIndex($0, header: header, width: width, source: source) }

            let rows = lines.count - firstRow
            var values: [Float] = []
            values.reserveCapacity(rows * width)
            var labels: [Int] = []
            for lineIndex in firstRow..<lines.count {
                let line = lines[lineIndex], row = lineIndex - firstRow
                let location = { (field: Field) in "\(source):\(lineIndex + 1):\(column(buffer, line, field))" }
                split(buffer, line, into: &fields)
                guard fields.count == width else {
                    throw EngineError("\(source):\(lineIndex + 1): \(fields.count) fields, but the \(hasHeader ? "header" : "first row") has \(width)")
                }
                for (index, field) in fields.enumerated() {
                    if index == labelIndex {
                        guard let label = label(buffer, field.content) else {
                            throw EngineError("\(location(field)): label '\(text(buffer, field.content))' is not a non-negative integer")
                        }
                        labels.append(label)
                        continue
                    }
                    guard let value = number(buffer, field.content) else {
                        throw EngineError("\(location(field)): '\(text(buffer, field.content))' is not a number")
                    }
                    guard value.isFinite else {
                        throw EngineError("\(location(field)): row \(row) holds \(value.isNaN ? "NaN" : "an infinite value")")
                    }
                    values.append(value)
                }
            }
            return Table(
                values: values, rows: rows, width: width - (labelIndex == nil ? 0 : 1),
                labels: labelIndex == nil ? nil : labels)
        }
    }

    /// The lines (without their CR LF or LF) after any UTF-8 byte-order mark.
    private static func lineRanges(_ buffer: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = buffer.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < buffer.count {
            let newline = buffer[start...].firstIndex(of: 0x0A) ?? buffer.count
            let end = newline > start && buffer[newline - 1] == 0x0D ? newline - 1 : newline
            lines.append(start..<end)
            start = newline + 1
        }
        return lines
    }

    /// Splits a line at commas, trimming spaces and tabs and removing matching quotes.
    private static func split(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, into fields: inout [Field]) {
        fields.removeAll(keepingCapacity: true)
        var fieldStart = line.lowerBound
        while true {
            let comma = buffer[fieldStart..<line.upperBound].firstIndex(of: UInt8(ascii: ",")) ?? line.upperBound
            var lower = fieldStart, upper = comma
            while lower < upper, buffer[lower] == 0x20 || buffer[lower] == 0x09 { lower += 1 }
            while upper > lower, buffer[upper - 1] == 0x20 || buffer[upper - 1] == 0x09 { upper -= 1 }
            let start = lower
            if upper - lower >= 2, buffer[lower] == UInt8(ascii: "\"") || buffer[lower] == UInt8(ascii: "'"), buffer[upper - 1] == buffer[lower] {
                lower += 1
                upper -= 1
            }
            fields.append(Field(start: start, content: lower..<upper))
            guard comma < line.upperBound else { return }
            fieldStart = comma + 1
        }
    }

    private static func text(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    private static func number(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Float? {
        Float(text(buffer, range))
    }

    /// A non-negative integer written as such or as an integral decimal ("3", "3.0", "3e0").
    private static func label(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        let text = text(buffer, range)
        if let integer = Int(text) { return integer >= 0 ? integer : nil }
        return Double(text).flatMap(LabelReader.label)
    }

    /// The 1-based column (in characters) where `field` begins.
    private static func column(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, _ field: Field) -> Int {
        text(buffer, line.lowerBound..<field.start).count + 1
    }

    private static func columnIndex(_ column: String, header: [String]?, width: Int, source: String) throws -> Int {
        if let header, let index = header.firstIndex(of: column) { return index }
        if let index = Int(column), index >= 0, index < width { return index }
        let known = header.map { ": the header has \($0.joined(separator: ", "))" } ?? " (the file has no header; give a 0-based index below \(width))"
        throw EngineError("\(source): no label column '\(column)'\(known)")
    }
}
