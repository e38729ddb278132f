import IPG

extension Binder {
    /// `lineage [forward | contrast] [from <node>] depth D top K`, right after the trace
    /// selection: the start node one of the models has, and depth and top within
    /// `ValueRequirement`'s bounds. A contrast starts at the predicted output, always.
    mutating func lineage(from start: (layer: ParsedExpression, node: ParsedExpression)?, kind: ParsedLineageKind,
                          depth: ParsedExpression, top: ParsedExpression, span: Span) throws(Diagnostic) {
        let forward = kind == .forward
        guard nodesLayer == nil, case .traces = shape else {
            throw Diagnostic(code: .lineageOutOfPlace, message: "'lineage' follows a trace's edges; use it right after the trace selection", span: span)
        }
        if forward && start == nil {
            throw Diagnostic(code: .forwardLineageWithoutStart, message: "'lineage forward' needs a node to start from", span: span,
                             notes: ["write: lineage forward from 0:350 depth 2 top 3 (layer 0 is the input)"])
        }
        if kind == .contrast && start != nil {
            throw Diagnostic(code: .contrastWithStart, message: "'lineage contrast' walks back from the predicted output minus the true class's; it takes no start node", span: span,
                             notes: ["write: lineage contrast depth 2 top 2"])
        }
        let address = try start.map { start throws(Diagnostic) in
            let values = try required([start.layer, start.node], .node(nodeCounts: nodeCounts))
            return NodeAddress(layer: values[0], node: values[1])
        }
        let (steps, from) = lineageSteps(from: address?.layer, forward: forward)
        let bounds = try required([depth, top], .lineage(steps: steps, start: from))
        let maxSteps: Int
        if case .integer(let depth) = bounds[0] { maxSteps = depth } else { maxSteps = steps }
        try requireFullResolutionOfWalk(from: address?.layer, forward: forward, depth: bounds[0], span: span)
        shape = .lineage(LineageWalk(start: address, direction: forward ? .forward : .backward, contrast: kind == .contrast,
                                     depth: bounds[0], top: bounds[1], maxSteps: maxSteps))
    }

    /// A lineage follows the edges into the layers it crosses: back from its start (each
    /// model's output by default), the layers at or below it; forward, those above it; one per
    /// step, up to `depth` steps (every one when the depth or the start is a parameter) and the
    /// first whose edges are not derived. Each such layer, and its sources, must be at full
    /// resolution in every model (a merge layer's summarised source too).
    private func requireFullResolutionOfWalk(from start: BoundValue?, forward: Bool, depth: BoundValue, span: Span) throws(Diagnostic) {
        let from: Int?
        switch start {
        case .integer(let index)?: from = index
        case nil where !forward: from = nil
        default: from = forward ? 0 : nil
        }
        var steps = Int.max
        if case .integer(let depth) = depth { steps = depth }
        for model in catalog.models {
            let walked = Self.layersCrossed(in: model, from: from, forward: forward).prefix { $0.hasQueryableEdges }.prefix(steps).map(\.index)
            guard let layer = model.summarisedLayer(among: walked) else { continue }
            throw resolutionDiagnostic("'lineage'", model: model, layer: layer, span: span)
        }
    }

    /// How many steps a lineage can take, and from where, for messages. Each step crosses a
    /// layer whose edges queries derive (dense, conv, pooling, batch norm, reshape, merge): back from
    /// the start layer (each model's output by default), those at or below it; forward, those
    /// above it. From a `$parameter` layer: any.
    private func lineageSteps(from start: BoundValue?, forward: Bool) -> (steps: Int, from: String) {
        let layer: Int?
        switch start {
        case .integer(let index)?: layer = index
        case nil where !forward: layer = nil
        default: return (catalog.models.map { $0.layers.filter { $0.hasQueryableEdges }.count }.max() ?? 0, "from any layer")
        }
        // Per model, the layers crossed in order until one whose edges are not derived.
        var blocked: Catalog.Layer?
        let steps = catalog.models.map { model in
            let ordered = Self.layersCrossed(in: model, from: layer, forward: forward)
            let stop = ordered.firstIndex { !$0.hasQueryableEdges }
            if let stop { blocked = blocked ?? ordered[stop] }
            return stop ?? ordered.count
        }.max() ?? 0
        let place = layer.map { "layer \($0)" } ?? "the output"
        let until = blocked.map { "; " + Self.whyNoEdges($0) } ?? ""
        return (steps, (forward ? "forward from \(place)" : "back from \(place)") + until)
    }

    /// The layers of `model` a lineage crosses, in walking order: back from layer `from` (the
    /// output when nil), those at or below it down to layer 1; forward, those above it.
    private static func layersCrossed(in model: Catalog.Model, from: Int?, forward: Bool) -> [Catalog.Layer] {
        let first = from ?? model.layers.count - 1
        let crossed = model.layers.filter { forward ? $0.index > first : ($0.index <= first && $0.index > 0) }
        return forward ? crossed : crossed.reversed()
    }
}
