import ArgumentParser
import Engine

/// The model and the inputs to run it on: shared by every command that runs a model.
struct ModelInputOptions: ParsableArguments {
    @Option(help: "The ONNX model to run.")
    var model: String

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

    @Option(help: "Inputs per forward pass.")
    var batchSize: Int = 128

    @Option(help: "Use only the first N inputs.")
    var limit: Int?

    @Option(help: "BLAS threads for the forward pass.")
    var threads: Int = 1

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be positive") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
        guard scale.isFinite, shift.isFinite else { throw ValidationError("--scale and --shift must be finite") }
    }

    /// Loads the model and the data, shaped for the model's input.
    func load() throws -> (session: InferenceSession, dataset: Dataset) {
        ComputeThreads.setBLASThreads(threads)
        let session = try InferenceSession(model: Model.load(path: model))
        var dataset = try DatasetLoader.load(
            inputs: inputs, labels: labels, labelColumn: labelColumn,
            normalization: Normalization(scale: scale, shift: shift))
        if let limit, limit < dataset.count { dataset = dataset.prefix(limit) }
        dataset.features = try session.shapeForInput(dataset.features, source: inputs)
        return (session, dataset)
    }

    /// Inputs per forward pass, respecting a model whose batch axis is fixed.
    func effectiveBatchSize(for session: InferenceSession) -> Int {
        if let fixed = session.inputShape.first ?? nil { return fixed }
        return batchSize
    }
}
