import Foundation

/// Class probabilities of a batch, read from the model's first output: taken as they are
/// after a final Softmax, exponentiated after LogSoftmax, otherwise softmax of the logits.
public struct Prediction: Sendable {
    /// [sample][class]
    public var probabilities: [[Float]]

    public init(output: Tensor, producedBy opType: String?) {
        let batch = output.shape.first ?? 1
        let classes = batch > 0 ? output.count / batch : 0
        probabilities = (0..<batch).map { sample in
            let row = Array(output.values[(sample * classes)..<((sample + 1) * classes)])
            switch opType {
            case "Softmax": return row
            case "LogSoftmax": return row.map { exp($0) }
            default:
                let peak = row.max() ?? 0
                let exponentials = row.map { exp($0 - peak) }
                let total = exponentials.reduce(0, +)
                return exponentials.map { $0 / total }
            }
        }
    }

    /// Most probable class per sample.
    public var labels: [Int] {
        probabilities.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
    }

    /// Probability of the most probable class per sample.
    public var confidences: [Float] {
        probabilities.map { $0.max() ?? 0 }
    }
}

extension InferenceSession {
    /// Probabilities and labels for a batch.
    public func predict(_ input: Tensor) throws -> Prediction {
        Prediction(output: try run(input), producedBy: outputProducer)
    }

    /// The operator type producing the first graph output.
    public var outputProducer: String? {
        let name = model.graph.outputs[0].name
        return model.graph.nodes.last { $0.outputs.contains(name) }?.opType
    }
}
