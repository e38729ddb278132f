import Engine
import Foundation
import Testing
import TestSupport

/// `capture` and `evaluate` refuse a model with a NaN weight when loading it, naming the file and
/// the initializer, instead of writing traces the store cannot hold.
@Suite struct NonFiniteModelCommandTests {
    @Test(arguments: ["capture", "evaluate"])
    func refusedAtLoad(command: String) throws {
        let workspace = try TinyWorkspace()
        var graph = try TinyModels.gemmReluScaledGemm().graph
        graph.initializers["w2"] = .float(Tensor(shape: [3, 2], values: [1, 0, 5, .nan, 0, -1]))
        let model = workspace.directory.path("nan.onnx")
        try ONNXExporter.serialize(graph).write(to: URL(fileURLWithPath: model))
        let out = workspace.directory.path("nan.ipgz")
        let arguments = [command, "--model", model, "--inputs", workspace.inputs, "--label-column", "label"]
            + (command == "capture" ? ["--out", out, "--quiet"] : [])
        let result = try DeepProvProcess(arguments).finish()
        #expect(result.status == 1)
        #expect(result.stderr == "Error: \(model): initializer 'w2' holds nan at element 3 of 6; a model's weights and constants must be finite numbers\n")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
