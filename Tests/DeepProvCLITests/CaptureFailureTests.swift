import Engine
import Foundation
import Testing
import TestSupport

/// Captures that cannot go on say why (exit status 1, no usage text) and leave no stream,
/// finished or not.
@Suite struct CaptureFailureTests {
    /// The files `workspace`'s directory holds.
    static func files(_ workspace: TinyWorkspace) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: workspace.directory.url.path))
    }

    @Test func zeroInputsAreAnErrorAndWriteNothing() throws {
        let workspace = try TinyWorkspace()
        let empty = workspace.directory.path("empty.npy")
        try NPYWriter.write(Tensor(shape: [0, 2], values: []), to: empty)
        let capture = try DeepProvProcess(["capture", "--model", workspace.model, "--inputs", empty, "--out", workspace.directory.path("x.ipgz")])
        let (_, stderr, status) = try capture.finish()
        #expect(status == 1)
        #expect(stderr == "Error: \(empty): no inputs to capture\n")
        #expect(try Self.files(workspace) == ["tiny.onnx", "inputs.csv", "empty.npy"])
    }

    /// Row 3 holds NaN and batches hold one input, so three traces are written before the error:
    /// no stream is left, and a store keeps the three with its run recorded as failed.
    @Test(arguments: [["--out", "x.ipgz"], ["--db", "x.sqlite"], ["--out", "x.ipgz", "--db", "x.sqlite"]])
    func failingMidwayLeavesNoPartialStream(outputs: [String]) throws {
        let workspace = try TinyWorkspace()
        let bad = workspace.directory.path("bad.csv")
        try "a,b\n1,2\n3,-1\n0,1\n1,nan\n2,2\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let arguments = outputs.enumerated().map { $0.offset % 2 == 1 ? workspace.directory.path($0.element) : $0.element }
        let capture = try DeepProvProcess(["capture", "--model", workspace.model, "--inputs", bad, "--batch-size", "1"] + arguments)
        let (_, stderr, status) = try capture.finish()
        #expect(status == 1)
        #expect(stderr == "Error: \(bad):5:3: row 3 holds NaN\n")
        let store: Set<String> = outputs.contains("--db") ? ["x.sqlite", "x.sqlite-wal", "x.sqlite-shm"] : []
        let files = try Self.files(workspace)
        #expect(files.subtracting(store) == ["tiny.onnx", "inputs.csv", "bad.csv"])
        if outputs.contains("--db") {
            let database = workspace.directory.path("x.sqlite")
            let stored = try deepProvOutput(["sql", "--db", database, "SELECT (SELECT COUNT(*) FROM traces), status, message FROM runs"])
            #expect(stored.split(separator: "\n").last == "3\tfailed\t\(bad):5:3: row 3 holds NaN", "\(stored)")
        }
    }

    @Test func shortParentsNameTheFileAndBothCounts() throws {
        let workspace = try TinyWorkspace()
        let parents = workspace.directory.path("parents.npy")
        try NPYWriter.write(integers: [0], to: parents)
        let capture = try DeepProvProcess([
            "capture", "--model", workspace.model, "--inputs", workspace.inputs, "--label-column", "label",
            "--parents", parents, "--out", workspace.directory.path("x.ipgz"),
        ])
        let (_, stderr, status) = try capture.finish()
        #expect(status == 1)
        #expect(stderr == "Error: \(parents): 1 parent indices for 2 inputs\n")
        #expect(try Self.files(workspace) == ["tiny.onnx", "inputs.csv", "parents.npy"])
    }
}
