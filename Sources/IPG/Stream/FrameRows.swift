/// The traces of one traces frame as the frame stores them, gathered from `Trace`s or from a
/// capture's `TraceBatch`es: metadata, then per layer every trace's stored values one after
/// another (full values, a summary's stored values, nothing for a derived layer), then each
/// trace's explicit edges. A batch's layer values are taken as slices of its own storage
/// (copied only where a frame spans two batches). Every trace is checked against the layer
/// table before anything of it is added, so a refused trace leaves the rows as they were.
struct FrameRows: Sendable {
    let topology: ModelTopology
    let resolutions: [LayerResolution]
    private(set) var metadata: [TraceMetadata] = []
    /// Per layer, `count × resolutions[l].storedValueCount(of: layer)` values.
    private(set) var layerValues: [ArraySlice<Float>]
    /// Per trace, its explicit edges in target layer order.
    private(set) var explicitEdges: [[Edge]] = []

    init(topology: ModelTopology, resolutions: [LayerResolution]) {
        self.topology = topology
        self.resolutions = resolutions
        layerValues = Array(repeating: [], count: topology.layers.count)
    }

    /// Rows of `traces`, checked as `append` checks them.
    init(_ traces: [Trace], header: StreamHeader) throws {
        self.init(topology: header.topology, resolutions: header.resolutions)
        for trace in traces { try append(trace) }
    }

    var count: Int { metadata.count }

    /// Adds one trace (its layer count checked by the caller).
    mutating func append(_ trace: Trace) throws {
        var stored: [[Float]] = []
        for layer in topology.layers {
            let resolution = resolutions[layer.index], row = trace.layerValues[layer.index]
            if resolution == .derived {  // a derived layer may hold no values
                if !row.isEmpty {
                    try checkDerivable(layer, row[...], trace.layerValues[layer.source!][...], input: trace.metadata.inputIndex)
                }
                stored.append([])
                continue
            }
            if resolution == .summary, let summary = trace.summaries[layer.index] {
                stored.append(summary.storedValues)
                continue
            }
            guard row.count == layer.valueCount else {
                throw PayloadError("input \(trace.metadata.inputIndex): layer \(layer.index) has \(row.count) values, the layer table says \(layer.valueCount)")
            }
            stored.append(resolution == .summary ? LayerSummary(layer: layer, values: row).storedValues : row)
        }
        for (layer, values) in stored.enumerated() where !values.isEmpty { append(values[...], to: layer) }
        metadata.append(trace.metadata)
        explicitEdges.append(trace.explicitEdges.keys.sorted().flatMap { trace.explicitEdges[$0]! })
    }

    /// Adds the traces `positions` of `batch` (its layer count checked by the caller).
    mutating func append(_ batch: TraceBatch, _ positions: Range<Int>) throws {
        for layer in topology.layers where batch.layerValues[layer.index].count != batch.count * layer.valueCount {
            throw PayloadError("layer \(layer.index) has \(batch.layerValues[layer.index].count) values for \(batch.count) traces, the layer table says \(layer.valueCount) each")
        }
        for layer in topology.layers where resolutions[layer.index] == .derived {
            for position in positions {
                try checkDerivable(
                    layer, batch.values(of: layer.index, trace: position), batch.values(of: layer.source!, trace: position),
                    input: batch.metadata[position].inputIndex)
            }
        }
        for layer in topology.layers {
            let values = batch.layerValues[layer.index]
            switch resolutions[layer.index] {
            case .full:
                append(values[(positions.lowerBound * layer.valueCount)..<(positions.upperBound * layer.valueCount)], to: layer.index)
            case .summary:
                for position in positions {
                    append(LayerSummary(layer: layer, values: Array(batch.values(of: layer.index, trace: position))).storedValues[...], to: layer.index)
                }
            case .derived: break
            }
        }
        metadata += batch.metadata[positions]
        explicitEdges += batch.explicitEdges[positions].map { edges in edges.keys.sorted().flatMap { edges[$0]! } }
    }

    /// Trace-major rows of `layer`: taken as they are into an empty frame, else appended.
    private mutating func append(_ values: ArraySlice<Float>, to layer: Int) {
        if layerValues[layer].isEmpty { layerValues[layer] = values } else { layerValues[layer] += values }
    }

    /// A derived layer is left out only when each trace's values are its source's, bit for bit,
    /// so a reader's copy is what was captured.
    private func checkDerivable(_ layer: Layer, _ values: ArraySlice<Float>, _ source: ArraySlice<Float>, input: Int) throws {
        guard DerivedValueBlock.sameBits(values, source) else {
            throw PayloadError("input \(input): layer \(layer.index) (\(layer.name)) is to be derived from layer \(layer.source!), but its values are not a copy of that layer's")
        }
    }
}
