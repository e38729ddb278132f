import Foundation
import GRDB
import IPG

/// SQL functions registered on every connection, so plain SQL can reach inside a trace's
/// compressed node values (`traces.node_values`, `traces.value_encoding`):
///
/// - `ipg_node(node_values, value_encoding, layer, node_size, node)`: the node's value, the
///   mean of its elements (a unit's value, a channel map's mean);
/// - `ipg_node_sum(…same…)`: the sum of its elements (what a channel's edges carry);
/// - `ipg_value(node_values, value_encoding, layer, position)`: one element of a layer;
/// - `ipg_nodes(node_values, value_encoding, layer, node_size)`: every node value of a layer as
///   a JSON array (for `json_each`: one call per trace instead of one per node).
/// - `ipg_layer_norm(node_values, value_encoding, layer, node_size, p)`: the sum of |node value|
///   (p = 1) or of node value² (p = 2) over a layer, as ingest keeps them in `trace_layer_norms`.
///
/// - `ipg_node_means(node_values, value_encoding, layer, node_size)`: aggregate, the layer's
///   per-node means over a group as a JSON array (`NodeMeansAggregate`);
/// - `ipg_node_stats(node_values, value_encoding, layer, node_size, threshold)`: aggregate,
///   per node [count, mean, m2, active count, min, max] (`NodeStatisticsAggregate`);
/// - `ipg_node_pair_stats(values_a, encoding_a, values_b, encoding_b, layer, node_size, threshold)`:
///   aggregate over trace pairs, the same for a, for b and for the paired difference a − b
///   (`NodePairStatisticsAggregate`);
/// - `ipg_node_quantile(node_values, value_encoding, layer, node_size, q)`: aggregate, per
///   node the q-quantile (`NodeQuantileAggregate`);
/// - `ipg_edge_activity(node_values, value_encoding, source layer, size, threshold, target
///   layer, size, threshold)`: aggregate, per dense edge the traces in which both ends are
///   active (`EdgeActivityAggregate`).
///
/// Per trace (`TraceMeasureFunctions`): `ipg_active_count`, `ipg_l1`, `ipg_entropy`,
/// `ipg_probability`, `ipg_margin`, `ipg_distance`, `ipg_cosine_distance`; from a centroid
/// (`CentroidDistanceFunction`): `ipg_centroid_distance`.
///
/// Edges of conv, batch-norm, pooling and reshape layers (`DerivedEdgesFunction`): `ipg_edges`,
/// and over a group the aggregates `ipg_edge_stats` and `ipg_edge_pair_stats`
/// (`DerivedEdgeStatisticsAggregate`);
/// the kernels of models stored before migration 0007 (`KernelBackfillFunctions`):
/// `ipg_kernel_geometry`, `ipg_kernel_weights`.
///
/// `layer` and `node_size` come from the `layers` table. A dense edge of a trace is then
/// `dense_weights.weight * ipg_node(…source layer and node…)`. The most recently decoded blob
/// is cached per connection, so reading many nodes of one trace decodes it once.
enum StoreFunctions {
    static func register(in db: Database) {
        let cache = DecodedValuesCache()
        db.add(function: DatabaseFunction("ipg_node_means", argumentCount: 4, pure: true, aggregate: NodeMeansAggregate.self))
        db.add(function: DatabaseFunction("ipg_node_stats", argumentCount: 5, pure: true, aggregate: NodeStatisticsAggregate.self))
        db.add(function: DatabaseFunction("ipg_node_pair_stats", argumentCount: 7, pure: true, aggregate: NodePairStatisticsAggregate.self))
        db.add(function: DatabaseFunction("ipg_node_quantile", argumentCount: 5, pure: true, aggregate: NodeQuantileAggregate.self))
        db.add(function: DatabaseFunction("ipg_edge_activity", argumentCount: 8, pure: true, aggregate: EdgeActivityAggregate.self))
        db.add(function: DatabaseFunction("ipg_value", argumentCount: 4, pure: true) { arguments in
            let layers = try cache.values(arguments)
            guard let layer = Int.fromDatabaseValue(arguments[2]), let position = Int.fromDatabaseValue(arguments[3]),
                  layers.indices.contains(layer), layers[layer].indices.contains(position)
            else { return nil }
            return Double(layers[layer][position])
        })
        db.add(function: DatabaseFunction("ipg_nodes", argumentCount: 4, pure: true) { arguments in
            let layers = try cache.values(arguments)
            guard let layer = Int.fromDatabaseValue(arguments[2]), let size = Int.fromDatabaseValue(arguments[3]),
                  layers.indices.contains(layer), size > 0
            else { return nil }
            return "[" + NodeValues.means(layers[layer], nodeSize: size).map { "\($0)" }.joined(separator: ",") + "]"
        })
        db.add(function: DatabaseFunction("ipg_layer_norm", argumentCount: 5, pure: true) { arguments in
            let layers = try cache.values(arguments)
            guard let layer = Int.fromDatabaseValue(arguments[2]), let size = Int.fromDatabaseValue(arguments[3]),
                  let power = Int.fromDatabaseValue(arguments[4]), layers.indices.contains(layer), size > 0, power == 1 || power == 2
            else { return nil }
            return NodeValues.means(layers[layer], nodeSize: size).reduce(0.0) { $0 + (power == 1 ? abs($1) : $1 * $1) }
        })
        for (name, averages) in [("ipg_node", true), ("ipg_node_sum", false)] {
            db.add(function: DatabaseFunction(name, argumentCount: 5, pure: true) { arguments in
                let layers = try cache.values(arguments)
                guard let layer = Int.fromDatabaseValue(arguments[2]), let size = Int.fromDatabaseValue(arguments[3]),
                      let node = Int.fromDatabaseValue(arguments[4]), layers.indices.contains(layer), size > 0
                else { return nil }
                let start = node * size
                guard start >= 0, start + size <= layers[layer].count else { return nil }
                let sum = layers[layer][start..<(start + size)].reduce(0.0) { $0 + Double($1) }
                return averages ? sum / Double(size) : sum
            })
        }
        TraceMeasureFunctions.register(in: db, cache: cache, secondCache: DecodedValuesCache())
        CentroidDistanceFunction.register(in: db, cache: cache)
        DerivedEdgesFunction.register(in: db, cache: cache)
        KernelBackfillFunctions.register(in: db)
    }
}

/// The last decoded `node_values` blob of a connection (functions run on one connection at a time).
final class DecodedValuesCache: @unchecked Sendable {
    private var blob: [UInt8] = []
    private var decoded: [[Float]] = []
    private let codec = TraceValueCodec()

    /// The layers of the blob at `arguments[first]`, its encoding at `first + 1`.
    func values(_ arguments: [DatabaseValue], first: Int = 0) throws -> [[Float]] {
        guard let data = Data.fromDatabaseValue(arguments[first]), let code = Int.fromDatabaseValue(arguments[first + 1]),
              let encoding = ValueEncoding(rawValue: UInt8(clamping: code))
        else { throw DatabaseError(message: "ipg functions take (node_values BLOB, value_encoding INTEGER, …)") }
        if !isCached(data) {
            blob = [UInt8](data)
            decoded = try codec.decode(blob, encoding: encoding)
        }
        return decoded
    }

    /// Whether `data` is the blob decoded last (memcmp: generic equality is slow on Linux).
    private func isCached(_ data: Data) -> Bool {
        guard data.count == blob.count, !blob.isEmpty else { return false }
        return data.withUnsafeBytes { bytes in blob.withUnsafeBytes { memcmp(bytes.baseAddress!, $0.baseAddress!, blob.count) == 0 } }
    }
}
