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
}
