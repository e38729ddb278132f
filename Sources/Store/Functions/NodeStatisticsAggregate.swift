import Foundation
import GRDB
import IPG

/// `ipg_node_stats(node_values, value_encoding, layer, node_size, threshold)`: an aggregate
/// giving, over the rows of a group, per node of one layer `[count, mean, m2, active count,
/// min, max]` as a JSON array — the same quantities the statistics tables keep (node value =
/// mean element; active = some element's |value| above the threshold), computed by scanning,
/// for trace sets the statistics cannot serve.
struct NodeStatisticsAggregate: DatabaseAggregate {
    private var nodes: [RunningNodeStatistics] = []
    private let codec = TraceValueCodec()

    init() {}

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        guard let data = Data.fromDatabaseValue(dbValues[0]), let code = Int.fromDatabaseValue(dbValues[1]),
              let encoding = ValueEncoding(rawValue: UInt8(clamping: code)),
              let layer = Int.fromDatabaseValue(dbValues[2]), let size = Int.fromDatabaseValue(dbValues[3]), size > 0,
              let threshold = Double.fromDatabaseValue(dbValues[4])
        else { throw DatabaseError(message: "ipg_node_stats takes (node_values, value_encoding, layer, node_size, threshold)") }
        let layers = try codec.decode([UInt8](data), encoding: encoding, only: layer)
        guard layers.indices.contains(layer) else { throw DatabaseError(message: "ipg_node_stats: no layer \(layer)") }
        let means = NodeValues.means(layers[layer], nodeSize: size)
        // The threshold is stored from a Float, so converting it back is exact.
        let active = Layer.activeNodes(in: layers[layer], nodeSize: size, threshold: Float(threshold))
        if nodes.isEmpty { nodes = [RunningNodeStatistics](repeating: RunningNodeStatistics(), count: means.count) }
        guard nodes.count == means.count else { throw DatabaseError(message: "ipg_node_stats: traces of different models in one group") }
        for node in nodes.indices { nodes[node].add(means[node], active: active[node]) }
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        guard let count = nodes.first?.count, count > 0 else { return nil }
        return "[" + nodes.map { "[\(count),\($0.mean),\($0.m2),\($0.activeCount),\($0.minimum),\($0.maximum)]" }.joined(separator: ",") + "]"
    }
}
