import Foundation
import GRDB
import IPG

/// SQL functions registered on every connection, so plain SQL can reach inside a trace's
/// compressed node values: a trace's values are row `traces.value_row` of its block
/// `traces.value_block` in `value_blocks` (one row per block and layer), and every function
/// takes that pair where it names `value_block, value_row`:
///
/// - `ipg_node(value_block, value_row, layer, node_size, node)`: the node's value, the
///   mean of its elements (a unit's value, a channel map's mean) — at summary resolution the
///   stored mean (the float32 nearest the mean, as captured);
/// - `ipg_node_sum(…same…)`: the sum of its elements (what a channel's edges carry); at
///   summary resolution the stored mean times `node_size`;
/// - `ipg_node_max(…same…)`: its largest element; `ipg_node_active_share(…same…, threshold)`:
///   the share of its elements whose |value| exceeds `threshold` (at summary resolution both
///   as stored, the share counted with the layer's threshold when captured);
/// - `ipg_value(value_block, value_row, layer, position)`: one element of a layer (a
///   summarised layer keeps no elements: an error);
/// - `ipg_nodes(value_block, value_row, layer, node_size)`: every node value of a layer as
///   a JSON array (for `json_each`: one call per trace instead of one per node).
/// - `ipg_layer_norm(value_block, value_row, layer, node_size, p)`: the sum of |node value|
///   (p = 1) or of node value² (p = 2) over a layer, what the view `trace_layer_norms` reads
///   (ingest keeps each trace's L2 norm as float32 in `value_block_norms`; `BlockNormFunctions`).
///
/// - `ipg_input_hash(value_block, value_row)`: the sha256 of the trace's input, its layer 0
///   values as float32 little-endian (what a capture hashes), NULL when the block does not keep
///   them exactly (float16, summary resolution): a trace's input hash is
///   `coalesce(explicit_input_hash, ipg_input_hash(value_block, value_row))` (migration 0012).
///
/// - `ipg_node_means(value_block, value_row, layer, node_size)`: aggregate, the layer's
///   per-node means over a group as a JSON array (`NodeMeansAggregate`);
/// - `ipg_node_stats(value_block, value_row, layer, node_size, threshold)`: aggregate,
///   per node [count, mean, m2, active count, min, max] (`NodeStatisticsAggregate`);
/// - `ipg_node_pair_stats(block_a, row_a, block_b, row_b, layer, node_size, threshold)`:
///   aggregate over trace pairs, the same for a, for b and for the paired difference a − b
///   (`NodePairStatisticsAggregate`);
/// - `ipg_node_quantile(value_block, value_row, layer, node_size, q)`: aggregate, per
///   node the q-quantile (`NodeQuantileAggregate`);
/// - `ipg_merge_node_stats(order, statistics)`: aggregate, partial `ipg_node_stats` or
///   `ipg_node_pair_stats` arrays of a group (a split query's ranges) merged in `order`
///   (`NodeStatisticsMergeAggregate`);
/// - `ipg_edge_activity(value_block, value_row, source layer, size, threshold, target
///   layer, size, threshold)`: aggregate, per dense edge the traces in which both ends are
///   active (`EdgeActivityAggregate`);
/// - `ipg_merge_edge_stats(order, statistics)` and `ipg_merge_edge_activity(counts)`:
///   aggregates, partial `ipg_edge_stats`/`ipg_edge_pair_stats` or `ipg_edge_activity`
///   arrays of a group merged (`EdgeMergeAggregates`).
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
/// `layer` and `node_size` come from the `layers` table. Node values and activity read
/// alike at full and summary resolution (`layers.resolution`, migration 0010); the elements of a
/// summarised layer (its map, its edges) are not stored, and functions that need them fail
/// saying so. A derived layer reads its source's values. A dense edge of a trace is then
/// `ipg_float32_at(dense_weight_rows.weights, source) * ipg_node(…source layer and node…)`
/// (`PackedArrayFunctions`). The last few decoded blocks are kept per connection
/// (`ValueBlockCache`), so a scan decodes a block of a layer once for its traces, and only the
/// layers it names.
enum StoreFunctions {
    static func register(in db: Database) {
        let cache = ValueBlockCache(db: db)
        let aggregates: [(String, Int32, () -> any ValueScanAggregate)] = [
            ("ipg_node_means", 4, { NodeMeansAggregate(cache: cache) }),
            ("ipg_node_stats", 5, { NodeStatisticsAggregate(cache: cache) }),
            ("ipg_node_pair_stats", 7, { NodePairStatisticsAggregate(cache: cache) }),
            ("ipg_node_quantile", 5, { NodeQuantileAggregate(cache: cache) }),
            ("ipg_edge_activity", 8, { EdgeActivityAggregate(cache: cache) }),
            (DerivedEdgeStatisticsAggregate.name, Int32(DerivedEdgesFunction.argumentCount), { DerivedEdgeStatisticsAggregate(cache: cache) }),
            (DerivedEdgePairStatisticsAggregate.name, Int32(DerivedEdgesFunction.argumentCount + 2), { DerivedEdgePairStatisticsAggregate(cache: cache) }),
        ]
        for (name, count, make) in aggregates { ConnectionAggregate.register(name, argumentCount: count, in: db, make: make) }
        db.add(function: DatabaseFunction("ipg_merge_node_stats", argumentCount: 2, pure: true, aggregate: NodeStatisticsMergeAggregate.self))
        db.add(function: DatabaseFunction("ipg_merge_edge_stats", argumentCount: 2, pure: true, aggregate: EdgeStatisticsMergeAggregate.self))
        db.add(function: DatabaseFunction("ipg_merge_edge_activity", argumentCount: 1, pure: true, aggregate: EdgeActivityMergeAggregate.self))
        db.add(function: DatabaseFunction("ipg_value", argumentCount: 4, pure: true) { arguments in
            guard let (block, row) = try cache.block(arguments, layerArgument: 2), let position = Int.fromDatabaseValue(arguments[3]),
                  (0..<block.rowLength).contains(position)
            else { return nil }
            return Double(block.value(row: row, position: position))
        })
        db.add(function: DatabaseFunction("ipg_nodes", argumentCount: 4, pure: true) { arguments in
            guard let values = try TraceMeasureFunctions.layerNodes(arguments, cache: cache) else { return nil }
            return "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
        })
        db.add(function: DatabaseFunction("ipg_layer_norm", argumentCount: 5, pure: true) { arguments in
            guard let power = Int.fromDatabaseValue(arguments[4]), power == 1 || power == 2,
                  let values = try TraceMeasureFunctions.layerNodes(arguments, cache: cache)
            else { return nil }
            return values.reduce(0.0) { $0 + (power == 1 ? abs($1) : $1 * $1) }
        })
        db.add(function: DatabaseFunction("ipg_input_hash", argumentCount: 2, pure: true) { arguments in
            guard let (stored, row) = try cache.storedRow(arguments, first: 0, layer: 0),
                  !stored.isSummary, stored.values.encoding == .float32
            else { return nil }
            return Data(InputDigest.sha256(stored.values.row(row)[...]))
        })
        NodeElementFunctions.register(in: db, cache: cache)
        TraceMeasureFunctions.register(in: db, cache: cache)
        CentroidDistanceFunction.register(in: db, cache: cache)
        DerivedEdgesFunction.register(in: db, cache: cache)
        KernelBackfillFunctions.register(in: db)
        ValueBlockRewrite.register(in: db)
        InputHashMigration.register(in: db)
        BlockNormFunctions.register(in: db)
        PackedArrayFunctions.register(in: db)
    }
}
