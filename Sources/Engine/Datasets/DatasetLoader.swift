/// Loads model inputs and labels from NPY, IDX (gzipped or not) or CSV files, checking that
/// every value is finite and that labels match the samples.
public enum DatasetLoader {
    /// Opens samples in `inputs` to be read a batch at a time (the first axis is the sample
    /// axis; NPY, IDX gzipped or not, CSV), with labels from a second file (NPY, IDX, text/CSV
    /// one per line, loaded whole) or from the CSV column `labelColumn` (a header name or
    /// 0-based index); values are mapped by `normalization`, and only the first `limit` samples
    /// are read. Errors in the header, the labels or the file's length come now; errors in a
    /// sample (a value that is not a finite number) come with the batch that holds it.
    public static func open(
        inputs: String, labels: String? = nil, labelColumn: String? = nil, normalization: Normalization = .init(),
        limit: Int? = nil
    ) throws -> DatasetStream {
        if let labels, let labelColumn {
            throw EngineError("\(inputs): labels come from column '\(labelColumn)' or from \(labels), not both")
        }
        let file = try DataFile(path: inputs)
        let format = try DataFormat.detect(file.peek(DataFormat.detectionLength), path: inputs)
        if labelColumn != nil && format != .csv {
            throw EngineError("\(inputs): a label column applies to CSV inputs only; give the labels in a second file")
        }
        let rows: any SampleRows
        switch format {
        case .npy, .idx:
            let array = try format == .npy ? NPYReader.open(file) : IDXReader.open(file)
            guard !array.shape.isEmpty else { throw EngineError("\(inputs): a single number is not a set of samples (shape [])") }
            rows = array
        case .csv:
            let table = try CSVReader(file, labelColumn: labelColumn)
            guard table.width > 0 else { throw EngineError("\(inputs): no feature columns besides the label") }
            rows = table
        }
        var sampleLabels: [Int]?
        if let labels {
            let loaded = try LabelReader.read(labels)
            guard loaded.count == rows.rowCount else {
                throw EngineError("\(labels): \(loaded.count) labels for the \(rows.rowCount) samples in \(inputs)")
            }
            sampleLabels = loaded
        }
        return DatasetStream(
            rows: rows, labels: sampleLabels, normalization: normalization, limit: limit,
            source: labels.map { "\(inputs), \($0)" } ?? inputs)
    }

    /// Loads samples and labels whole, as `open` reads them.
    public static func load(
        inputs: String, labels: String? = nil, labelColumn: String? = nil, normalization: Normalization = .init()
    ) throws -> Dataset {
        try open(inputs: inputs, labels: labels, labelColumn: labelColumn, normalization: normalization).readAll()
    }

    /// Loads a file of non-negative integers (NPY, IDX, or text/CSV with one per line).
    public static func loadIntegers(path: String) throws -> [Int] {
        try LabelReader.read(path)
    }
}
