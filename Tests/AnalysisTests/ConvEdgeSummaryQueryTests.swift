import Foundation
import IPG
import Testing
import TestSupport

/// Edge summaries over conv, batch-norm, pooling and reshape layers equal the statistics
/// recomputed from each trace's edges: the contribution of every pair of nodes the layer
/// connects (counted in every trace, as a dense edge's is) and, for `freq`, the share of
/// traces whose Inference Provenance Graph has the edge.
@Suite struct ConvEdgeSummaryQueryTests {
    struct Pair: Hashable { var source: String; var target: String }

    /// Per pair of nodes layer `layer` connects, its contribution in each of `traces` (in
    /// order) and whether the trace's IPG has the edge.
    static func contributions(_ topology: ModelTopology, _ traces: [Trace], layer: Int) -> [Pair: [(value: Double, inGraph: Bool)]] {
        let target = topology.layers[layer], source = topology.layers[target.source!]
        var result: [Pair: [(Double, Bool)]] = [:]
        for trace in traces {
            let graph = Set(InferenceProvenanceGraph(topology: topology, trace: trace).edges.filter { $0.target.layer == layer }
                .map { Pair(source: "\($0.source.layer):\($0.source.index)", target: "\($0.target.layer):\($0.target.index)") })
            let every = EdgeDerivation.edges(
                rule: target.edgeRule, source: source, target: target,
                sourceValues: trace.layerValues[source.index], targetValues: trace.layerValues[layer],
                sourceActive: [Bool](repeating: true, count: source.nodeCount), targetActive: [Bool](repeating: true, count: target.nodeCount))
            for edge in every {
                let pair = Pair(source: "\(edge.source.layer):\(edge.source.index)", target: "\(edge.target.layer):\(edge.target.index)")
                result[pair, default: []].append((Double(edge.weight), graph.contains(pair)))
            }
        }
        return result
    }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-5) -> Bool { abs(a - b) <= tolerance * max(1, abs(a), abs(b)) }

    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    /// Rows of a summary by edge keyed by their edge, the named columns as numbers.
    static func rowsByEdge(_ path: String, _ query: String) throws -> [Pair: [String: Double]] {
        let rows = try queryCSV(path, query)
        let header = rows[0]
        var result: [Pair: [String: Double]] = [:]
        for row in rows.dropFirst() {
            let named = Dictionary(uniqueKeysWithValues: zip(header, row))
            result[Pair(source: named["source"]!, target: named["target"]!)] = named.compactMapValues(Double.init)
        }
        return result
    }

    @Test(arguments: ["cnn1d", "cnn2d", "cnn2d_dilated"])
    func summariesByEdgeEqualTheTracesEdges(fixture: String) throws {
        let directory = try TemporaryDirectory()
        let (path, topology, traces) = try ConvStoreFixtures.store(fixture, count: 12, seed: 17, in: directory)
        let clean = traces.filter { $0.metadata.tag == "clean" }, noisy = traces.filter { $0.metadata.tag == "noisy" }
        for layer in topology.layers where EdgeRuleKind.derivedFromMaps.contains(layer.edgeRule.kind) {
            let label = "\(fixture) layer \(layer.index) (\(layer.edgeRule.kind))"
            let expected = Self.contributions(topology, clean, layer: layer.index)
            // One tag: the path dense layers read from the statistics; these layers scan.
            let summary = try Self.rowsByEdge(path, "from traces where tag = 'clean' | edges into layer \(layer.index) | summarize count, mean, stddev, min, max by edge")
            #expect(Set(summary.keys) == Set(expected.keys), "\(label): the pairs the layer connects")
            for (pair, values) in expected {
                guard let row = summary[pair] else { continue }
                let contributions = values.map(\.value), mean = Self.mean(contributions)
                let stddev = (contributions.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(contributions.count)).squareRoot()
                #expect(row["count"] == Double(clean.count), "\(label) \(pair)")
                #expect(Self.close(row["mean"]!, mean) && Self.close(row["min"]!, contributions.min()!) && Self.close(row["max"]!, contributions.max()!),
                        "\(label) \(pair): \(row) vs mean \(mean)")
                #expect(Self.close(row["stddev"]!, stddev, 1e-3), "\(label) \(pair): stddev \(row["stddev"]!) vs \(stddev)")
            }
            // freq: the share of traces whose graph has the edge; versus the noisy traces.
            let noisyExpected = Self.contributions(topology, noisy, layer: layer.index)
            let compared = try Self.rowsByEdge(path, "from traces where tag = 'clean' | edges into layer \(layer.index) | summarize freq, mean by edge | versus traces where tag = 'noisy'")
            #expect(Set(compared.keys) == Set(expected.keys), "\(label): compared pairs")
            for (pair, values) in expected {
                guard let row = compared[pair], let other = noisyExpected[pair] else { continue }
                let freqA = Double(values.filter(\.inGraph).count) / Double(values.count)
                let freqB = Double(other.filter(\.inGraph).count) / Double(other.count)
                #expect(Self.close(row["freq_a"]!, freqA) && Self.close(row["freq_b"]!, freqB), "\(label) \(pair): freq \(row)")
                #expect(Self.close(row["mean_diff"]!, Self.mean(values.map(\.value)) - Self.mean(other.map(\.value)), 1e-4), "\(label) \(pair): mean_diff")
            }
            // Versus parent: each noisy trace minus its clean parent, pair by pair.
            let paired = try Self.rowsByEdge(path, "from traces where tag = 'noisy' | edges into layer \(layer.index) | summarize mean, max_distance by edge | versus parent")
            #expect(Set(paired.keys) == Set(expected.keys), "\(label): paired pairs")
            for (pair, values) in noisyExpected {
                guard let row = paired[pair], let parents = expected[pair] else { continue }
                let differences = zip(values, parents).map { $0.value - $1.value }
                #expect(Self.close(row["mean_a"]!, Self.mean(values.map(\.value))) && Self.close(row["mean_b"]!, Self.mean(parents.map(\.value))), "\(label) \(pair): paired means")
                #expect(Self.close(row["mean_diff"]!, Self.mean(differences), 1e-4), "\(label) \(pair): mean_diff \(row["mean_diff"]!) vs \(Self.mean(differences))")
                #expect(Self.close(row["max_distance"]!, differences.map(abs).max()!), "\(label) \(pair): max_distance")
            }
        }
    }
}
