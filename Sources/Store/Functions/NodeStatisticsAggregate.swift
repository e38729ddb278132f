import Foundation
import GRDB
import IPG

/// `ipg_node_stats(value_block, value_row, layer, node_size, threshold)`: an aggregate
/// giving, over the rows of a group, per node of one layer `[count, mean, m2, active count,
/// min, max]` as a JSON array — the same quantities the statistics tables keep (node value =
/// mean element; active = some element's |value| above the threshold), computed by scanning,
/// for trace sets the statistics cannot serve.
struct NodeStatisticsAggregate: ValueScanAggregate {
    private var nodes: [RunningNodeStatistics] = []
    private let reader: NodeValueArguments

    init(cache: ValueBlockCache) { reader = NodeValueArguments(cache: cache) }

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        let shape = try NodeValueArguments.layerShape(dbValues, first: 2, function: "ipg_node_stats")
        let (values, active) = try reader.nodes(dbValues, first: 0, layer: shape.layer, nodeSize: shape.nodeSize, threshold: shape.threshold, function: "ipg_node_stats")
        try add(values, active: active, into: &nodes, function: "ipg_node_stats")
    }

    func finalize() throws -> (any DatabaseValueConvertible)? { RunningNodeStatistics.json(nodes) }
}

/// `ipg_node_pair_stats(block_a, row_a, block_b, row_b, layer, node_size, threshold)`:
/// an aggregate over pairs of traces (an adversarial trace and its clean parent, say), giving
/// per node of one layer 19 numbers: the statistics of a, of b and of the paired difference
/// a − b, each `[count, mean, m2, active count, min, max]` (for the difference, the active
/// count counts pairs in which the node is active in one trace and not the other), then the
/// mean |a − b|.
struct NodePairStatisticsAggregate: ValueScanAggregate {
    private var nodes: [PairedRunningStatistics] = []
    private let reader: NodeValueArguments

    init(cache: ValueBlockCache) { reader = NodeValueArguments(cache: cache) }

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        let function = "ipg_node_pair_stats"
        let shape = try NodeValueArguments.layerShape(dbValues, first: 4, function: function)
        let first = try reader.nodes(dbValues, first: 0, layer: shape.layer, nodeSize: shape.nodeSize, threshold: shape.threshold, function: function)
        let second = try reader.nodes(dbValues, first: 2, layer: shape.layer, nodeSize: shape.nodeSize, threshold: shape.threshold, function: function)
        guard first.values.count == second.values.count else { throw DatabaseError(message: "\(function): the traces of a pair have different layers") }
        if nodes.isEmpty { nodes = [PairedRunningStatistics](repeating: PairedRunningStatistics(), count: first.values.count) }
        guard nodes.count == first.values.count else { throw DatabaseError(message: "\(function): traces of different models in one group") }
        for node in nodes.indices {
            nodes[node].add(first.values[node], second.values[node], activeA: first.active[node], activeB: second.active[node])
        }
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        guard let count = nodes.first?.a.count, count > 0 else { return nil }
        return "[" + nodes.map { "[" + $0.fields(count: count) + "]" }.joined(separator: ",") + "]"
    }
}

/// Adds one trace's node values to per-node running statistics.
private func add(_ values: [Double], active: [Bool], into nodes: inout [RunningNodeStatistics], function: String) throws {
    if nodes.isEmpty { nodes = [RunningNodeStatistics](repeating: RunningNodeStatistics(), count: values.count) }
    guard nodes.count == values.count else { throw DatabaseError(message: "\(function): traces of different models in one group") }
    for node in nodes.indices { nodes[node].add(values[node], active: active[node]) }
}

extension RunningNodeStatistics {
    /// `[[count, mean, m2, active count, min, max], …]`, or nil for no rows.
    static func json(_ nodes: [RunningNodeStatistics]) -> String? {
        guard let count = nodes.first?.count, count > 0 else { return nil }
        return "[" + nodes.map { "[" + $0.fields(count: count) + "]" }.joined(separator: ",") + "]"
    }

    /// The node's numbers in `NodeStatisticsLayout` order, comma-separated (the count as a
    /// whole number).
    func fields(count: Int) -> String {
        NodeStatisticsLayout.Field.allCases.map { field -> String in
            switch field {
            case .count: return "\(count)"
            case .mean: return "\(mean)"
            case .m2: return "\(m2)"
            case .activeCount: return "\(activeCount)"
            case .minimum: return "\(minimum)"
            case .maximum: return "\(maximum)"
            }
        }.joined(separator: ",")
    }
}
