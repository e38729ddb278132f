import ArgumentParser
import Foundation
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
        try loadSessionAndBytes().session
    }

    /// Loads the model, with the BLAS thread count set, and returns the file's bytes read for it
    /// (what a store keeps of the model).
    func loadSessionAndBytes() throws -> (session: InferenceSession, onnx: Data) {
        ComputeThreads.setBLASThreads(threads)
        let onnx = try Model.readBytes(path: model)
        return (try InferenceSession(model: Model.load(onnx: onnx, source: model)), onnx)
    }
}
