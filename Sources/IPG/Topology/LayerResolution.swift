/// How a trace stream keeps one layer's node values.
public enum LayerResolution: String, Sendable, CaseIterable, Equatable {
    /// Every element of every node (exact).
    case full
    /// Per node: the mean element, the largest element and the share of elements active
    /// (`LayerSummary`). Node values and activity are exact; a channel's map is not kept, so
    /// edges into and out of the layer cannot be derived.
    case summary
    /// Not stored: rebuilt exactly on reading from its source (a `Flatten`/`Reshape` of a
    /// layer kept at full resolution or itself derived).
    case derived

    /// The code a stream header stores.
    var code: UInt8 {
        switch self {
        case .full: 0
        case .summary: 1
        case .derived: 2
        }
    }

    init?(code: UInt8) {
        guard let resolution = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = resolution
    }

    /// Values stored per trace for `layer` at this resolution.
    public func storedValueCount(of layer: Layer) -> Int {
        switch self {
        case .full: layer.valueCount
        case .summary: LayerSummary.valuesPerNode * layer.nodeCount
        case .derived: 0
        }
    }
}

extension Layer {
    /// Whether the layer's values are a copy of its source's in the same order (a `Flatten` or
    /// `Reshape` with no activation fused in), so a reader can rebuild them exactly.
    public var isCopyOfSource: Bool {
        kind == .reshape && edgeRule == .reshape && activation == .identity && !isMerge && source != nil
    }
}

extension ModelTopology {
    /// Why `resolutions` cannot describe this model's traces, or nil: one per layer, the input
    /// layer full, a derived layer a copy of a source that is full or derived.
    public func resolutionProblem(_ resolutions: [LayerResolution]) -> String? {
        guard resolutions.count == layers.count else {
            return "\(resolutions.count) layer resolutions for \(layers.count) layers"
        }
        for layer in layers {
            switch resolutions[layer.index] {
            case .full:
                continue
            case .summary:
                if layer.index == 0 { return "layer 0 (\(layer.name)): the model input is always kept at full resolution" }
            case .derived:
                guard layer.isCopyOfSource, let source = layer.source else {
                    return "layer \(layer.index) (\(layer.name)): only a Flatten or Reshape without an activation can be derived from its source, this is a \(layer.kind.rawValue) layer"
                }
                guard resolutions[source] != .summary else {
                    return "layer \(layer.index) (\(layer.name)) cannot be derived: its source, layer \(source) (\(layers[source].name)), is kept at summary resolution"
                }
            }
        }
        return nil
    }
}
