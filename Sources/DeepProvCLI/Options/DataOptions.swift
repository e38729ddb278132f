import ArgumentParser
import Engine

/// Inputs, their labels and their normalisation: shared by every command that reads data.
struct DataOptions: ParsableArguments {
    @Option(help: "Inputs: NPY (float32/float64/uint8), IDX (optionally .gz) or CSV.")
    var inputs: String

    @Option(help: "True labels: NPY, IDX or a text/CSV file with one integer per line.")
    var labels: String?

    @Option(help: "CSV inputs: the label column (header name or 0-based index).")
    var labelColumn: String?

    @Option(parsing: .unconditional, help: "Multiply every input value by this (e.g. 0.00784314 maps bytes to [0, 2]).")
    var scale: Float = 1

    @Option(parsing: .unconditional, help: "Then add this (e.g. -1 to end in [-1, 1]); negative values need no \"=\".")
    var shift: Float = 0

    @Option(parsing: .unconditional, help: "Use only the first N inputs.", transform: NumberArgument.positiveInteger)
    var limit: Int?

    func validate() throws {
        guard scale.isFinite, shift.isFinite else { throw ValidationError("--scale and --shift must be finite") }
    }

    var hasLabels: Bool { labels != nil || labelColumn != nil }

    /// Reads the inputs (and labels), normalised, limited to `--limit`.
    func load() throws -> Dataset {
        var dataset = try DatasetLoader.load(
            inputs: inputs, labels: labels, labelColumn: labelColumn,
            normalization: Normalization(scale: scale, shift: shift))
        if let limit, limit < dataset.count { dataset = dataset.prefix(limit) }
        return dataset
    }

    /// The labels, or a message saying how to give them.
    func requireLabels(_ dataset: Dataset, for command: String) throws -> [Int] {
        guard let labels = dataset.labels else {
            throw ValidationError("\(command) needs true labels: --labels FILE or --label-column for CSV inputs")
        }
        return labels
    }
}
