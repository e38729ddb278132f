import ArgumentParser
import Engine

/// The model and the inputs to run it on: shared by every command that runs a model.
struct ModelInputOptions: ParsableArguments {
    @Option(help: "The ONNX model to run.")
    var model: String

    @OptionGroup var data: DataOptions

    @Option(help: "Inputs per forward pass.")
    var batchSize: Int = 128

    @Option(help: "BLAS threads for the forward pass.")
    var threads: Int = 1

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
    }

    /// Loads the model, with the BLAS thread count set.
    func loadSession() throws -> InferenceSession {
        ComputeThreads.setBLASThreads(threads)
        return try InferenceSession(model: Model.load(path: model))
    }
}
