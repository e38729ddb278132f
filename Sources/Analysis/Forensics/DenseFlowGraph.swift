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
        let sourceLayer = topology.layers[node.layer]
        let source = topology.layers[sourceLayer.source!], matrix = weights[node.layer]!, sourceValues = values[source.index]
        let threshold = Double(source.threshold), row = node.index * source.nodeCount
        var sum = 0.0
        for position in 0..<source.nodeCount where abs(sourceValues[position]) > threshold {
            sum += Double(matrix[row + position]) * sourceValues[position]
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
            // Local copies for the inner loop: it runs sources × frontier nodes × candidates.
            let sourceCount = topology.layers[source].nodeCount, matrix = weights[layer]!, sourceValues = values[source]
            let nodes = frontier.keys.sorted()
            let lists = nodes.map { frontier[$0]! }
            let divisors = nodes.map { isStart ? 1 : inflow(NodeID(layer: layer, index: $0)) }
            var next: [Int: [Candidate]] = [:]
            for sourceNode in 0..<sourceCount where isActive(NodeID(layer: source, index: sourceNode)) {
                // Flows first, paths only for the few kept.
                var kept = Extremes(count: count)
                let value = sourceValues[sourceNode]
                for position in nodes.indices where divisors[position] != 0 {
                    let factor = Double(matrix[nodes[position] * sourceCount + sourceNode]) * value / divisors[position]
                    for (rank, candidate) in lists[position].enumerated() {
                        kept.offer(flow: candidate.flow * factor, node: position, position: rank)
                    }
                }
                let sourceID = NodeID(layer: source, index: sourceNode)
                next[sourceNode] = kept.chosen.map { choice in
                    Candidate(nodes: lists[choice.node][choice.position].nodes + [sourceID], flow: choice.flow)
                }
            }
            frontier = next
            layer = source
            isStart = false
        }
        let all = frontier.values.flatMap { $0 }.sorted(by: Candidate.ranks)
        return all.prefix(count).map { ($0.nodes, $0.flow) }
    }

    /// Per node of layer 0, the sum of the flows of every path from `start` down to it (what
    /// that input feature gives `start` along all paths of active nodes); they add up to the
    /// start node's inflow when no node passed lacks inflow.
    public func totalFlows(from start: NodeID) -> [Double] {
        var flows = [Double](repeating: 0, count: topology.layers[start.layer].nodeCount)
        flows[start.index] = 1
        var layer = start.layer, isStart = true
        while layer > 0 {
            let source = topology.layers[layer].source!, sourceCount = topology.layers[source].nodeCount
            let matrix = weights[layer]!, sourceValues = values[source]
            var next = [Double](repeating: 0, count: sourceCount)
            for node in flows.indices where flows[node] != 0 {
                let divisor = isStart ? 1 : inflow(NodeID(layer: layer, index: node))
                guard divisor != 0 else { continue }
                for position in 0..<sourceCount where isActive(NodeID(layer: source, index: position)) {
                    next[position] += flows[node] * Double(matrix[node * sourceCount + position]) * sourceValues[position] / divisor
                }
            }
            flows = next
            layer = source
            isStart = false
        }
        return flows
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
        /// The choices' node is the position in the frontier's sorted nodes, its position the rank in that node's list.

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
