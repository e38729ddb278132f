/// Loads model inputs and labels from NPY, IDX (gzipped or not) or CSV files, checking that
/// every value is finite and that labels match the samples.
public enum DatasetLoader {
    /// Loads samples from `inputs` (the first axis is the sample axis), labels from a second
    /// file or a CSV column, and applies `normalization`.
    public static func load(
        inputs: String, labels: String? = nil, labelColumn: String? = nil, normalization: Normalization = .init()
    ) throws -> Dataset {
        let bytes = try DataFile.readDecompressing(inputs)
        var array: NumericArray
        var columnLabels: [Int]?
        switch DataFormat.detect(bytes, path: inputs) {
        case .npy: array = try NPYReader.read(bytes, source: inputs)
        case .idx: array = try IDXReader.read(bytes, source: inputs)
        case .csv:
            let table = try CSVReader.read(bytes, source: inputs, labelColumn: labelColumn)
            array = table.features
            columnLabels = table.labels
        }
        if labelColumn != nil && columnLabels == nil {
            throw EngineError("\(inputs): --label-column applies to CSV inputs; give labels in a second file instead")
        }
        guard array.shape.count >= 1 else { throw EngineError("\(inputs): a single number is not a set of samples (shape [])") }
        try checkFinite(array, source: inputs)
        normalization.apply(&array.values)

        var sampleLabels = columnLabels
        if let labels {
            let loaded = try LabelReader.read(labels)
            guard loaded.count == array.shape[0] else {
                throw EngineError("\(labels): \(loaded.count) labels for the \(array.shape[0]) samples in \(inputs)")
            }
            sampleLabels = loaded
        }
        return Dataset(
            features: Tensor(shape: array.shape, values: array.values), labels: sampleLabels,
            source: ([inputs] + (labels.map { [$0] } ?? [])).joined(separator: ", "))
    }

    /// Loads a file of non-negative integers (NPY, IDX, or text/CSV with one per line).
    public static func loadIntegers(path: String) throws -> [Int] {
        try LabelReader.read(path)
    }

    private static func checkFinite(_ array: NumericArray, source: String) throws {
        guard !array.isIntegral else { return }
        let rowLength = array.shape.dropFirst().reduce(1, *)
        let bad = array.values.withUnsafeBufferPointer { $0.firstIndex { !$0.isFinite } }
        guard let bad else { return }
        let value = array.values[bad]
        throw EngineError("\(source): row \(bad / max(rowLength, 1)) (element \(bad % max(rowLength, 1))) holds \(value.isNaN ? "NaN" : "an infinite value")")
    }
}
