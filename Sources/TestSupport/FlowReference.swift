import IPG

/// Lineage flows recomputed from the engine's IPG, independently of the SQL walk.
public struct FlowReference {
    private let contribution: [String: Double]
    private let inflows: [String: Double]

    public init(_ graph: InferenceProvenanceGraph) {
        contribution = Dictionary(uniqueKeysWithValues: graph.edges.map { ("\($0.source)->\($0.target)", Double($0.weight)) })
        inflows = graph.edges.reduce(into: [:]) { $0["\($1.target)", default: 0] += Double($1.weight) }
    }

    /// The sum of the active contributions into `node` (`layer:index`).
    public func inflow(_ node: String) -> Double { inflows[node] ?? 0 }

    /// The flow of a path written from its start node (`3:7 <- 2:34 <- 1:200` backward, `0:1 ->
    /// 1:5 -> 2:0` forward): the first edge's contribution, then at each node passed the next
    /// edge's share of that node's inflow.
    public func flow(along path: [String], backward: Bool) -> Double {
        let edge = { (i: Int) in backward ? "\(path[i])->\(path[i - 1])" : "\(path[i - 1])->\(path[i])" }
        var flow = contribution[edge(1)]!
        for i in 2..<path.count { flow *= contribution[edge(i)]! / inflow(path[i - 1]) }
        return flow
    }
}
