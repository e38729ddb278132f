import Foundation
import IPG
import Testing
import TestSupport

/// Edges into merge layers (residual Add/Sum, Concat), read from a store by the query language
/// (every source from `layer_sources`), equal the edges of each trace's Inference Provenance
/// Graph; their summaries equal the statistics recomputed from each source's edges; a lineage
/// through a residual block walks the paths a walk over the graphs walks.
@Suite struct MergeEdgeQueryTests {
    static let fixtures = ["resnet_cifar", "resnet_mnist", "concat_net"]
    typealias Pair = ConvEdgeSummaryQueryTests.Pair

    /// Per pair of nodes merge layer `layer` connects (from every source), its contribution in
    /// each of `traces`, every node taken as active (as a summary counts it).
    static func contributions(_ topology: ModelTopology, _ traces: [Trace], layer: Int) -> [Pair: [Double]] {
        let target = topology.layers[layer]
        var result: [Pair: [Double]] = [:]
        for trace in traces {
            for source in target.sources {
                let from = topology.layers[source.layer]
                for edge in EdgeDerivation.edges(
                    rule: source.edgeRule, source: from, target: target,
                    sourceValues: trace.layerValues[from.index], targetValues: trace.layerValues[layer],
                    sourceActive: [Bool](repeating: true, count: from.nodeCount), targetActive: [Bool](repeating: true, count: target.nodeCount))
                {
                    result[Pair(source: "\(edge.source.layer):\(edge.source.index)", target: "\(edge.target.layer):\(edge.target.index)"), default: []].append(Double(edge.weight))
                }
            }
        }
        return result
    }

    @Test(arguments: fixtures)
    func edgesIntoEveryMergeLayerAreTheGraphsEdges(fixture: String) throws {
        let directory = try TemporaryDirectory()
        let (path, topology, traces) = try ConvStoreFixtures.store(fixture, count: 4, seed: 23, in: directory)
        let merges = topology.layers.filter(\.isMerge)
        #expect(merges.count >= 2, "\(fixture) has merge layers")
        for layer in merges {
            let expected = ConvEdgeQueryTests.graphEdges(topology, traces, into: layer.index)
            let rows = try queryCSV(path, "from traces | where tag = 'clean' | edges into layer \(layer.index)")
            #expect(rows.first == ["trace", "tag", "input", "source", "target", "contribution"])
            var found: [ConvEdgeQueryTests.EdgeKey: Double] = [:]
            for row in rows.dropFirst() {
                found[ConvEdgeQueryTests.EdgeKey(input: Int(row[2])!, source: row[3], target: row[4])] = Double(row[5])!
            }
            let label = "\(fixture) layer \(layer.index) (\(layer.kind))"
            #expect(found.count == rows.count - 1, "\(label): each edge once")
            #expect(Set(found.keys) == Set(expected.keys), "\(label): \(found.count) edges, the graphs have \(expected.count)")
            #expect(Set(expected.keys.map { $0.source.split(separator: ":")[0] }).count == layer.sources.count, "\(label): edges from every source")
            for (key, weight) in expected {
                guard let value = found[key] else { continue }
                #expect(ConvEdgeQueryTests.close(value, weight), "\(label) \(key): \(value) vs the graph's \(weight)")
            }
        }
    }

    @Test(arguments: fixtures)
    func summariesByEdgeEqualTheRecomputedMeans(fixture: String) throws {
        let directory = try TemporaryDirectory()
        let (path, topology, traces) = try ConvStoreFixtures.store(fixture, count: 5, seed: 29, in: directory)
        let clean = traces.filter { $0.metadata.tag == "clean" }, noisy = traces.filter { $0.metadata.tag == "noisy" }
        for layer in topology.layers where layer.isMerge {
            let label = "\(fixture) layer \(layer.index) (\(layer.kind))"
            let expected = Self.contributions(topology, clean, layer: layer.index)
            let summary = try ConvEdgeSummaryQueryTests.rowsByEdge(path, "from traces where tag = 'clean' | edges into layer \(layer.index) | summarize count, mean, max by edge")
            #expect(Set(summary.keys) == Set(expected.keys), "\(label): the pairs the layer connects")
            for (pair, values) in expected {
                guard let row = summary[pair] else { continue }
                #expect(row["count"] == Double(clean.count), "\(label) \(pair)")
                #expect(ConvEdgeSummaryQueryTests.close(row["mean"]!, ConvEdgeSummaryQueryTests.mean(values)) && ConvEdgeSummaryQueryTests.close(row["max"]!, values.max()!),
                        "\(label) \(pair): \(row) vs mean \(ConvEdgeSummaryQueryTests.mean(values))")
            }
            // Versus parent: each noisy trace minus its clean parent.
            let noisyExpected = Self.contributions(topology, noisy, layer: layer.index)
            let paired = try ConvEdgeSummaryQueryTests.rowsByEdge(path, "from traces where tag = 'noisy' | edges into layer \(layer.index) | summarize mean by edge | versus parent")
            #expect(Set(paired.keys) == Set(expected.keys), "\(label): paired pairs")
            for (pair, values) in noisyExpected {
                guard let row = paired[pair], let parents = expected[pair] else { continue }
                let differences = zip(values, parents).map { $0 - $1 }
                #expect(ConvEdgeSummaryQueryTests.close(row["mean_diff"]!, ConvEdgeSummaryQueryTests.mean(differences), 1e-4), "\(label) \(pair): mean_diff")
            }
        }
    }

    @Test(arguments: fixtures)
    func lineagesThroughMergeLayersMatchTheGraphWalks(fixture: String) throws {
        let directory = try TemporaryDirectory()
        let (path, topology, traces) = try ConvStoreFixtures.store(fixture, count: 3, seed: 37, in: directory)
        let clean = traces.filter { $0.metadata.tag == "clean" }
        let graphs = clean.map { InferenceProvenanceGraph(topology: topology, trace: $0) }
        let merges = topology.layers.filter(\.isMerge)
        let merge = try #require(merges.first)
        // Back from the first merge layer's channel 1 into every source and on.
        var expected: [ConvLineageQueryTests.Walked: (contribution: Double, flow: Double)] = [:]
        for graph in graphs {
            expected.merge(ConvLineageQueryTests.walk(graph, from: NodeID(layer: merge.index, index: 1), forward: false, depth: 2, top: 2)) { a, _ in a }
        }
        try ConvLineageQueryTests.check(path, "from traces | where tag = 'clean' | lineage from \(merge.index):1 depth 2 top 2", expected: expected, label: "\(fixture) back from \(merge.index)")
        // Forward from a source of it that is not its first (the residual's skip) into the merge.
        let sources = merge.sources.map(\.layer)
        let skip = try #require(sources.last)
        expected = [:]
        for graph in graphs {
            expected.merge(ConvLineageQueryTests.walk(graph, from: NodeID(layer: skip, index: 0), forward: true, depth: 2, top: 2)) { a, _ in a }
        }
        try ConvLineageQueryTests.check(path, "from traces | where tag = 'clean' | lineage forward from \(skip):0 depth 2 top 2", expected: expected, label: "\(fixture) forward from \(skip)")
    }

    /// From the output, 4 steps back (into the last merge layer and through it in the ResNets):
    /// the contrast of the wrongly classified traces, and each noisy trace beside its parent.
    @Test(arguments: fixtures)
    func contrastAndVersusParentThroughMergeLayersMatchTheGraphWalks(fixture: String) throws {
        let directory = try TemporaryDirectory()
        let (path, topology, traces) = try ConvStoreFixtures.store(fixture, count: 6, seed: 41, in: directory)
        let output = topology.layers.count - 1
        let graphs = traces.map { InferenceProvenanceGraph(topology: topology, trace: $0) }
        let mergeIndices = topology.layers.filter(\.isMerge).map(\.index)
        let lastMerge = try #require(mergeIndices.last)
        #expect(output - lastMerge < 4, "\(fixture): the walks reach the merge layer \(lastMerge)")
        var expected: [ConvLineageQueryTests.Walked: (contribution: Double, flow: Double)] = [:]
        for graph in graphs where graph.metadata.tag == "clean" && graph.metadata.trueLabel != graph.metadata.predictedLabel {
            expected.merge(ConvLineageQueryTests.walk(graph, from: NodeID(layer: output, index: graph.metadata.predictedLabel), forward: false, depth: 4, top: 1,
                                                      versus: NodeID(layer: output, index: graph.metadata.trueLabel!))) { a, _ in a }
        }
        let contrast = "from traces where tag = 'clean' | lineage contrast depth 4 top 1"
        if topology.layers[output].isMerge {
            // concat_net's output is a Sum: channel c's edges come from the addends' channel c
            // only, so no source feeds both classes and neither the graphs nor the query contrast.
            let rows = try queryCSV(path, contrast)
            #expect(expected.isEmpty && rows.count == 1, "\(fixture): no contrast through a channel-wise output")
        } else {
            try ConvLineageQueryTests.check(path, contrast, expected: expected, label: "\(fixture) contrast")
        }
        let rows = try queryCSV(path, "from traces where tag = 'noisy' | lineage depth 4 top 1 | versus parent")
        let column = { (name: String) in rows[0].firstIndex(of: name)! }
        var found: [ConvLineageQueryTests.Walked: (a: Double?, b: Double?)] = [:]
        for row in rows.dropFirst() {
            found[ConvLineageQueryTests.Walked(input: Int(row[column("input")])!, step: Int(row[column("step")])!, path: row[column("path")])] =
                (Double(row[column("contribution_a")]), Double(row[column("contribution_b")]))
        }
        var walked: [ConvLineageQueryTests.Walked: (a: Double?, b: Double?)] = [:]
        for graph in graphs {
            let noisy = graph.metadata.tag == "noisy"
            for (key, value) in ConvLineageQueryTests.walk(graph, from: NodeID(layer: output, index: graph.metadata.predictedLabel), forward: false, depth: 4, top: 1) {
                let before = walked[key] ?? (nil, nil)
                walked[key] = noisy ? (value.contribution, before.b) : (before.a, value.contribution)
            }
        }
        #expect(Set(found.keys) == Set(walked.keys), "\(fixture) versus parent: \(found.count) paths, the graphs give \(walked.count)")
        #expect(walked.keys.contains { $0.path.contains("\(lastMerge):") }, "\(fixture): the walks cross layer \(lastMerge)")
        for (key, value) in walked {
            guard let row = found[key] else { continue }
            #expect((row.a == nil) == (value.a == nil) && (row.b == nil) == (value.b == nil), "\(fixture) \(key.path): sides \(row) vs \(value)")
            if let a = row.a, let b = value.a { #expect(ConvLineageQueryTests.close(a, b), "\(fixture) \(key.path): \(a) vs \(b)") }
            if let a = row.b, let b = value.b { #expect(ConvLineageQueryTests.close(a, b), "\(fixture) \(key.path): parent \(a) vs \(b)") }
        }
    }
}
