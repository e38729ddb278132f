import ArgumentParser
import Engine

/// The model and the inputs to run it on: shared by every command that runs a model.
struct ModelInputOptions: ParsableArguments {
    @Option(help: "The ONNX model to run.")
    var model: String

    @OptionGroup var data: DataOptions

    @Option(parsing: .unconditional, help: "Inputs per forward pass (default: 128).", transform: NumberArgument.positiveInteger)
    var batchSize: Int = 128

    @Option(parsing: .unconditional, help: "BLAS threads for the forward pass (default: 1).", transform: NumberArgument.positiveInteger)
    var threads: Int = 1

    /// Loads the model, with the BLAS thread count set.
    func loadSession() throws -> InferenceSession {
        ComputeThreads.setBLASThreads(threads)
        return try InferenceSession(model: Model.load(path: model))
    }

    /// Loads the model and the data, shaped for the model's input.
    func load() throws -> (session: InferenceSession, dataset: Dataset) {
        let session = try loadSession()
        var dataset = try data.load()
        dataset.features = try session.shapeForInput(dataset.features, source: data.inputs)
        return (session, dataset)
    }

    /// Inputs per forward pass, respecting a model whose batch axis is fixed.
    func effectiveBatchSize(for session: InferenceSession) -> Int {
        if let fixed = session.inputShape.first ?? nil { return fixed }
        return batchSize
    }
}
