/// Computes the edges into a layer from node values, following the layer's `EdgeRule`.
///
/// The same arithmetic serves two callers: readers deriving edges from stored node values,
/// and the capture, which for `.explicit` layers passes the operand the layer really
/// consumed in place of the source layer's values.
public enum EdgeDerivation {
    /// Edges between active source nodes and active target nodes.
    /// - Parameters:
    ///   - rule: how the layer combines this source (never `.explicit` or `.none` here); a merge
    ///     layer is called once per source.
    ///   - source: the source layer's node layout; `sourceValues` holds one trace's values in it.
    ///   - target: the layer receiving the edges; `targetValues` holds its values (only
    ///     `.channelOutput` reads them).
    public static func edges(
        rule: EdgeRule, source: Layer, target: Layer,
        sourceValues: [Float], targetValues: [Float],
        sourceActive: [Bool], targetActive: [Bool]
    ) -> [Edge] {
        let activeSources = sourceActive.indices.filter { sourceActive[$0] }
        let activeTargets = targetActive.indices.filter { targetActive[$0] }
        func edge(_ from: Int, _ to: Int, _ weight: Float) -> Edge {
            Edge(source: NodeID(layer: source.index, index: from), target: NodeID(layer: target.index, index: to), weight: weight)
        }
        switch rule {
        case .none, .explicit:
            return []
        case .dense(let weights):
            let inputs = source.nodeCount
            var edges: [Edge] = []
            edges.reserveCapacity(activeSources.count * activeTargets.count)
            for to in activeTargets {
                for from in activeSources {
                    edges.append(edge(from, to, weights[to * inputs + from] * sourceValues[from]))
                }
            }
            return edges
        case .conv(let geometry, let weights):
            let windowSums = ConvolutionWindowSums(geometry: geometry, input: sourceValues, channels: activeSources)
            let inputsPerGroup = geometry.inputChannels / geometry.groups
            let outputsPerGroup = geometry.outputChannels / geometry.groups
            let kernelSize = geometry.kernelShape.reduce(1, *)
            var edges: [Edge] = []
            for to in activeTargets {
                let group = to / outputsPerGroup
                for from in activeSources where from / inputsPerGroup == group {
                    let weightStart = (to * inputsPerGroup + from - group * inputsPerGroup) * kernelSize
                    var weight: Float = 0
                    for offset in 0..<kernelSize {
                        weight += weights[weightStart + offset] * windowSums.sum(channel: from, offset: offset)
                    }
                    edges.append(edge(from, to, weight))
                }
            }
            return edges
        case .channelScale(let scales):
            let size = source.nodeSize
            return activeTargets.filter { sourceActive[$0] }.map { channel in
                let total = sourceValues[(channel * size)..<((channel + 1) * size)].reduce(0, +)
                return edge(channel, channel, scales[channel] * total)
            }
        case .channelOutput:
            let size = target.nodeSize
            return activeTargets.filter { sourceActive[$0] }.map { channel in
                edge(channel, channel, targetValues[(channel * size)..<((channel + 1) * size)].reduce(0, +))
            }
        case .concat(let offset):
            let size = source.nodeSize
            return activeSources.filter { targetActive[offset + $0] }.map { channel in
                edge(channel, offset + channel, sourceValues[(channel * size)..<((channel + 1) * size)].reduce(0, +))
            }
        case .reshape:
            return reshapeEdges(source: source, target: target, sourceValues: sourceValues, sourceActive: sourceActive, targetActive: targetActive)
        }
    }

    /// Element order is kept: walk the elements once, accumulating per (source, target) pair.
    private static func reshapeEdges(
        source: Layer, target: Layer, sourceValues: [Float], sourceActive: [Bool], targetActive: [Bool]
    ) -> [Edge] {
        let sourceSize = source.nodeSize, targetSize = target.nodeSize
        var edges: [Edge] = []
        var element = 0
        while element < sourceValues.count {
            let from = element / sourceSize, to = element / targetSize
            let end = min((from + 1) * sourceSize, (to + 1) * targetSize)
            if sourceActive[from] && targetActive[to] {
                let weight = sourceValues[element..<end].reduce(0, +)
                edges.append(Edge(source: NodeID(layer: source.index, index: from), target: NodeID(layer: target.index, index: to), weight: weight))
            }
            element = end
        }
        return edges
    }
}
