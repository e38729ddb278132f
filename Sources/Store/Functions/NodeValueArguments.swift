import Foundation
import GRDB
import IPG

/// Reads the `(node_values, value_encoding)` argument pair of DeepProv's aggregates: one
/// layer's node values (mean element per node) and which nodes are active.
struct NodeValueArguments {
    private let codec = TraceValueCodec()

    /// Node values of `layer` from the blob at `arguments[first]` (its encoding at `first + 1`),
    /// and which are active (some element's |value| above `threshold`).
    func nodes(_ arguments: [DatabaseValue], first: Int, layer: Int, nodeSize: Int, threshold: Float, function: String) throws -> (values: [Double], active: [Bool]) {
        guard let data = Data.fromDatabaseValue(arguments[first]), let code = Int.fromDatabaseValue(arguments[first + 1]),
              let encoding = ValueEncoding(rawValue: UInt8(clamping: code))
        else { throw DatabaseError(message: "\(function): expected (node_values BLOB, value_encoding INTEGER) as arguments \(first + 1) and \(first + 2)") }
        let layers = try codec.decode([UInt8](data), encoding: encoding, only: layer)
        guard layers.indices.contains(layer) else { throw DatabaseError(message: "\(function): no layer \(layer)") }
        return (NodeValues.means(layers[layer], nodeSize: nodeSize), Layer.activeNodes(in: layers[layer], nodeSize: nodeSize, threshold: threshold))
    }

    /// Every layer's values (elements, not node means) of the blob at `arguments[first]` (its
    /// encoding at `first + 1`): what a layer's edges are derived from.
    func layers(_ arguments: [DatabaseValue], first: Int, function: String) throws -> [[Float]] {
        guard let data = Data.fromDatabaseValue(arguments[first]), let code = Int.fromDatabaseValue(arguments[first + 1]),
              let encoding = ValueEncoding(rawValue: UInt8(clamping: code))
        else { throw DatabaseError(message: "\(function): expected (node_values BLOB, value_encoding INTEGER) as arguments \(first + 1) and \(first + 2)") }
        return try codec.decode([UInt8](data), encoding: encoding)
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
