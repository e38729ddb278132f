import Foundation
import GRDB
import IPG

/// `ipg_node_means(value_block, value_row, layer, node_size)`: an aggregate giving, for
/// the rows of a group, each node's mean value of one layer as a JSON array (node order) —
/// one decode per trace, for scans that the statistics tables cannot answer (any filter).
struct NodeMeansAggregate: ValueScanAggregate {
    private var sums: [Double] = []
    private var rows = 0
    private let cache: ValueBlockCache

    init(cache: ValueBlockCache) { self.cache = cache }

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        guard let layer = Int.fromDatabaseValue(dbValues[2]), let size = Int.fromDatabaseValue(dbValues[3]), size > 0
        else { throw DatabaseError(message: "ipg_node_means takes (value_block, value_row, layer, node_size)") }
        guard let means = try cache.nodes(dbValues, first: 0, layer: layer, nodeSize: size, threshold: .infinity)?.values else {
            throw DatabaseError(message: "ipg_node_means: no layer \(layer)")
        }
        if sums.isEmpty { sums = [Double](repeating: 0, count: means.count) }
        guard sums.count == means.count else { throw DatabaseError(message: "ipg_node_means: traces of different models in one group") }
        for (node, mean) in means.enumerated() { sums[node] += mean }
        rows += 1
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        guard rows > 0 else { return nil }
        return "[" + sums.map { "\($0 / Double(rows))" }.joined(separator: ",") + "]"
    }
}
