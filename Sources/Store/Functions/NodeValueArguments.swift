import Foundation
import GRDB
import IPG

/// Reads the `(value_block, value_row)` argument pair of DeepProv's aggregates: one layer's
/// node values (mean element per node) and which nodes are active.
struct NodeValueArguments {
    let cache: ValueBlockCache

    /// Node values of `layer` of the trace whose `(value_block, value_row)` are at
    /// `arguments[first]` and `first + 1`, and which are active (some element's |value| above
    /// `threshold`; at summary resolution, share active above 0).
    func nodes(_ arguments: [DatabaseValue], first: Int, layer: Int, nodeSize: Int, threshold: Float, function: String) throws -> (values: [Double], active: [Bool]) {
        guard let nodes = try cache.nodes(arguments, first: first, layer: layer, nodeSize: nodeSize, threshold: threshold) else {
            throw DatabaseError(message: "\(function): no layer \(layer)")
        }
        return nodes
    }

    /// `layer`, `node_size` and `threshold` from three consecutive arguments starting at `first`.
    static func layerShape(_ arguments: [DatabaseValue], first: Int, function: String) throws -> (layer: Int, nodeSize: Int, threshold: Float) {
        guard let layer = Int.fromDatabaseValue(arguments[first]), let size = Int.fromDatabaseValue(arguments[first + 1]), size > 0,
              let threshold = Double.fromDatabaseValue(arguments[first + 2])
        else { throw DatabaseError(message: "\(function): expected layer, node_size and threshold as arguments \(first + 1)–\(first + 3)") }
        // The threshold is stored from a Float, so converting it back is exact.
        return (layer, size, Float(threshold))
    }
}
