import Engine
import Foundation

/// onnxruntime's outputs for an ONNX model, the independent reference DeepProv's forward pass
/// is checked against (`scripts/fixtures/run_onnxruntime.py`).
public enum ONNXRuntimeReference {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The model's output on `input` as onnxruntime computes it; throws with onnxruntime's
    /// standard error when it cannot run the model.
    public static func outputs(of onnx: Data, on input: Tensor) throws -> Tensor {
        let directory = try TemporaryDirectory()
        let modelPath = directory.path("model.onnx"), inputPath = directory.path("x.npy"), outputPath = directory.path("y.npy")
        try onnx.write(to: URL(fileURLWithPath: modelPath))
        try NPYWriter.write(input, to: inputPath)
        let result = try PythonScript.run("fixtures/run_onnxruntime.py", arguments: [modelPath, inputPath, outputPath])
        guard result.status == 0 else { throw Failure(description: "onnxruntime failed on the model: \(result.errorOutput)") }
        return try DatasetLoader.load(inputs: outputPath).features
    }
}
