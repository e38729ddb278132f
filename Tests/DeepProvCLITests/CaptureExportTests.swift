import Foundation
import IPG
import Testing
import TestSupport

/// `deepprov capture` then `deepprov export`, checked against IPGs computed by hand and read
/// back by networkx.
@Suite struct CaptureExportTests {
    // Input 0, x = [1, 2]: fc1 = relu([5, −5, 3]) = [5, 0, 3]; fc2 = 2·[5, −3] + 0.5 = [10.5, −5.5].
    static let input0Nodes: [String: [Float]] = ["0:0": [1], "0:1": [2], "1:0": [5], "1:2": [3], "2:0": [10.5], "2:1": [-5.5]]
    static let input0Edges: [String: Float] = [
        "0:0->1:0": 1, "0:1->1:0": 4, "0:0->1:2": 0, "0:1->1:2": 2,
        "1:0->2:0": 10, "1:2->2:0": 0, "1:0->2:1": 0, "1:2->2:1": -6,
    ]

    @Test func captureWritesOneTracePerInputWithMetadata() throws {
        let workspace = try TinyWorkspace()
        let stream = try workspace.capture(extra: ["--attribute", "run=nightly"])
        let reader = try TraceStreamReader(path: stream)
        var traces: [Trace] = []
        while let trace = try reader.next() { traces.append(trace) }
        #expect(traces.map(\.metadata.inputIndex) == [0, 1])
        #expect(traces.map(\.metadata.trueLabel) == [0, 1])
        // Input 1, x = [3, −1]: fc1 = relu([1, 13, 0]); fc2 = 2·[66, 65] + 0.5 = [132.5, 130.5] → predicts 0.
        #expect(traces.map(\.metadata.predictedLabel) == [0, 0])
        #expect(traces[1].layerValues == [[3, -1], [1, 13, 0], [132.5, 130.5]])
        #expect(traces.allSatisfy { $0.metadata.tag == "clean" && $0.metadata.attributes == [KeyValue("run", "nightly")] })
        #expect(reader.header.topology.layers.map(\.name) == ["x", "fc1", "fc2"])
        #expect(reader.header.attribute("model") == workspace.model)
    }

    @Test func nodeLinkExportIsTheHandComputedGraph() throws {
        let workspace = try TinyWorkspace()
        let stream = try workspace.capture()
        let json = workspace.directory.path("ipg.json")
        try runDeepProv(["export", "--stream", stream, "--input", "0", "--format", "node-link", "--out", json])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        var values: [String: [Float]] = [:]
        for node in nodes {
            let id = try #require(node["id"] as? String)
            #expect(id == "\(node["layer"]!):\(node["index"]!)")
            values[id] = [Float((node["value"] as! NSNumber).doubleValue)]
        }
        #expect(values == Self.input0Nodes)
        let links = try #require(object["links"] as? [[String: Any]])
        let weights = Dictionary(uniqueKeysWithValues: links.map { link in
            ("\(link["source"]!)->\(link["target"]!)", Float((link["weight"] as! NSNumber).doubleValue))
        })
        #expect(weights == Self.input0Edges)
        let graph = try #require(object["graph"] as? [String: Any])
        #expect(graph["true_label"] as? Int == 0)
        #expect(graph["predicted_label"] as? Int == 0)

        let check = try PythonScript.run("fixtures/summarize_graph.py", arguments: ["node-link", json])
        #expect(check.status == 0, "\(check.errorOutput)")
        #expect(check.output == "nodes 6 edges 8 weight_sum 11\n")
    }

    @Test func graphMLExportReadsBackInNetworkx() throws {
        let workspace = try TinyWorkspace()
        let stream = try workspace.capture()
        let path = workspace.directory.path("ipg.graphml")
        try runDeepProv(["export", "--stream", stream, "--input", "0", "--format", "graphml", "--out", path])
        let check = try PythonScript.run("fixtures/summarize_graph.py", arguments: ["graphml", path])
        #expect(check.status == 0, "\(check.errorOutput)")
        #expect(check.output == "nodes 6 edges 8 weight_sum 11\n")
    }

    @Test func dotExportRendersWithGraphviz() throws {
        let workspace = try TinyWorkspace()
        let stream = try workspace.capture()
        let path = workspace.directory.path("ipg.dot")
        try runDeepProv(["export", "--stream", stream, "--input", "1", "--format", "dot", "--top-edges", "1", "--out", path])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // Input 1 with one strongest in-edge per node: 0:0→1:0 (3), 0:0→1:1 (9 vs 4), 1:1→2:0 (130), 1:1→2:1 (130).
        let edges = text.split(separator: "\n").filter { $0.contains("->") }.map { $0.split(separator: " ")[0...2].joined(separator: " ") }
        #expect(Set(edges) == ["\"0:0\" -> \"1:0\"", "\"0:0\" -> \"1:1\"", "\"1:1\" -> \"2:0\"", "\"1:1\" -> \"2:1\""])
        let svg = workspace.directory.path("ipg.svg")
        let dot = Process()
        dot.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        dot.arguments = ["dot", "-Tsvg", path, "-o", svg]
        try dot.run()
        dot.waitUntilExit()
        #expect(dot.terminationStatus == 0)
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("<svg"))
    }

    @Test func tagFilterAndMissingInputsAreReported() throws {
        let workspace = try TinyWorkspace()
        let stream = try workspace.capture()
        let message = deepProvFailure(["export", "--stream", stream, "--input", "0", "--tag", "fgsm", "--format", "dot"])
        #expect(message == "\(stream): no trace for input 0 with tag 'fgsm'")
        #expect(deepProvFailure(["export", "--stream", stream, "--input", "9", "--format", "dot"]) == "\(stream): no trace for input 9")
    }
}
