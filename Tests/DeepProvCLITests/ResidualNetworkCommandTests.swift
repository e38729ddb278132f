import Foundation
import IPG
import Testing
import TestSupport

/// A residual network end to end through the executable: `capture` the ResNet-style fixture
/// (1×28×28, BN folded, two residual Adds), `ingest` it, `query` its merge layers' nodes,
/// `export` an IPG with the merge edges; `query` the edges into a merge layer.
@Suite struct ResidualNetworkCommandTests {
    struct Workspace {
        let directory: TemporaryDirectory
        let database: String
        let header: StreamHeader
        let traces: [Trace]

        init() throws {
            directory = try TemporaryDirectory()
            let fixture = FixturePaths.onnxFixture("resnet_mnist")
            let stream = directory.path("residual.ipgz")
            database = directory.path("residual.sqlite")
            _ = try deepProvOutput([
                "capture", "--model", fixture.appendingPathComponent("model.onnx").path,
                "--inputs", fixture.appendingPathComponent("input.npy").path, "--tag", "clean", "--out", stream, "--quiet",
            ])
            _ = try deepProvOutput(["ingest", "--db", database, stream, "--quiet"])
            let reader = try TraceStreamReader(path: stream)
            var traces: [Trace] = []
            while let trace = try reader.next() { traces.append(trace) }
            header = reader.header
            self.traces = traces
        }

        var mergeLayers: [Layer] { header.topology.layers.filter { $0.kind == .add } }
    }

    @Test func nodeValuesOfMergeLayersComeBackFromTheStore() throws {
        let workspace = try Workspace()
        #expect(workspace.mergeLayers.map { $0.sources.count } == [2, 2], "two residual Adds")
        for layer in workspace.mergeLayers {
            let rows = try deepProvCSV(["query", "--db", workspace.database, "--format", "csv", "from traces | nodes of layer \(layer.index)"])
            #expect(rows.first == ["trace", "tag", "input", "layer", "node", "value"])
            #expect(rows.count - 1 == workspace.traces.count * layer.nodeCount)
            for row in rows.dropFirst() {
                let trace = workspace.traces[Int(row[2])!], node = Int(row[4])!
                // a channel node's value in a query is its map's mean
                let map = trace.value(of: NodeID(layer: layer.index, index: node), in: workspace.header.topology).map(Double.init)
                let mean = map.reduce(0, +) / Double(map.count)
                #expect(abs(Double(row[5])! - mean) <= 1e-6 * max(1, abs(mean)), "layer \(layer.index) node \(node) of input \(row[2])")
            }
        }
    }

    @Test func exportedIPGHasTheMergeEdges() throws {
        let workspace = try Workspace()
        let json = try deepProvOutput(["export", "--db", workspace.database, "--tag", "clean", "--input", "1", "--format", "node-link"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let links = try #require(object["links"] as? [[String: Any]])
        let exported = Dictionary(uniqueKeysWithValues: links.map { ("\($0["source"]!)->\($0["target"]!)", ($0["weight"] as! NSNumber).doubleValue) })
        let graph = InferenceProvenanceGraph(topology: workspace.header.topology, trace: workspace.traces[1])
        #expect(Set(exported.keys) == Set(graph.edges.map { "\($0.source)->\($0.target)" }))
        for layer in workspace.mergeLayers {
            // an addend's channel c → channel c of the sum, weighted by the addend's map sum
            for source in layer.sources {
                for channel in 0..<layer.nodeCount {
                    let key = "\(source.layer):\(channel)->\(layer.index):\(channel)"
                    let sourceMap = workspace.traces[1].value(of: NodeID(layer: source.layer, index: channel), in: workspace.header.topology)
                    let active = sourceMap.contains { $0 != 0 } && workspace.traces[1].value(of: NodeID(layer: layer.index, index: channel), in: workspace.header.topology).contains { $0 != 0 }
                    #expect((exported[key] != nil) == active, "\(key)")
                    if let weight = exported[key] {
                        let sum = sourceMap.reduce(0.0) { $0 + Double($1) }
                        #expect(abs(weight - sum) <= 1e-4 * max(1, abs(sum)), "\(key): \(weight) vs \(sum)")
                    }
                }
            }
        }
    }

    @Test func dotExportFromTheStreamDrawsTheMergeEdges() throws {
        let workspace = try Workspace()
        let dot = try deepProvOutput(["export", "--stream", workspace.directory.path("residual.ipgz"), "--input", "0", "--format", "dot"])
        let drawn = Set(dot.split(separator: "\n").compactMap { line -> String? in
            guard line.contains(" -> ") else { return nil }
            return line.split(separator: "\"").enumerated().filter { $0.offset == 1 || $0.offset == 3 }.map(\.element).joined(separator: "->")
        })
        let graph = InferenceProvenanceGraph(topology: workspace.header.topology, trace: workspace.traces[0])
        #expect(drawn == Set(graph.edges.map { "\($0.source)->\($0.target)" }))
        let merges = Set(workspace.mergeLayers.map(\.index))
        let intoMerges = graph.edges.filter { merges.contains($0.target.layer) }
        #expect(Set(intoMerges.map(\.source.layer)).count == 4, "both addends of both residual Adds")
        #expect(dot.contains("label=\"\(workspace.mergeLayers[0].index): add \(workspace.mergeLayers[0].name)\""))
    }

    @Test func edgesIntoAMergeLayerAreTheGraphsEdges() throws {
        let workspace = try Workspace()
        for layer in workspace.mergeLayers {
            // Named directly and through a parameter: exit 0, nothing on stderr, every edge the
            // traces' IPGs have into the layer (from both addends), with its contribution.
            for (arguments, query) in [([String](), "from traces | edges into layer \(layer.index)"), (["--param", "layer=\(layer.index)"], "from traces | edges into layer $layer")] {
                let (stdout, stderr, status) = try DeepProvProcess(["query", "--db", workspace.database, "--format", "csv"] + arguments + [query]).finish()
                #expect(status == 0 && stderr.isEmpty, "\(query): \(status) \(stderr)")
                let rows = stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
                #expect(rows.first == ["trace", "tag", "input", "source", "target", "contribution"])
                var found: [String: Double] = [:]
                for row in rows.dropFirst() { found["\(row[2]) \(row[3])->\(row[4])"] = Double(row[5]) }
                var expected: [String: Double] = [:]
                for trace in workspace.traces {
                    for edge in InferenceProvenanceGraph(topology: workspace.header.topology, trace: trace).edges where edge.target.layer == layer.index {
                        expected["\(trace.metadata.inputIndex) \(edge.source.layer):\(edge.source.index)->\(edge.target.layer):\(edge.target.index)"] = Double(edge.weight)
                    }
                }
                #expect(Set(found.keys) == Set(expected.keys) && !expected.isEmpty, "\(query): \(found.count) edges, the graphs have \(expected.count)")
                for (key, weight) in expected {
                    guard let value = found[key] else { continue }
                    #expect(abs(value - weight) <= 1e-5 * max(1, abs(weight)), "\(key): \(value) vs the graph's \(weight)")
                }
            }
        }
    }
}
