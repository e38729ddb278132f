import Foundation
import GRDB
import IPG

/// `ipg_edge_activity(value_block, value_row, source_layer, source_node_size,
/// source_threshold, target_layer, target_node_size, target_threshold)`: an aggregate giving,
/// over the rows of a group, for every (target, source) pair of a dense layer the number of
/// traces in which both nodes are active — in which the IPG has that edge — as one JSON array,
/// target-major (`target × source count + source`). The store's statistics keep no
/// co-activity, so edge frequencies come from this scan.
struct EdgeActivityAggregate: ValueScanAggregate {
    private var counts: [Int32] = []
    private var sourceCount = 0
    private let reader: NodeValueArguments

    init(cache: ValueBlockCache) { reader = NodeValueArguments(cache: cache) }

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        let function = "ipg_edge_activity"
        let source = try NodeValueArguments.layerShape(dbValues, first: 2, function: function)
        let target = try NodeValueArguments.layerShape(dbValues, first: 5, function: function)
        let sources = try reader.nodes(dbValues, first: 0, layer: source.layer, nodeSize: source.nodeSize, threshold: source.threshold, function: function).active
        let targets = try reader.nodes(dbValues, first: 0, layer: target.layer, nodeSize: target.nodeSize, threshold: target.threshold, function: function).active
        if counts.isEmpty {
            sourceCount = sources.count
            counts = [Int32](repeating: 0, count: targets.count * sources.count)
        }
        guard counts.count == targets.count * sources.count else { throw DatabaseError(message: "\(function): traces of different models in one group") }
        let activeSources = sources.indices.filter { sources[$0] }
        counts.withUnsafeMutableBufferPointer { buffer in
            for target in targets.indices where targets[target] {
                let row = target * sourceCount
                for source in activeSources { buffer[row + source] += 1 }
            }
        }
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        counts.isEmpty ? nil : "[" + counts.map(String.init).joined(separator: ",") + "]"
    }
}
