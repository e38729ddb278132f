/// Loads model inputs and labels from NPY, IDX (gzipped or not) or CSV files, checking that
/// every value is finite and that labels match the samples.
public enum DatasetLoader {
    /// Loads samples from `inputs` (the first axis is the sample axis; NPY, IDX gzipped or not,
    /// CSV), labels from a second file (NPY, IDX, text/CSV one per line) or from the CSV column
    /// `labelColumn` (a header name or 0-based index), then applies `normalization`.
    public static func load(
        inputs: String, labels: String? = nil, labelColumn: String? = nil, normalization: Normalization = .init()
    ) throws -> Dataset {
        if let labels, let labelColumn {
            throw EngineError("\(inputs): labels come from column '\(labelColumn)' or from \(labels), not both")
        }
        let bytes = try DataFile.readDecompressing(inputs)
        var shape: [Int], values: [Float]
        var sampleLabels: [Int]?
        let format = try DataFormat.detect(bytes, path: inputs)
        if labelColumn != nil && format != .csv {
            throw EngineError("\(inputs): a label column applies to CSV inputs only; give the labels in a second file")
        }
        switch format {
        case .npy, .idx:
            let array = format == .npy
                ? try NPYReader.read(bytes, source: inputs) : try IDXReader.read(bytes, source: inputs)
            shape = array.shape
            values = array.floats()
            try checkFinite(values, shape: shape, source: inputs)
        case .csv:
            let table = try CSVReader.read(bytes, source: inputs, labelColumn: labelColumn)
            guard table.width > 0 else { throw EngineError("\(inputs): no feature columns besides the label") }
            shape = [table.rows, table.width]
            values = table.values
            sampleLabels = table.labels
        }
        guard !shape.isEmpty else { throw EngineError("\(inputs): a single number is not a set of samples (shape [])") }
        normalization.apply(&values)

        if let labels {
            let loaded = try LabelReader.read(labels)
            guard loaded.count == shape[0] else {
                throw EngineError("\(labels): \(loaded.count) labels for the \(shape[0]) samples in \(inputs)")
            }
            sampleLabels = loaded
        }
        return Dataset(
            features: Tensor(shape: shape, values: values), labels: sampleLabels,
            source: labels.map { "\(inputs), \($0)" } ?? inputs)
    }

    /// Loads a file of non-negative integers (NPY, IDX, or text/CSV with one per line).
    public static func loadIntegers(path: String) throws -> [Int] {
        try LabelReader.read(path)
    }

    /// Throws naming the first sample (row) that holds NaN or ±∞.
    private static func checkFinite(_ values: [Float], shape: [Int], source: String) throws {
        guard let bad = values.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) else { return }
        let rowLength = max(shape.dropFirst().reduce(1, *), 1)
        throw EngineError("\(source): row \(bad / rowLength) (element \(bad % rowLength)) holds \(values[bad].isNaN ? "NaN" : "an infinite value")")
    }
}
