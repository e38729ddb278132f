import DeepProvCLI
import Engine
import Foundation
import TestSupport

/// Runs `deepprov` subcommands in-process, as the executable would parse them.
func runDeepProv(_ arguments: [String]) throws {
    var command = try DeepProvCommand.parseAsRoot(arguments)
    try command.run()
}

/// The message `deepprov` would print for a failure (validation and runtime errors alike).
func deepProvFailure(_ arguments: [String]) -> String? {
    do {
        try runDeepProv(arguments)
        return nil
    } catch {
        return DeepProvCommand.message(for: error)
    }
}

/// A workspace with a tiny two-layer model (hand-computed IPGs in `CaptureExportTests`) and
/// CSV inputs with a label column.
struct TinyWorkspace {
    let directory: TemporaryDirectory
    var model: String { directory.path("tiny.onnx") }
    var inputs: String { directory.path("inputs.csv") }

    init() throws {
        directory = try TemporaryDirectory()
        try ONNXExporter.serialize(TinyModels.gemmReluScaledGemm().graph).write(to: URL(fileURLWithPath: model))
        try "a,b,label\n1,2,0\n3,-1,1\n".write(toFile: inputs, atomically: true, encoding: .utf8)
    }

    /// Captures both inputs into `name` and returns its path.
    func capture(_ name: String = "tiny.ipgz", extra: [String] = []) throws -> String {
        let out = directory.path(name)
        try runDeepProv(["capture", "--model", model, "--inputs", inputs, "--label-column", "label", "--tag", "clean", "--out", out, "--quiet"] + extra)
        return out
    }
}
