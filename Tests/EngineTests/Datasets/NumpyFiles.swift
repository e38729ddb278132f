import Foundation
import TestSupport

/// Runs numpy (an independent NPY writer and reader) for the dataset tests.
enum NumpyFiles {
    /// Runs `code` with `np`, `gzip` and `struct` imported and `out` set to `path` (may be empty), and returns
    /// what it printed; a Python error fails the test.
    @discardableResult
    static func run(_ path: String, _ code: String) throws -> String {
        let script = "import numpy as np, gzip, struct, sys\nout = sys.argv[1]\n" + code
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PythonFailure(message: message) }
        return printed.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Python code printing the float32 bit patterns of array `name`, space-separated.
    static func printBits(_ name: String) -> String {
        "print(' '.join(map(str, np.asarray(\(name)).astype(np.float32).ravel().view(np.uint32))))"
    }

    /// Parses what `printBits` printed.
    static func floats(fromBits printed: String) -> [Float] {
        printed.split(separator: " ").map { Float(bitPattern: UInt32($0)!) }
    }

    struct PythonFailure: Error { var message: String }
}
