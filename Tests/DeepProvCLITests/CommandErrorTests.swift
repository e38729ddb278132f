import Foundation
import Testing
import TestSupport

/// Bad input gets a message naming the file (and row or node), and leaves earlier output alone.
@Suite struct CommandErrorTests {
    @Test func missingModelIsNamed() throws {
        let workspace = try TinyWorkspace()
        let missing = workspace.directory.path("absent.onnx")
        let message = deepProvFailure(["capture", "--model", missing, "--inputs", workspace.inputs, "--out", workspace.directory.path("x.ipgz")])
        #expect(message?.hasPrefix("\(missing): cannot read the model") == true, "\(message ?? "no error")")
    }

    @Test func nonNumericCSVCellNamesLineAndColumn() throws {
        let workspace = try TinyWorkspace()
        let bad = workspace.directory.path("bad.csv")
        try "a,b,label\n1,2,0\n3,x,1\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let message = deepProvFailure(["capture", "--model", workspace.model, "--inputs", bad, "--label-column", "label", "--out", workspace.directory.path("x.ipgz")])
        #expect(message?.contains("bad.csv:3:3") == true, "\(message ?? "no error")")
    }

    @Test func wrongInputWidthIsExplained() throws {
        let workspace = try TinyWorkspace()
        let wide = workspace.directory.path("wide.csv")
        try "1,2,3\n4,5,6\n".write(toFile: wide, atomically: true, encoding: .utf8)
        let message = deepProvFailure(["capture", "--model", workspace.model, "--inputs", wide, "--out", workspace.directory.path("x.ipgz")])
        #expect(message?.contains("wide.csv") == true, "\(message ?? "no error")")
    }

    @Test func failedCaptureKeepsTheExistingStream() throws {
        let workspace = try TinyWorkspace()
        let stream = try workspace.capture()
        let before = try Data(contentsOf: URL(fileURLWithPath: stream))
        let nan = workspace.directory.path("nan.csv")
        try "a,b,label\n1,2,0\nnan,1,1\n".write(toFile: nan, atomically: true, encoding: .utf8)
        let message = deepProvFailure(["capture", "--model", workspace.model, "--inputs", nan, "--label-column", "label", "--out", stream])
        #expect(message?.contains("nan.csv") == true, "\(message ?? "no error")")
        #expect(try Data(contentsOf: URL(fileURLWithPath: stream)) == before)
    }

    @Test func notAStreamIsNamed() throws {
        let workspace = try TinyWorkspace()
        let message = deepProvFailure(["export", "--stream", workspace.inputs, "--input", "0", "--format", "dot"])
        #expect(message == "\(workspace.inputs): byte 0: not a DeepProv trace stream (it does not start with 'IPGZ')")
    }
}
