/// A data set read from its file a batch at a time (NPY, IDX gzipped or not, CSV), normalised,
/// with its labels: only the batch being read is in memory, so a file of any length streams in
/// constant memory. Labels from a second file (one integer per sample) are loaded whole.
/// `DatasetLoader.open` makes one.
public final class DatasetStream: SampleSource {
    public let source: String
    public let count: Int
    public let sampleShape: [Int]
    /// Whether batches carry true labels.
    public let hasLabels: Bool
    private let rows: any SampleRows
    private let labels: [Int]?
    private let normalization: Normalization
    private var position = 0

    init(rows: any SampleRows, labels: [Int]?, normalization: Normalization, limit: Int?, source: String) {
        self.rows = rows
        self.labels = labels
        self.normalization = normalization
        self.source = source
        count = min(rows.rowCount, limit ?? rows.rowCount)
        sampleShape = rows.sampleShape
        hasLabels = labels != nil || rows.hasLabels
    }

    public func nextBatch(maximumCount: Int) throws -> SampleBatch? {
        let range = position..<min(position + maximumCount, count)
        guard !range.isEmpty else { return nil }
        var (values, rowLabels) = try rows.read(range.count)
        normalization.apply(&values)
        position = range.upperBound
        return SampleBatch(
            start: range.lowerBound, features: Tensor(shape: [range.count] + sampleShape, values: values),
            labels: labels.map { Array($0[range]) } ?? rowLabels)
    }

    /// The samples not read yet, all at once.
    public func readAll() throws -> Dataset {
        guard let batch = try nextBatch(maximumCount: count - position) else {
            return Dataset(features: Tensor(shape: [0] + sampleShape), labels: hasLabels ? [] : nil, source: source)
        }
        return Dataset(features: batch.features, labels: batch.labels, source: source)
    }
}

/// Rows of samples read in order from a data file: NPY and IDX arrays, CSV tables.
protocol SampleRows: AnyObject {
    var rowCount: Int { get }
    var sampleShape: [Int] { get }
    /// Whether rows carry labels (a CSV label column).
    var hasLabels: Bool { get }
    /// The next `count` rows' values (row-major) and, from a label column, their labels.
    func read(_ count: Int) throws -> (values: [Float], labels: [Int]?)
}

extension BinaryArrayReader: SampleRows {
    var sampleShape: [Int] { Array(shape.dropFirst()) }
    var hasLabels: Bool { false }

    /// Refuses NaN and ±∞, naming the first row (and element) that holds one.
    func read(_ count: Int) throws -> (values: [Float], labels: [Int]?) {
        let start = rowsRead
        let values = try floats(rows: count)
        if let bad = values.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) {
            let rowLength = max(rowLength, 1)
            throw EngineError("\(file.path): row \(start + bad / rowLength) (element \(bad % rowLength)) holds \(values[bad].isNaN ? "NaN" : "an infinite value")")
        }
        return (values, nil)
    }
}

extension CSVReader: SampleRows {
    var sampleShape: [Int] { [width] }
}
