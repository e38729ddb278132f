/// FGSM, BIM and PGD: steps along the sign of the input gradient of the cross-entropy loss,
/// projected onto the ε-ball around the clean input and the clip range. `afterStep` sees the
/// inputs after each step (the attack's result does not depend on it).
struct GradientSignAttack {
    let model: ModelAccess
    let options: AttackOptions

    func attack(
        _ clean: Tensor, labels: [Int], generator: inout SeededGenerator, afterStep: (Tensor) throws -> Void = { _ in }
    ) throws -> Tensor {
        var current = clean
        if options.kind == .pgd || (options.kind == .bim && options.randomStart) {
            for index in current.values.indices {
                let offset = Float.random(in: -options.epsilon...options.epsilon, using: &generator)
                current.values[index] = options.project(clean.values[index] + offset, around: clean.values[index])
            }
        }
        let steps = options.kind == .fgsm ? 1 : options.iterations
        let size = options.kind == .fgsm ? options.epsilon : options.effectiveStep
        for _ in 0..<steps {
            let gradient = try model.lossGradient(current, labels: labels, backwardPass: options.backwardPass)
            let options = options
            current.values.withUnsafeMutableBufferPointer { values in
                for index in values.indices {
                    let slope = gradient.values[index]
                    let direction: Float = slope > 0 ? 1 : (slope < 0 ? -1 : 0)
                    values[index] = options.project(values[index] + size * direction, around: clean.values[index])
                }
            }
            try afterStep(current)
        }
        return current
    }
}
