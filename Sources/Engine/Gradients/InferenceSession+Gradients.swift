/// Loss gradients with respect to the model input and every float initializer.
public struct Gradients: Sendable {
    public var input: Tensor
    /// By initializer name.
    public var parameters: [String: Tensor]
}

/// How the backward pass treats node actions inserted by repair.
public enum BackwardPass: String, Sendable, CaseIterable {
    /// The model's own derivative: 1 − α inside an action's window, 1 outside.
    case exact
    /// Backward pass differentiable approximation (BPDA): inserted node actions count as
    /// identity, so the gradient is that of the original network at the acted values.
    case bpda
}

extension InferenceSession {
    /// Reverse-mode differentiation of a forward run: `seeds` gives dLoss/dValue for some
    /// values (usually the output); gradients flow back through every step to the input and
    /// the float initializers. With `.bpda`, inserted node actions pass gradients through
    /// unchanged (see `ModelGraph.nodeActionSelections`).
    public func gradients(of evaluation: Evaluation, seeds: [String: Tensor], backwardPass: BackwardPass = .exact) throws -> Gradients {
        let identities = backwardPass == .bpda ? model.graph.nodeActionSelections : []
        var accumulated = [Tensor?](repeating: nil, count: valueNames.count)
        for (name, seed) in seeds {
            guard let slot = slots[name] else { throw EngineError("\(model.source): no value named '\(name)' to seed") }
            accumulated[slot] = seed
        }
        for step in steps.reversed() {
            let outputGradients = step.outputSlots.map { accumulated[$0] }
            guard outputGradients.contains(where: { $0 != nil }) else { continue }
            guard let operation = step.operation as? any DifferentiableOperator else {
                throw EngineError("\(model.source): node '\(step.node.name)' (\(step.node.opType)) has no gradient")
            }
            let inputs = step.inputSlots.map { $0.flatMap { evaluation.values[$0] } }
            let outputs = step.outputSlots.map { evaluation.values[$0]! }
            let filled = zip(outputGradients, outputs).map { gradient, output in gradient ?? Tensor(shape: output.shape) }
            let inputGradients: [Tensor?]
            if identities.contains(step.node.name), let original = inputs[2] {
                inputGradients = [nil, nil, filled[0].reduced(toBroadcastShape: original.shape)]
            } else {
                do {
                    inputGradients = try operation.backward(inputs: inputs, outputs: outputs, outputGradients: filled)
                } catch let error as EngineError {
                    throw EngineError("\(model.source): node '\(step.node.name)' (\(step.node.opType)) backward: \(error.message)")
                }
            }
            for (slot, gradient) in zip(step.inputSlots, inputGradients) {
                guard let slot, let gradient else { continue }
                if var existing = accumulated[slot] {
                    for index in existing.values.indices { existing.values[index] += gradient.values[index] }
                    accumulated[slot] = existing
                } else {
                    accumulated[slot] = gradient
                }
            }
        }
        let input = accumulated[inputSlot] ?? Tensor(shape: evaluation.values[inputSlot]!.shape)
        var parameters: [String: Tensor] = [:]
        for slot in constantValues.keys {
            parameters[valueNames[slot]] = accumulated[slot] ?? Tensor(shape: constantValues[slot]!.shape)
        }
        return Gradients(input: input, parameters: parameters)
    }
}
