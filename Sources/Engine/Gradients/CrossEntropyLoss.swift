import Foundation

/// Mean cross-entropy of a batch against integer labels, with the gradient seed it implies.
/// The model output may be logits, Softmax probabilities or LogSoftmax log-probabilities;
/// after a Softmax the seed goes to the Softmax's input (p − onehot), which is exact and
/// avoids dividing by small probabilities.
public struct CrossEntropyLoss: Sendable {
    public var loss: Float
    /// Probabilities per sample, as used for the loss.
    public var prediction: Prediction
    /// dLoss/dValue seeds for `InferenceSession.gradients`.
    public var seeds: [String: Tensor]

    public init(session: InferenceSession, evaluation: Evaluation, labels: [Int]) throws {
        let output = evaluation.output
        let batch = output.shape[0]
        guard labels.count == batch else { throw EngineError("\(labels.count) labels for a batch of \(batch)") }
        let classes = output.count / max(batch, 1)
        let producer = session.outputProducer
        prediction = Prediction(output: output, producedBy: producer)
        var seed = Tensor(shape: output.shape)
        var total: Float = 0
        for sample in 0..<batch {
            let label = labels[sample]
            guard label >= 0 && label < classes else { throw EngineError("label \(label) is outside the model's \(classes) classes") }
            let probabilities = prediction.probabilities[sample]
            total -= log(max(probabilities[label], 1e-30))
            for column in 0..<classes {
                let index = sample * classes + column
                let target: Float = column == label ? 1 : 0
                seed.values[index] = (producer == "LogSoftmax" ? -target : probabilities[column] - target) / Float(batch)
            }
        }
        loss = total / Float(batch)
        let outputName = session.model.graph.outputs[0].name
        if producer == "Softmax", let softmax = session.model.graph.nodes.last(where: { $0.outputs.contains(outputName) }) {
            seeds = [softmax.inputs[0]: seed]
        } else {
            seeds = [outputName: seed]
        }
    }
}
