import DeepProvCLI
import Engine
import Foundation
import IPG
import Store
import TestSupport

/// Runs `deepprov` subcommands in-process, as the executable would parse them.
func runDeepProv(_ arguments: [String]) throws {
    var command = try DeepProvCommand.parseAsRoot(arguments)
    try command.run()
}

/// Runs the built `deepprov` executable in a separate process, from the repository root (where
/// `Queries/` is), and returns what it printed on standard output. A non-zero exit status
/// throws `FailedCommand` with what it printed on standard error.
func deepProvOutput(_ arguments: [String]) throws -> String {
    let process = try DeepProvProcess(arguments)
    let (stdout, stderr, status) = try process.finish()
    guard status == 0 else { throw FailedCommand(arguments: arguments, status: status, stderr: stderr) }
    return stdout
}

/// A `deepprov` run that exited with a failure status.
struct FailedCommand: Error, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stderr: String
    var description: String { "deepprov \(arguments.joined(separator: " ")) exited with \(status): \(stderr)" }
}

/// `deepProvOutput` read as comma-separated rows (header row first).
func deepProvCSV(_ arguments: [String]) throws -> [[String]] {
    try deepProvOutput(arguments).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
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

/// The built `deepprov` executable running in a separate process with its standard input on a
/// pipe, for conversations (the REPL): write lines, send signals, then read what it printed.
final class DeepProvProcess {
    private let process = Process()
    private let input = Pipe()
    private let directory: TemporaryDirectory

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        directory = try TemporaryDirectory()
        for name in ["stdout.txt", "stderr.txt"] { _ = FileManager.default.createFile(atPath: directory.path(name), contents: nil) }
        process.executableURL = DeepProvExecutable.url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.path("stdout.txt")))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.path("stderr.txt")))
        process.currentDirectoryURL = FixturePaths.repositoryRoot
        try process.run()
    }

    func write(_ lines: String) {
        input.fileHandleForWriting.write(Data(lines.utf8))
    }

    func interrupt() {
        process.interrupt()
    }

    /// Closes standard input, waits for the process and returns its outputs and exit status.
    func finish() throws -> (stdout: String, stderr: String, status: Int32) {
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return (try String(contentsOfFile: directory.path("stdout.txt"), encoding: .utf8),
                try String(contentsOfFile: directory.path("stderr.txt"), encoding: .utf8), process.terminationStatus)
    }
}
