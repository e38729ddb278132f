/// Whether a layer table read from untrusted bytes can describe traces: every size computed
/// without overflow and within bounds, and every edge rule sized for the layers it connects, as
/// `Layer.activeNodes(in:)` and `EdgeDerivation` index by these sizes.
extension ModelTopology {
    /// The first reason the table cannot be used, or nil: a layer fed by a later layer, a node shape with a zero dimension, more than `maximumValueCount` values per
    /// trace, an edge rule whose weights or geometry do not fit its source and target layers, or
    /// a merge layer whose sources' rules cannot be combined.
    func firstInconsistency(maximumValueCount: Int) -> String? {
        var valueCount = 0
        for (position, layer) in layers.enumerated() {
            guard layer.nodeShape.allSatisfy({ $0 >= 1 }) else {
                return "layer \(position): node shape \(layer.nodeShape) has an empty dimension"
            }
            guard let layerValueCount = Self.product([layer.nodeCount] + layer.nodeShape, atMost: maximumValueCount - valueCount) else {
                return "layer \(position): \(layer.nodeCount) nodes of shape \(layer.nodeShape) bring a trace to more than \(maximumValueCount) values"
            }
            valueCount += layerValueCount
            guard layer.source != nil || layer.mergedSources.isEmpty else {
                return "layer \(position): \(layer.mergedSources.count) merged sources but no first source"
            }
            for source in layer.sources {
                guard (0..<position).contains(source.layer) else {
                    return "layer \(position): source layer \(source.layer) is not an earlier layer"
                }
                if let problem = Self.edgeRuleProblem(source.edgeRule, source: layers[source.layer], target: layer) {
                    return "layer \(position): \(problem)"
                }
            }
            if let problem = Self.mergeProblem(layer) { return "layer \(position): \(problem)" }
        }
        return nil
    }

    /// A merge layer's sources are all addends (`channelScale`) or all concatenated (`concat`),
    /// any of them possibly `explicit`; no other rule can be one of several sources.
    private static func mergeProblem(_ layer: Layer) -> String? {
        guard layer.isMerge else { return nil }
        var added = 0, concatenated = 0
        for source in layer.sources {
            switch source.edgeRule {
            case .channelScale: added += 1
            case .concat: concatenated += 1
            case .explicit: continue
            case .none, .dense, .conv, .reshape, .channelOutput:
                return "a merge of \(layer.sources.count) sources cannot use a \(source.edgeRule.kind.rawValue) rule for source layer \(source.layer)"
            }
        }
        guard added == 0 || concatenated == 0 else { return "a merge mixes added and concatenated sources" }
        return nil
    }

    private static func edgeRuleProblem(_ rule: EdgeRule, source: Layer, target: Layer) -> String? {
        switch rule {
        case .none, .explicit:
            return nil
        case .dense(let weights):
            guard source.nodeSize == 1 else { return "dense edges need unit source nodes; layer \(source.index)'s have shape \(source.nodeShape)" }
            guard weights.count == target.nodeCount * source.nodeCount else {
                return "\(weights.count) dense weights for \(source.nodeCount) source and \(target.nodeCount) target nodes"
            }
            return nil
        case .conv(let geometry, let weights):
            return convolutionProblem(geometry, weightCount: weights.count, source: source, target: target)
        case .channelScale(let scales):
            guard source.nodeCount == target.nodeCount, scales.count == target.nodeCount else {
                return "\(scales.count) channel scales from \(source.nodeCount) to \(target.nodeCount) channels"
            }
            return nil
        case .channelOutput:
            guard source.nodeCount == target.nodeCount else { return "channel edges from \(source.nodeCount) to \(target.nodeCount) channels" }
            return nil
        case .concat(let offset):
            guard source.nodeSize == target.nodeSize, offset >= 0, offset <= target.nodeCount, source.nodeCount <= target.nodeCount - offset else {
                return "a concatenation of \(source.nodeCount) nodes of shape \(source.nodeShape) at offset \(offset) into \(target.nodeCount) nodes of shape \(target.nodeShape)"
            }
            return nil
        case .reshape:
            guard source.valueCount == target.valueCount else {
                return "a reshape of \(source.valueCount) values into \(target.valueCount)"
            }
            return nil
        }
    }

    private static func convolutionProblem(_ geometry: ConvolutionGeometry, weightCount: Int, source: Layer, target: Layer) -> String? {
        let axes = geometry.kernelShape.count
        guard axes == 1 || axes == 2 else { return "a \(axes)-D convolution (1-D and 2-D are supported)" }
        let lists = [geometry.strides, geometry.dilations, geometry.padsBegin, geometry.padsEnd, geometry.inputSpatial, geometry.outputSpatial]
        guard lists.allSatisfy({ $0.count == axes }) else { return "convolution geometry lists of other lengths than its \(axes)-D kernel" }
        let groups = geometry.groups
        guard groups >= 1, geometry.inputChannels % groups == 0, geometry.outputChannels % groups == 0 else {
            return "\(geometry.inputChannels) input and \(geometry.outputChannels) output channels in \(groups) groups"
        }
        guard geometry.inputChannels == source.nodeCount, product(geometry.inputSpatial, atMost: .max) == source.nodeSize else {
            return "a convolution of \(geometry.inputChannels) channels of \(geometry.inputSpatial) from layer \(source.index)'s \(source.nodeCount) nodes of shape \(source.nodeShape)"
        }
        guard geometry.outputChannels == target.nodeCount, product(geometry.outputSpatial, atMost: .max) == target.nodeSize else {
            return "a convolution into \(geometry.outputChannels) channels of \(geometry.outputSpatial), the layer has \(target.nodeCount) nodes of shape \(target.nodeShape)"
        }
        let perOutputChannel = [geometry.outputChannels, geometry.inputChannels / groups] + geometry.kernelShape
        guard product(perOutputChannel, atMost: .max) == weightCount else {
            return "\(weightCount) convolution weights for shape \(perOutputChannel)"
        }
        return nil
    }

    /// The product of `factors` when it is at most `limit` (nil on overflow too).
    private static func product(_ factors: [Int], atMost limit: Int) -> Int? {
        var result = 1
        for factor in factors {
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow, next <= limit else { return nil }
            result = next
        }
        return result
    }
}
