/// Reads comma-separated numbers a batch of rows at a time: an optional header row (recognised
/// when one of its fields is not a number), one sample per line, and optionally a label column
/// taken out of the features. Trailing blank lines are ignored; errors name the file, line and
/// column. Opening reads the file once to count the rows; reading rows reads it again.
final class CSVReader {
    let source: String
    /// Rows after the header.
    let rowCount: Int
    /// Features per row (the label column left out).
    let width: Int
    /// Whether a label column is taken out of every row.
    var hasLabels: Bool { labelIndex != nil }
    private let labelIndex: Int?
    private let fieldCount: Int
    private let hasHeader: Bool
    private let lines: LineReader
    /// 0-based index of the next line `lines` gives.
    private var lineIndex: Int
    private var fields: [Field] = []

    /// A field of a line: `start` is where its text begins (after spaces, at any opening quote),
    /// `content` its text without spaces and quotes.
    private struct Field {
        var start: Int
        var content: Range<Int>
    }

    /// Counts the rows of `file` (consuming it), reads the header, and opens the file again
    /// for the rows.
    init(_ file: DataFile, labelColumn: String?) throws {
        source = file.path
        let counting = LineReader(file)
        var firstLine: [UInt8]?
        var lineCount = 0, linesBeforeTrailingBlanks = 0
        while let line = try counting.next() {
            if firstLine == nil { firstLine = line }
            lineCount += 1
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { linesBeforeTrailingBlanks = lineCount }
        }
        guard linesBeforeTrailingBlanks > 0, let firstLine else { throw EngineError("\(source): the CSV file has no rows") }

        let firstFields = firstLine.withUnsafeBufferPointer { line in
            var fields: [Field] = []
            Self.split(line, into: &fields)
            return fields.map { (text: Self.text(line, $0.content), isNumber: Self.number(line, $0.content) != nil) }
        }
        let hasHeader = firstFields.contains { !$0.isNumber }
        let header = hasHeader ? firstFields.map(\.text) : nil
        let firstRow = hasHeader ? 1 : 0
        self.hasHeader = hasHeader
        fieldCount = firstFields.count
        guard linesBeforeTrailingBlanks > firstRow else { throw EngineError("\(source): the CSV file has a header but no rows") }
        labelIndex = try labelColumn.map { [source] in try Self.columnIndex($0, header: header, width: firstFields.count, source: source) }
        rowCount = linesBeforeTrailingBlanks - firstRow
        width = fieldCount - (labelIndex == nil ? 0 : 1)

        lines = LineReader(try DataFile(path: source))
        if hasHeader { _ = try lines.next() }
        lineIndex = firstRow
    }

    /// The next `count` rows: their features (row-major) and, with a label column, their labels.
    func read(_ count: Int) throws -> (values: [Float], labels: [Int]?) {
        var values: [Float] = []
        values.reserveCapacity(count * width)
        var labels: [Int] = []
        for _ in 0..<count {
            guard let line = try lines.next() else { throw EngineError("\(source): the file changed while it was read") }
            try line.withUnsafeBufferPointer { try parse($0, into: &values, labels: &labels) }
            lineIndex += 1
        }
        return (values, labelIndex == nil ? nil : labels)
    }

    private func parse(_ line: UnsafeBufferPointer<UInt8>, into values: inout [Float], labels: inout [Int]) throws {
        let row = lineIndex - (hasHeader ? 1 : 0)
        let location = { [source, lineIndex] (field: Field) in "\(source):\(lineIndex + 1):\(Self.column(line, field))" }
        Self.split(line, into: &fields)
        guard fields.count == fieldCount else {
            throw EngineError("\(source):\(lineIndex + 1): \(fields.count) fields, but the \(hasHeader ? "header" : "first row") has \(fieldCount)")
        }
        for (index, field) in fields.enumerated() {
            if index == labelIndex {
                guard let label = Self.label(line, field.content) else {
                    throw EngineError("\(location(field)): label '\(Self.text(line, field.content))' is not a non-negative integer")
                }
                labels.append(label)
                continue
            }
            guard let value = Self.number(line, field.content) else {
                throw EngineError("\(location(field)): '\(Self.text(line, field.content))' is not a number")
            }
            guard value.isFinite else {
                throw EngineError("\(location(field)): row \(row) holds \(value.isNaN ? "NaN" : "an infinite value")")
            }
            values.append(value)
        }
    }

    /// Splits a line at commas, trimming spaces and tabs and removing matching quotes.
    private static func split(_ line: UnsafeBufferPointer<UInt8>, into fields: inout [Field]) {
        fields.removeAll(keepingCapacity: true)
        var fieldStart = 0
        while true {
            let comma = line[fieldStart...].firstIndex(of: UInt8(ascii: ",")) ?? line.count
            var lower = fieldStart, upper = comma
            while lower < upper, line[lower] == 0x20 || line[lower] == 0x09 { lower += 1 }
            while upper > lower, line[upper - 1] == 0x20 || line[upper - 1] == 0x09 { upper -= 1 }
            let start = lower
            if upper - lower >= 2, line[lower] == UInt8(ascii: "\"") || line[lower] == UInt8(ascii: "'"), line[upper - 1] == line[lower] {
                lower += 1
                upper -= 1
            }
            fields.append(Field(start: start, content: lower..<upper))
            guard comma < line.count else { return }
            fieldStart = comma + 1
        }
    }

    private static func text(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
    }

    private static func number(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Float? {
        Float(text(line, range))
    }

    /// A non-negative integer written as such or as an integral decimal ("3", "3.0", "3e0").
    private static func label(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        let text = text(line, range)
        if let integer = Int(text) { return integer >= 0 ? integer : nil }
        return Double(text).flatMap(LabelReader.label)
    }

    /// The 1-based column (in characters) where `field` begins.
    private static func column(_ line: UnsafeBufferPointer<UInt8>, _ field: Field) -> Int {
        text(line, 0..<field.start).count + 1
    }

    private static func columnIndex(_ column: String, header: [String]?, width: Int, source: String) throws -> Int {
        if let header, let index = header.firstIndex(of: column) { return index }
        if let index = Int(column), index >= 0, index < width { return index }
        let known = header.map { ": the header has \($0.joined(separator: ", "))" } ?? " (the file has no header; give a 0-based index below \(width))"
        throw EngineError("\(source): no label column '\(column)'\(known)")
    }
}
