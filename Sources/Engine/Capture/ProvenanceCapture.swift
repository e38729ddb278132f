import Foundation
import IPG

/// Runs a model and records one trace (node values, metadata, explicit edges) per input.
public final class ProvenanceCapture: @unchecked Sendable {
    public let session: InferenceSession
    /// The layer table every trace is addressed by.
    public let topology: ModelTopology
    let plan: CapturePlan
    /// The graph values a trace is made of (`CapturePlan.valuesRead`).
    let valuesRead: Set<String>

    /// Plans the IPG layers for inputs whose per-sample shape is `sampleShape`.
    public init(session: InferenceSession, sampleShape: [Int], thresholds: ActivationThresholds = ActivationThresholds()) throws {
        self.session = session
        let probe = try session.evaluate(Tensor(shape: [1] + sampleShape))
        var shapes: [String: [Int]] = [:]
        for name in session.valueNames {
            if let tensor = probe[name], tensor.rank >= 1 { shapes[name] = Array(tensor.shape.dropFirst()) }
        }
        let planner = LayerPlanner(graph: session.model.graph, source: session.model.source, sampleShapes: shapes, thresholds: thresholds)
        plan = try planner.plan()
        valuesRead = plan.valuesRead
        topology = ModelTopology(fingerprint: session.model.fingerprint, name: session.model.graph.name, layers: plan.topology)
    }

    /// Runs one batch (`inputs.shape[0] == samples.count`) and returns its traces in order.
    public func capture(_ inputs: Tensor, samples: [SampleDescription]) throws -> [Trace] {
        try captureBatch(inputs, samples: samples).traces
    }

    /// Runs one batch (`inputs.shape[0] == samples.count`) and returns its traces in batch-major
    /// storage: each layer's values are the evaluation's own, not copied trace by trace.
    public func captureBatch(_ inputs: Tensor, samples: [SampleDescription]) throws -> TraceBatch {
        precondition(inputs.shape.first == samples.count, "one description per input")
        let evaluation = try session.evaluate(inputs, keeping: valuesRead)
        let prediction = Prediction(output: evaluation.output, producedBy: session.outputProducer)
        let labels = prediction.labels, confidences = prediction.confidences
        let layerValues = try plan.layers.map { try batchValues(evaluation, $0.valueName, count: samples.count) }
        let perSampleInput = inputs.count / max(samples.count, 1)
        let metadata = samples.indices.map { sample in
            let description = samples[sample]
            let inputValues = inputs.values[(sample * perSampleInput)..<((sample + 1) * perSampleInput)]
            return TraceMetadata(
                inputIndex: description.inputIndex, inputHash: Self.hash(inputValues),
                trueLabel: description.trueLabel, predictedLabel: labels[sample], confidence: confidences[sample],
                tag: description.tag, parent: description.parent, attributes: description.attributes)
        }
        var batch = TraceBatch(metadata: metadata, layerValues: layerValues)
        for sample in samples.indices {
            batch.explicitEdges[sample] = try explicitEdges(evaluation, batch, sample)
        }
        return batch
    }

    /// Trace `sample`'s edges of the `.explicit` layers, keyed by target layer index.
    private func explicitEdges(_ evaluation: Evaluation, _ batch: TraceBatch, _ sample: Int) throws -> [Int: [Edge]] {
        var explicitEdges: [Int: [Edge]] = [:]
        for planned in plan.layers {
            let target = planned.layer
            guard let targetName = planned.explicitTargetName, planned.explicitRules.contains(where: { $0 != nil }) else { continue }
            // The target's part, the same for each of its sources.
            let targetValues = try slice(evaluation, targetName, sample, of: batch.count)
            let targetActive = target.activeNodes(in: batch.values(of: target.index, trace: sample))
            for (position, source) in target.sources.enumerated() {
                guard let rule = planned.explicitRules[position] else { continue }
                let sourceLayer = plan.layers[source.layer].layer
                explicitEdges[target.index, default: []] += EdgeDerivation.edges(
                    rule: rule, source: sourceLayer, target: target,
                    sourceValues: try slice(evaluation, planned.operandNames[position], sample, of: batch.count),
                    targetValues: targetValues, sourceActive: sourceLayer.activeNodes(in: batch.values(of: source.layer, trace: sample)),
                    targetActive: targetActive)
            }
        }
        return explicitEdges
    }

    /// sha256 (hex) of float32 little-endian values: the identity of an input as the model saw it.
    public static func hash(_ values: ArraySlice<Float>) -> String {
        Hex.string(InputDigest.sha256(values))
    }

    /// Trace `sample`'s values of graph value `name`, of `count` traces.
    private func slice(_ evaluation: Evaluation, _ name: String, _ sample: Int, of count: Int) throws -> [Float] {
        let values = try batchValues(evaluation, name, count: count), size = values.count / count
        return Array(values[(sample * size)..<((sample + 1) * size)])
    }

    /// Every trace's values of graph value `name` (`count` traces, batch-major).
    private func batchValues(_ evaluation: Evaluation, _ name: String, count: Int) throws -> [Float] {
        guard let tensor = evaluation[name], tensor.shape.first == count else {
            throw EngineError("\(session.model.source): value '\(name)' is missing from the evaluation")
        }
        return tensor.values
    }
}
