import Foundation
import GRDB
import IPG

/// One node of one trace, from its elements at full resolution or from its stored summary
/// (`StoreFunctions` lists them):
///
/// - `ipg_node(value_block, value_row, layer, node_size, node)`: the mean element;
/// - `ipg_node_sum(…same…)`: the sum of the elements (summary: the mean times `node_size`);
/// - `ipg_node_max(…same…)`: the largest element;
/// - `ipg_node_active_share(…same…, threshold)`: the share of elements whose |value| exceeds
///   `threshold` (summary: as captured, with the layer's threshold).
///
/// NULL for a node the layer does not have.
enum NodeElementFunctions {
    /// What a function gives of a node.
    private enum Measure {
        case mean, sum, max, activeShare

        /// From the node's elements.
        func of(_ elements: ArraySlice<Float>, threshold: Float) -> Double {
            switch self {
            case .mean, .sum:
                var sum = 0.0
                for value in elements { sum += Double(value) }
                return self == .sum ? sum : sum / Double(elements.count)
            case .max:
                return Double(elements.max() ?? -.infinity)
            case .activeShare:
                return Double(Float(elements.filter { abs($0) > threshold }.count) / Float(elements.count))
            }
        }

        /// From the node's stored summary.
        func of(mean: Float, maximum: Float, activeShare: Float, nodeSize: Int) -> Double {
            switch self {
            case .mean: Double(mean)
            case .sum: Double(mean) * Double(nodeSize)
            case .max: Double(maximum)
            case .activeShare: Double(activeShare)
            }
        }
    }

    static func register(in db: Database, cache: ValueBlockCache) {
        let functions: [(String, Measure)] = [("ipg_node", .mean), ("ipg_node_sum", .sum), ("ipg_node_max", .max), ("ipg_node_active_share", .activeShare)]
        for (name, measure) in functions {
            db.add(function: DatabaseFunction(name, argumentCount: measure == .activeShare ? 6 : 5, pure: true) { arguments in
                guard let layer = Int.fromDatabaseValue(arguments[2]), let size = Int.fromDatabaseValue(arguments[3]),
                      let node = Int.fromDatabaseValue(arguments[4]), size > 0, node >= 0
                else { return nil }
                var threshold: Float = 0
                if measure == .activeShare {
                    guard let given = Double.fromDatabaseValue(arguments[5]) else { return nil }
                    threshold = Float(given)
                }
                guard let (stored, row) = try cache.storedRow(arguments, first: 0, layer: layer) else { return nil }
                if stored.isSummary {
                    let nodeCount = stored.values.rowLength / LayerSummary.valuesPerNode
                    guard node < nodeCount else { return nil }
                    return measure.of(
                        mean: stored.values.value(row: row, position: node),
                        maximum: stored.values.value(row: row, position: nodeCount + node),
                        activeShare: stored.values.value(row: row, position: 2 * nodeCount + node), nodeSize: size)
                }
                let start = node * size
                guard start + size <= stored.values.rowLength else { return nil }
                let elements = (start..<(start + size)).map { stored.values.value(row: row, position: $0) }
                return measure.of(elements[...], threshold: threshold)
            })
        }
    }
}
