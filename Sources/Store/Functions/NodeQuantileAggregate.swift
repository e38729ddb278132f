import Foundation
import GRDB
import IPG

/// `ipg_node_quantile(value_block, value_row, layer, node_size, q)`: an aggregate giving,
/// over the rows of a group, the q-quantile (0 ≤ q ≤ 1) of each node's value as a JSON array,
/// interpolating linearly between the two nearest ranks (as numpy's default and DuckDB's
/// `quantile_cont` do). Keeps every value of the group: meant for filtered sets.
struct NodeQuantileAggregate: ValueScanAggregate {
    private var values: [[Double]] = []
    private var quantile = 0.5
    private let reader: NodeValueArguments

    init(cache: ValueBlockCache) { reader = NodeValueArguments(cache: cache) }

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        guard let layer = Int.fromDatabaseValue(dbValues[2]), let size = Int.fromDatabaseValue(dbValues[3]), size > 0,
              let q = Double.fromDatabaseValue(dbValues[4]), (0...1).contains(q)
        else { throw DatabaseError(message: "ipg_node_quantile takes (value_block, value_row, layer, node_size, q in [0, 1])") }
        quantile = q
        let nodes = try reader.nodes(dbValues, first: 0, layer: layer, nodeSize: size, threshold: .infinity, function: "ipg_node_quantile").values
        if values.isEmpty { values = [[Double]](repeating: [], count: nodes.count) }
        guard values.count == nodes.count else { throw DatabaseError(message: "ipg_node_quantile: traces of different models in one group") }
        for node in nodes.indices { values[node].append(nodes[node]) }
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        guard !values.isEmpty, !values[0].isEmpty else { return nil }
        return "[" + values.map { "\(Self.quantile(of: $0.sorted(), quantile))" }.joined(separator: ",") + "]"
    }

    /// The q-quantile of sorted values, linear between closest ranks.
    static func quantile(of sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }
}
