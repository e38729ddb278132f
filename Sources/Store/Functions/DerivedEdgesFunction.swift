import Foundation
import GRDB
import IPG

/// `ipg_edges(value_block, value_row, edge_rule, source layer, source node_size, source
/// threshold, target layer, target node_size, target threshold, geometry, weights, merge
/// offset)`: every edge into a conv, channel-scale (batch norm), channel-output (pooling) or
/// reshape layer of one trace, or from one source of a merge layer, derived from the source
/// layer's full map (and, for pooling, the target's) as the engine's `EdgeDerivation` derives
/// them, with the layer's `layer_kernels` row (NULLs when it has none). `merge offset` is NULL
/// for a layer of one source; for a source of a merge layer it is the source's
/// `layer_sources.channel_offset`, and its rule is `concat` (node c → offset + c) or
/// `channel_scale` (an addend: channel c → channel c, scale 1; no kernel). A JSON array of `[source, target, contribution, source active, target active]`,
/// one per pair of nodes the rule connects, active or not (an edge of the IPG has both ends
/// active; a summary's mean counts every trace, as a dense edge's does). A layer kept at summary
/// resolution has no map to derive edges from: `ipg_edges` gives an empty array when either end
/// is summarised (the query language refuses such queries first, E062), the aggregates fail.
///
/// The kernels a rule needs are stored once per model (migration 0007), so the last one used
/// is kept decoded per connection.
///
/// `ipg_edge_stats(…the same arguments…)`: an aggregate over a group's traces giving, per pair
/// of nodes, `[source, target, count, mean, m2, active count, min, max]` of its contribution
/// (the statistics in `NodeStatisticsLayout` order after the two ends; active: both ends).
///
/// `ipg_edge_pair_stats(values_a, encoding_a, values_b, encoding_b, …the layer as above…)`: the
/// same over pairs of traces (a trace and its parent), per pair of nodes its ends, then the
/// statistics of a, of b and of the paired difference a − b (`NodeStatisticsLayout`'s paired
/// order; the difference's active count: pairs in which the edge is in one IPG only), then
/// the mean |a − b|.
enum DerivedEdgesFunction {
    static let name = "ipg_edges"
    static let argumentCount = 12

    static func register(in db: Database, cache: ValueBlockCache) {
        let kernels = DecodedKernelCache()
        db.add(function: DatabaseFunction(name, argumentCount: argumentCount, pure: true) { arguments in
            for end in [3, 6] {
                if let layer = Int.fromDatabaseValue(arguments[end]), try cache.keepsSummary(arguments, first: 0, layer: layer) { return "[]" }
            }
            let derived = try derive(arguments, layerValues: { try cache.values(arguments, first: 0, layer: $0) }, kernels: kernels, function: name)
            var json = "["
            for (position, edge) in derived.edges.enumerated() {
                if position > 0 { json += "," }
                let (from, to) = (edge.source.index, edge.target.index)
                json += "[\(from),\(to),\(Double(edge.weight)),\(derived.sourceActive[from] ? 1 : 0),\(derived.targetActive[to] ? 1 : 0)]"
            }
            return json + "]"
        })
    }

    /// One trace's edges into a layer: every pair of nodes the rule connects, and which nodes
    /// of each end are active.
    struct Derived {
        var edges: [Edge]
        var sourceActive: [Bool]
        var targetActive: [Bool]
    }

    /// The edges `arguments` ask for: the layer's description starts at `arguments[first]`
    /// (after the trace's `value_block, value_row`, whose layers `layerValues` reads).
    static func derive(_ arguments: [DatabaseValue], first: Int = 2, layerValues: (Int) throws -> [Float]?, kernels: DecodedKernelCache, function name: String) throws -> Derived {
        guard let ruleName = String.fromDatabaseValue(arguments[first]) else { throw DatabaseError(message: "\(name): expected the edge rule's name as argument \(first + 1)") }
        let mergeOffset = Int.fromDatabaseValue(arguments[first + 9])
        guard let kind = EdgeRuleKind(rawValue: ruleName), EdgeRuleKind.derivedFromMaps.contains(kind) || (mergeOffset != nil && kind == .concat) else {
            throw DatabaseError(message: "\(name): edges of rule '\(ruleName)' are not derived here (conv, channel_scale, channel_output, reshape and a merge layer's concat are)")
        }
        let source = try NodeValueArguments.layerShape(arguments, first: first + 1, function: name)
        let target = try NodeValueArguments.layerShape(arguments, first: first + 4, function: name)
        let sourceValues = try values(of: source.layer, layerValues, function: name), targetValues = try values(of: target.layer, layerValues, function: name)
        let rule: EdgeRule
        switch kind {
        case .concat:
            rule = .concat(channelOffset: mergeOffset ?? 0)
        case .channelScale where mergeOffset != nil:
            rule = .channelScale(scales: [Float](repeating: 1, count: sourceValues.count / source.nodeSize))
        case .conv, .channelScale:
            guard let blob = Data.fromDatabaseValue(arguments[first + 8]) else {
                throw DatabaseError(message: "\(name): layer \(target.layer) has no kernel (its layer_kernels row is missing)")
            }
            let kernel = try kernels.kernel(geometry: String.fromDatabaseValue(arguments[first + 7]), weights: blob)
            guard let kernelRule = kernel.rule(kind) else { throw DatabaseError(message: "\(name): layer \(target.layer)'s kernel does not fit rule '\(ruleName)'") }
            rule = kernelRule
        case .channelOutput: rule = .channelOutput
        default: rule = .reshape
        }
        let sourceLayer = layer(source.layer, nodeSize: source.nodeSize, threshold: source.threshold, values: sourceValues, rule: .none)
        let targetLayer = layer(target.layer, nodeSize: target.nodeSize, threshold: target.threshold, values: targetValues, rule: rule)
        try check(rule, source: sourceLayer, target: targetLayer, sourceValues: sourceValues, targetValues: targetValues, function: name)
        let sourceActive = Layer.activeNodes(in: sourceValues, nodeSize: source.nodeSize, threshold: source.threshold)
        let targetActive = Layer.activeNodes(in: targetValues, nodeSize: target.nodeSize, threshold: target.threshold)
        let edges = EdgeDerivation.edges(
            rule: rule, source: sourceLayer, target: targetLayer, sourceValues: sourceValues, targetValues: targetValues,
            sourceActive: sourceActive.map { _ in true }, targetActive: targetActive.map { _ in true })
        return Derived(edges: edges, sourceActive: sourceActive, targetActive: targetActive)
    }

    /// One layer's values of the trace (the only place these functions read a layer).
    private static func values(of layer: Int, _ layerValues: (Int) throws -> [Float]?, function name: String) throws -> [Float] {
        guard let values = try layerValues(layer) else { throw DatabaseError(message: "\(name): the trace has no layer \(layer)") }
        return values
    }

    private static func layer(_ index: Int, nodeSize: Int, threshold: Float, values: [Float], rule: EdgeRule) -> Layer {
        Layer(index: index, name: "", kind: .activation, activation: .identity, threshold: threshold,
              nodeCount: values.count / nodeSize, nodeShape: [nodeSize], source: nil, edgeRule: rule)
    }

    /// Sizes that would make the derivation read outside the values: a damaged row, refused.
    private static func check(_ rule: EdgeRule, source: Layer, target: Layer, sourceValues: [Float], targetValues: [Float], function name: String) throws {
        var fits = sourceValues.count == source.valueCount && targetValues.count == target.valueCount
        switch rule {
        case .conv(let geometry, _):
            fits = fits && geometry.inputChannels == source.nodeCount && geometry.inputSpatial.reduce(1, *) == source.nodeSize
                && geometry.outputChannels == target.nodeCount && geometry.outputSpatial.reduce(1, *) == target.nodeSize
        case .channelScale(let scales):
            fits = fits && scales.count == target.nodeCount && source.nodeCount == target.nodeCount
        case .channelOutput:
            fits = fits && source.nodeCount == target.nodeCount
        case .reshape:
            fits = fits && sourceValues.count == targetValues.count
        case .concat(let offset):
            fits = fits && offset >= 0 && offset + source.nodeCount <= target.nodeCount
        case .none, .dense, .explicit:
            break
        }
        guard fits else { throw DatabaseError(message: "\(name): layer \(target.index)'s rule does not fit the sizes of layers \(source.index) and \(target.index)") }
    }
}

/// The last kernel a connection decoded, by its row's text and bytes.
final class DecodedKernelCache: @unchecked Sendable {
    private var geometry: String?
    private var weights = Data()
    private var decoded: LayerKernel?

    func kernel(geometry: String?, weights: Data) throws -> LayerKernel {
        if let decoded, geometry == self.geometry, isCached(weights) { return decoded }
        let kernel = try LayerKernel(geometryJSON: geometry, weightsBlob: weights)
        (self.geometry, self.weights, decoded) = (geometry, weights, kernel)
        return kernel
    }

    /// Whether `data` is the kernel decoded last (memcmp: generic equality is slow on Linux).
    private func isCached(_ data: Data) -> Bool {
        guard data.count == weights.count, !data.isEmpty else { return false }
        return data.withUnsafeBytes { bytes in weights.withUnsafeBytes { memcmp(bytes.baseAddress!, $0.baseAddress!, data.count) == 0 } }
    }
}
