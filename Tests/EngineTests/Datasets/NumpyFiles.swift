import Foundation
import TestSupport

/// Writes arrays with numpy itself (an independent NPY writer) for the reader tests.
enum NumpyFiles {
    /// Runs `code` with `np` imported and `out` set to `path`; fails the test on a Python error.
    static func write(_ path: String, _ code: String) throws {
        let script = "import numpy as np, sys\nout = sys.argv[1]\n" + code
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PythonFailure(message: message) }
    }

    /// Runs `code` and returns what it printed.
    static func evaluate(_ code: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import numpy as np, gzip\n" + code]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct PythonFailure: Error { var message: String }
}
