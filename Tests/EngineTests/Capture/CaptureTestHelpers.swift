import Engine
import IPG

/// Captures one input and builds its IPG.
func provenanceGraph(
    _ model: Model, input: [Float], sampleShape: [Int], thresholds: ActivationThresholds = ActivationThresholds()
) throws -> (topology: ModelTopology, trace: Trace, graph: InferenceProvenanceGraph) {
    let capture = try ProvenanceCapture(session: InferenceSession(model: model), sampleShape: sampleShape, thresholds: thresholds)
    let traces = try capture.capture(
        Tensor(shape: [1] + sampleShape, values: input),
        samples: [SampleDescription(inputIndex: 0, trueLabel: nil, tag: "clean")])
    return (capture.topology, traces[0], InferenceProvenanceGraph(topology: capture.topology, trace: traces[0]))
}

extension InferenceProvenanceGraph {
    /// Edge weights keyed by "source->target", for readable expectations.
    var weights: [String: Float] {
        Dictionary(uniqueKeysWithValues: edges.map { ("\($0.source)->\($0.target)", $0.weight) })
    }

    /// Ids of the active nodes.
    var nodeIDs: [String] { nodes.map(\.id.description) }
}

/// |a − b| ≤ tolerance for every key of both dictionaries.
func approximatelyEqual(_ a: [String: Float], _ b: [String: Float], tolerance: Float = 1e-5) -> Bool {
    Set(a.keys) == Set(b.keys) && a.allSatisfy { key, value in abs(value - b[key]!) <= tolerance }
}
