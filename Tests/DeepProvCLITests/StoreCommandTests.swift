import Foundation
import Testing
import TestSupport

/// `capture --db`, `ingest`, `info` and `export --db` through the command line.
@Suite struct StoreCommandTests {
    @Test func captureIngestInfoAndExportAgree() throws {
        let workspace = try TinyWorkspace()
        let stream = try workspace.capture()
        let database = workspace.directory.path("s.sqlite")
        try runDeepProv(["ingest", "--db", database, stream, "--quiet"])
        // The model's bytes are kept (ingest finds them where the stream's header says).
        let onnx = try Data(contentsOf: URL(fileURLWithPath: workspace.model))
        #expect(try deepProvOutput(["sql", "--db", database, "SELECT length(onnx), hex(onnx) = ? FROM models", "--bind", onnx.map { String(format: "%02X", $0) }.joined()])
            == "length(onnx)\thex(onnx) = ?\n\(onnx.count)\t1\n")
        try runDeepProv(["capture", "--model", workspace.model, "--inputs", workspace.inputs, "--label-column", "label",
                         "--tag", "again", "--db", database, "--quiet"])
        let info = try deepProvOutput(["info", "--db", database, "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(info.utf8)) as! [String: Any]
        #expect(object["traces"] as? Int == 4)
        #expect(object["tags"] as? [String: Int] == ["clean": 2, "again": 2])
        #expect((object["models"] as? [[String: Any]])?.count == 1)
        #expect((object["runs"] as? [[String: Any]])?.count == 2)

        let fromStream = workspace.directory.path("a.json"), fromStore = workspace.directory.path("b.json")
        try runDeepProv(["export", "--stream", stream, "--input", "1", "--format", "node-link", "--out", fromStream])
        try runDeepProv(["export", "--db", database, "--tag", "clean", "--input", "1", "--format", "node-link", "--out", fromStore])
        #expect(try Data(contentsOf: URL(fileURLWithPath: fromStream)) == Data(contentsOf: URL(fileURLWithPath: fromStore)))
        #expect(deepProvFailure(["export", "--db", database, "--tag", "fgsm", "--input", "1", "--format", "dot"])
            == "\(database): no trace for input 1 with tag 'fgsm'")

        // Other inputs under the same tag and indices: stored, with a warning that names the tag.
        let others = workspace.directory.path("others.csv")
        try "a,b,label\n0,1,0\n".write(toFile: others, atomically: true, encoding: .utf8)
        let capture = try DeepProvProcess(["capture", "--model", workspace.model, "--inputs", others, "--label-column", "label",
                                           "--tag", "clean", "--db", database, "--quiet"])
        let (_, stderr, status) = try capture.finish()
        #expect(status == 0)
        #expect(stderr.contains("warning: 1 new traces of tag 'clean' reuse an input index the tag already held for a different input (first: input 0)"), "\(stderr)")
        #expect(try deepProvOutput(["query", "--db", database, "--format", "csv", "from traces where tag = 'clean' | select input | sort input"]) == "input\n0\n0\n1\n")
    }
}

