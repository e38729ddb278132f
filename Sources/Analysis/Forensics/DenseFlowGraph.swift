import IPG

/// A trace's IPG over the dense layers from the output down to the input, for the lineage's
/// flow: an edge source → target carries `weight · a_source`; a node's inflow is the sum of its
/// active incoming contributions; a path walked back from a start node has the flow of its
/// first edge's contribution times, at every node passed, the next edge's share of that node's
/// inflow (Queries/README.md, "Edges and lineage"). Paths pass through active nodes only.
public struct DenseFlowGraph: Sendable {
    public let topology: ModelTopology
    /// Per layer, per node.
    let values: [[Double]]
    /// The layers walked, from the output down to 0; per layer, the dense weights into it.
    private let chain: [Int]
    private let weights: [Int: [Float]]

    /// Fails when some layer between the output and the input is not dense (units only).
    public init(topology: ModelTopology, nodeValues: [[Double]]) throws {
        self.topology = topology
        values = nodeValues
        var chain: [Int] = [], weights: [Int: [Float]] = [:]
        var layer = topology.layers.count - 1
        while layer > 0 {
            let current = topology.layers[layer]
            guard case .dense(let matrix) = current.edgeRule, let source = current.source, current.nodeSize == 1,
                  topology.layers[source].nodeSize == 1
            else { throw ForensicsError.pathsNeedDenseLayers(layer: layer) }
            chain.append(layer)
            weights[layer] = matrix
            layer = source
        }
        chain.append(0)
        self.chain = chain
        self.weights = weights
    }

    public func isActive(_ node: NodeID) -> Bool {
        abs(values[node.layer][node.index]) > Double(topology.layers[node.layer].threshold)
    }

    /// What `source` (of the target's source layer) adds to `target`'s pre-activation.
    public func contribution(from source: Int, into target: NodeID) -> Double {
        let sourceLayer = topology.layers[target.layer].source!
        let count = topology.layers[sourceLayer].nodeCount
        return Double(weights[target.layer]![target.index * count + source]) * values[sourceLayer][source]
    }

    /// The sum of the active incoming contributions of `node`.
    public func inflow(_ node: NodeID) -> Double {
        let sourceLayer = topology.layers[node.layer].source!
        var sum = 0.0
        for source in 0..<topology.layers[sourceLayer].nodeCount where isActive(NodeID(layer: sourceLayer, index: source)) {
            sum += contribution(from: source, into: node)
        }
        return sum
    }

    /// The flow of `path`, written from its start node down; nil when a node after the start
    /// is inactive, an edge does not exist, or a node passed has no inflow.
    public func flow(of path: [NodeID]) -> Double? {
        guard path.count >= 2 else { return nil }
        var flow = 1.0
        for step in 1..<path.count {
            let target = path[step - 1], source = path[step]
            guard topology.layers[target.layer].source == source.layer, weights[target.layer] != nil, isActive(source) else { return nil }
            let divisor = step == 1 ? 1.0 : inflow(target)
            guard divisor != 0 else { return nil }
            flow = flow * contribution(from: source.index, into: target) / divisor
        }
        return flow
    }

    /// The `count` paths of largest flow from `start` (a node of the output layer) down to
    /// layer 0, largest first. Exact: since every factor of a path's flow is fixed by its
    /// edge, the best paths through a node extend either the largest or the smallest partial
    /// flows reaching it, so each node keeps `count` of each.
    public func strongestPaths(from start: NodeID, count: Int) -> [(nodes: [NodeID], flow: Double)] {
        guard count > 0 else { return [] }
        var frontier: [Int: [Candidate]] = [start.index: [Candidate(nodes: [start], flow: 1)]]
        var layer = start.layer, isStart = true
        while layer > 0 {
            let source = topology.layers[layer].source!
            let divisors = frontier.keys.reduce(into: [Int: Double]()) { result, node in
                result[node] = isStart ? 1 : inflow(NodeID(layer: layer, index: node))
            }
            var next: [Int: [Candidate]] = [:]
            let nodes = frontier.keys.sorted().filter { divisors[$0]! != 0 }
            for sourceNode in 0..<topology.layers[source].nodeCount where isActive(NodeID(layer: source, index: sourceNode)) {
                // Flows first, paths only for the few kept.
                var kept = Extremes(count: count)
                for node in nodes {
                    let factor = contribution(from: sourceNode, into: NodeID(layer: layer, index: node)) / divisors[node]!
                    for (position, candidate) in frontier[node]!.enumerated() {
                        kept.offer(flow: candidate.flow * factor, node: node, position: position)
                    }
                }
                let sourceID = NodeID(layer: source, index: sourceNode)
                next[sourceNode] = kept.chosen.map { choice in
                    Candidate(nodes: frontier[choice.node]![choice.position].nodes + [sourceID], flow: choice.flow)
                }
            }
            frontier = next
            layer = source
            isStart = false
        }
        let all = frontier.values.flatMap { $0 }.sorted(by: Candidate.ranks)
        return all.prefix(count).map { ($0.nodes, $0.flow) }
    }

    private struct Candidate {
        var nodes: [NodeID]
        var flow: Double

        /// Larger flow first; equal flows by their nodes, so the order is deterministic.
        static func ranks(_ a: Candidate, _ b: Candidate) -> Bool {
            a.flow != b.flow ? a.flow > b.flow : a.nodes.lexicographicallyPrecedes(b.nodes)
        }
    }

    /// The `count` largest and `count` smallest flows offered, with where they came from.
    private struct Extremes {
        typealias Choice = (flow: Double, node: Int, position: Int)
        let count: Int
        private var largest: [Choice] = [], smallest: [Choice] = []

        init(count: Int) { self.count = count }

        mutating func offer(flow: Double, node: Int, position: Int) {
            let choice = (flow: flow, node: node, position: position)
            Self.insert(choice, into: &largest, count: count) { $0 > $1 }
            Self.insert(choice, into: &smallest, count: count) { $0 < $1 }
        }

        /// Both lists, each choice once.
        var chosen: [Choice] {
            largest + smallest.filter { low in !largest.contains { $0.node == low.node && $0.position == low.position } }
        }

        private static func insert(_ choice: Choice, into list: inout [Choice], count: Int, before: (Double, Double) -> Bool) {
            if list.count == count, let last = list.last, !before(choice.flow, last.flow) { return }
            let place = list.firstIndex { before(choice.flow, $0.flow) } ?? list.count
            list.insert(choice, at: place)
            if list.count > count { list.removeLast() }
        }
    }
}
