import Foundation
import IPG
import Testing
import TestSupport

/// A lineage through conv, pooling, batch-norm and reshape layers walks the same paths, with
/// the same contributions and flows, as a walk over each trace's Inference Provenance Graph.
@Suite struct ConvLineageQueryTests {
    /// One walked edge: its step and path (as the query spells it), contribution and flow.
    struct Walked: Hashable { var input: Int; var step: Int; var path: String }

    /// The reference walk over one trace's IPG, back from `start` or forward from it: at each
    /// node reached, its edges (in: active sources; out: into active targets) ranked by
    /// contribution, those with fewer than `top` stronger kept; a path's flow is its first
    /// contribution times, at each node passed, the share of that node's inflow its next edge
    /// carries.
    /// A contrast (`versus`: the true class's node) starts from the edges into `start` minus
    /// those from the same sources into `versus`.
    static func walk(_ graph: InferenceProvenanceGraph, from start: NodeID, forward: Bool, depth: Int, top: Int, versus: NodeID? = nil)
        -> [Walked: (contribution: Double, flow: Double)]
    {
        let incoming = Dictionary(grouping: graph.edges, by: \.target)
        let outgoing = Dictionary(grouping: graph.edges, by: \.source)
        let inflow = { (node: NodeID) in (incoming[node] ?? []).reduce(0.0) { $0 + Double($1.weight) } }
        let name = { (node: NodeID) in "\(node.layer):\(node.index)" }
        var result: [Walked: (Double, Double)] = [:]
        var frontier: [(node: NodeID, path: String?, flow: Double?)] = [(start, versus.map { name(start) + " - " + name($0) }, nil)]
        for step in 1...depth {
            var next: [(NodeID, String?, Double?)] = []
            for (node, path, flow) in frontier {
                var edges = forward ? outgoing[node] ?? [] : incoming[node] ?? []
                if let versus, step == 1 {
                    let into = Dictionary(uniqueKeysWithValues: (incoming[versus] ?? []).map { ($0.source, $0.weight) })
                    edges = edges.compactMap { edge in into[edge.source].map { Edge(source: edge.source, target: edge.target, weight: edge.weight - $0) } }
                }
                for edge in edges where edges.filter({ $0.weight > edge.weight }).count < top {
                    let reached = forward ? edge.target : edge.source
                    let walked = (path ?? name(node)) + (forward ? " -> " : " <- ") + name(reached)
                    let contribution = Double(edge.weight)
                    let share = forward ? contribution / inflow(edge.target) : contribution / inflow(node)  // (not read at step 1)
                    let newFlow = flow.map { $0 * share } ?? contribution
                    result[Walked(input: graph.metadata.inputIndex, step: step, path: walked)] = (contribution, newFlow)
                    next.append((reached, walked, newFlow))
                }
            }
            frontier = next
        }
        return result
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-4 * max(1, abs(a), abs(b)) }

    static func check(_ path: String, _ query: String, expected: [Walked: (contribution: Double, flow: Double)], label: String) throws {
        let rows = try queryCSV(path, query)
        let header = rows[0]
        let (input, step, walked, contribution, flow) = (header.firstIndex(of: "input")!, header.firstIndex(of: "step")!, header.firstIndex(of: "path")!,
                                                        header.firstIndex(of: "contribution")!, header.firstIndex(of: "flow")!)
        var found: [Walked: (Double, Double)] = [:]
        for row in rows.dropFirst() {
            found[Walked(input: Int(row[input])!, step: Int(row[step])!, path: row[walked])] = (Double(row[contribution])!, Double(row[flow])!)
        }
        #expect(Set(found.keys) == Set(expected.keys), "\(label): \(found.count) paths walked, the graphs give \(expected.count)")
        #expect(!expected.isEmpty)
        for (key, value) in expected {
            guard let row = found[key] else { continue }
            #expect(close(row.0, value.contribution) && close(row.1, value.flow), "\(label) \(key.path): \(row) vs the graph's \(value)")
        }
    }

    @Test(arguments: ["cnn1d", "cnn2d", "cnn2d_dilated"])
    func contrastAndVersusParentMatchTheGraphWalks(fixture: String) throws {
        let directory = try TemporaryDirectory()
        let (path, topology, traces) = try ConvStoreFixtures.store(fixture, count: 12, seed: 9, in: directory)
        let output = topology.layers.count - 1
        let graphs = traces.map { InferenceProvenanceGraph(topology: topology, trace: $0) }
        // Contrast: the wrongly classified clean traces, back through the dense output into the flatten and the pooled maps.
        var expected: [Walked: (contribution: Double, flow: Double)] = [:]
        for graph in graphs where graph.metadata.tag == "clean" && graph.metadata.trueLabel != graph.metadata.predictedLabel {
            expected.merge(Self.walk(graph, from: NodeID(layer: output, index: graph.metadata.predictedLabel), forward: false, depth: 3, top: 2,
                                     versus: NodeID(layer: output, index: graph.metadata.trueLabel!))) { a, _ in a }
        }
        try Self.check(path, "from traces where tag = 'clean' | lineage contrast depth 3 top 2", expected: expected, label: "\(fixture) contrast")
        // Versus parent: each noisy trace's walk and its clean parent's, path by path.
        let rows = try queryCSV(path, "from traces where tag = 'noisy' | lineage depth 3 top 2 | versus parent")
        let header = rows[0]
        let column = { (name: String) in header.firstIndex(of: name)! }
        var found: [Walked: (a: Double?, b: Double?)] = [:]
        for row in rows.dropFirst() {
            found[Walked(input: Int(row[column("input")])!, step: Int(row[column("step")])!, path: row[column("path")])] =
                (Double(row[column("contribution_a")]), Double(row[column("contribution_b")]))
        }
        var walked: [Walked: (a: Double?, b: Double?)] = [:]
        for graph in graphs {
            let side = graph.metadata.tag == "noisy"
            for (key, value) in Self.walk(graph, from: NodeID(layer: output, index: graph.metadata.predictedLabel), forward: false, depth: 3, top: 2) {
                let before = walked[key] ?? (nil, nil)
                walked[key] = side ? (value.contribution, before.b) : (before.a, value.contribution)
            }
        }
        #expect(Set(found.keys) == Set(walked.keys), "\(fixture) versus parent: \(found.count) paths, the graphs give \(walked.count)")
        for (key, value) in walked {
            guard let row = found[key] else { continue }
            #expect((row.a == nil) == (value.a == nil) && (row.b == nil) == (value.b == nil), "\(fixture) \(key.path): sides \(row) vs \(value)")
            if let a = row.a, let b = value.a { #expect(Self.close(a, b), "\(fixture) \(key.path): \(a) vs \(b)") }
            if let a = row.b, let b = value.b { #expect(Self.close(a, b), "\(fixture) \(key.path): parent \(a) vs \(b)") }
        }
    }

    @Test(arguments: ["cnn1d", "cnn2d", "cnn2d_dilated"])
    func backwardThroughEveryLayerMatchesTheGraphWalk(fixture: String) throws {
        let directory = try TemporaryDirectory()
        let (path, topology, traces) = try ConvStoreFixtures.store(fixture, count: 4, seed: 5, in: directory)
        let clean = traces.filter { $0.metadata.tag == "clean" }
        // From the last conv layer's channel 1 back to the input: conv, pooling, batch norm.
        let lastConv = topology.layers.last { $0.edgeRule.kind == .conv }!
        let depth = min(3, lastConv.index)
        var expected: [Walked: (contribution: Double, flow: Double)] = [:]
        for trace in clean {
            expected.merge(Self.walk(InferenceProvenanceGraph(topology: topology, trace: trace), from: NodeID(layer: lastConv.index, index: 1),
                                     forward: false, depth: depth, top: 2)) { a, _ in a }
        }
        try Self.check(path, "from traces | where tag = 'clean' | lineage from \(lastConv.index):1 depth \(depth) top 2", expected: expected, label: "\(fixture) back")
        // From the output back through the dense layer and the flatten into the maps.
        let output = topology.layers.count - 1
        expected = [:]
        for trace in clean {
            expected.merge(Self.walk(InferenceProvenanceGraph(topology: topology, trace: trace), from: NodeID(layer: output, index: trace.metadata.predictedLabel),
                                     forward: false, depth: 3, top: 2)) { a, _ in a }
        }
        try Self.check(path, "from traces | where tag = 'clean' | lineage depth 3 top 2", expected: expected, label: "\(fixture) from the output")
        // Forward from input channel 0 through the first layers.
        expected = [:]
        for trace in clean {
            expected.merge(Self.walk(InferenceProvenanceGraph(topology: topology, trace: trace), from: NodeID(layer: 0, index: 0),
                                     forward: true, depth: 3, top: 2)) { a, _ in a }
        }
        try Self.check(path, "from traces | where tag = 'clean' | lineage forward from 0:0 depth 3 top 2", expected: expected, label: "\(fixture) forward")
    }
}
