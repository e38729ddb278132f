import Foundation
import IPG
import Store
import Testing
import TestSupport

/// Edges into conv, batch-norm, pooling and reshape layers, read from a store by the query
/// language, equal the edges of each trace's Inference Provenance Graph as the engine builds
/// it from the captured values; an edge summary equals the mean recomputed from the traces.
@Suite struct ConvEdgeQueryTests {
    static let fixtures = ["cnn1d", "cnn2d", "cnn2d_dilated"]

    /// The key of an edge in a trace: input index, source and target as `layer:node`.
    struct EdgeKey: Hashable { var input: Int; var source: String; var target: String }

    /// Per clean trace (by input index), the edges of its IPG into `layer`.
    static func graphEdges(_ topology: ModelTopology, _ traces: [Trace], into layer: Int) -> [EdgeKey: Double] {
        var edges: [EdgeKey: Double] = [:]
        for trace in traces where trace.metadata.tag == "clean" {
            for edge in InferenceProvenanceGraph(topology: topology, trace: trace).edges where edge.target.layer == layer {
                edges[EdgeKey(input: trace.metadata.inputIndex, source: "\(edge.source.layer):\(edge.source.index)",
                              target: "\(edge.target.layer):\(edge.target.index)")] = Double(edge.weight)
            }
        }
        return edges
    }

    static func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-5 * max(1, abs(a), abs(b))
    }

    @Test(arguments: fixtures)
    func edgesIntoEveryDerivedLayerAreTheGraphsEdges(fixture: String) throws {
        let directory = try TemporaryDirectory()
        let (path, topology, traces) = try ConvStoreFixtures.store(fixture, count: 8, seed: 31, in: directory)
        let derived = topology.layers.filter { EdgeRuleKind.derivedFromMaps.contains($0.edgeRule.kind) }
        #expect(Set(derived.map(\.edgeRule.kind)).isSuperset(of: fixture == "cnn2d" ? [.conv, .channelScale, .channelOutput, .reshape] : [.conv, .channelOutput, .reshape]),
                "\(fixture) covers the rules: \(derived.map(\.edgeRule.kind))")
        for layer in derived {
            let expected = Self.graphEdges(topology, traces, into: layer.index)
            let rows = try queryCSV(path, "from traces | where tag = 'clean' | edges into layer \(layer.index)")
            #expect(rows.first == ["trace", "tag", "input", "source", "target", "contribution"])
            var found: [EdgeKey: Double] = [:]
            for row in rows.dropFirst() {
                found[EdgeKey(input: Int(row[2])!, source: row[3], target: row[4])] = Double(row[5])!
            }
            #expect(found.count == rows.count - 1, "\(fixture) layer \(layer.index): each edge once")
            #expect(Set(found.keys) == Set(expected.keys), "\(fixture) layer \(layer.index) (\(layer.edgeRule.kind)): \(found.count) edges, the graphs have \(expected.count)")
            #expect(!expected.isEmpty, "\(fixture) layer \(layer.index) has edges")
            for (key, weight) in expected {
                guard let value = found[key] else { continue }
                #expect(Self.close(value, weight), "\(fixture) \(key): \(value) vs the graph's \(weight)")
            }
        }
    }
}
