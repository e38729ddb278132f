import Foundation
import GRDB
import IPG

/// Measures of one trace (or of two), as SQL functions the query language's trace measures and
/// `nearest` stage lower to. Node values are per node (a unit's value, a channel's mean, at
/// full or summary resolution).
///
/// - `ipg_active_count(value_block, value_row, layer, node_size, threshold)`: active nodes;
/// - `ipg_l1(…, layer, node_size)`: Σ |node value|;
/// - `ipg_entropy(…, layer, node_size)`: the Shannon entropy in bits of |value| / Σ|value|
///   (0 for a silent layer);
/// - `ipg_probability(…, layer, node_size, class)`: the softmax of the layer's values at `class`;
/// - `ipg_margin(…, layer, node_size, class)`: the largest value minus `class`'s, or minus the
///   runner-up's when `class` is NULL;
/// - `ipg_distance(block_a, row_a, block_b, row_b, layer, node_size)`: the Euclidean
///   distance of two traces' node values; `ipg_cosine_distance(…)`: 1 − their cosine similarity.
enum TraceMeasureFunctions {
    /// The node values of one layer of the trace in `arguments` (`value_block, value_row,
    /// layer, node_size, …`); nil for a layer or node size the trace cannot have.
    static func layerNodes(_ arguments: [DatabaseValue], first: Int = 0, layerArgument: Int = 2, threshold: Float = .infinity,
                           cache: ValueBlockCache) throws -> (values: [Double], active: [Bool])? {
        guard let layer = Int.fromDatabaseValue(arguments[layerArgument]), let size = Int.fromDatabaseValue(arguments[layerArgument + 1]), size > 0
        else { return nil }
        return try cache.nodes(arguments, first: first, layer: layer, nodeSize: size, threshold: threshold)
    }

    /// The node values alone.
    static func layerNodes(_ arguments: [DatabaseValue], cache: ValueBlockCache) throws -> [Double]? {
        try layerNodes(arguments, first: 0, cache: cache)?.values
    }

    static func register(in db: Database, cache: ValueBlockCache) {
        db.add(function: DatabaseFunction("ipg_active_count", argumentCount: 5, pure: true) { arguments in
            guard let threshold = Double.fromDatabaseValue(arguments[4]),
                  let active = try layerNodes(arguments, first: 0, threshold: Float(threshold), cache: cache)?.active else { return nil }
            return active.filter { $0 }.count
        })
        db.add(function: DatabaseFunction("ipg_l1", argumentCount: 4, pure: true) { arguments in
            try layerNodes(arguments, cache: cache).map(LayerMeasures.l1)
        })
        db.add(function: DatabaseFunction("ipg_entropy", argumentCount: 4, pure: true) { arguments in
            try layerNodes(arguments, cache: cache).map(LayerMeasures.entropy)
        })
        db.add(function: DatabaseFunction("ipg_probability", argumentCount: 5, pure: true) { arguments in
            guard let values = try layerNodes(arguments, cache: cache), let index = Int.fromDatabaseValue(arguments[4]) else { return nil }
            return LayerMeasures.probability(values, of: index)
        })
        db.add(function: DatabaseFunction("ipg_margin", argumentCount: 5, pure: true) { arguments in
            guard let values = try layerNodes(arguments, cache: cache) else { return nil }
            return LayerMeasures.margin(values, versus: Int.fromDatabaseValue(arguments[4]))
        })
        let distances: [(String, @Sendable ([Double], [Double]) -> Double?)] = [
            ("ipg_distance", { LayerMeasures.euclideanDistance($0, $1) }), ("ipg_cosine_distance", LayerMeasures.cosineDistance),
        ]
        for (name, measure) in distances {
            db.add(function: DatabaseFunction(name, argumentCount: 6, pure: true) { arguments in
                guard let a = try layerNodes(arguments, first: 0, layerArgument: 4, cache: cache)?.values,
                      let b = try layerNodes(arguments, first: 2, layerArgument: 4, cache: cache)?.values, a.count == b.count else { return nil }
                return measure(a, b)
            })
        }
    }
}
