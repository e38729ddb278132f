import Foundation

/// Adam (Kingma & Ba, 2015) with bias correction.
public struct Adam: Optimizer {
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    private var firstMoments: [String: [Float]] = [:]
    private var secondMoments: [String: [Float]] = [:]
    private var steps = 0

    public init(learningRate: Float) {
        self.learningRate = learningRate
    }

    public mutating func step(_ parameters: inout [String: Tensor], gradients: [String: Tensor]) {
        steps += 1
        let correction1 = 1 - pow(beta1, Float(steps)), correction2 = 1 - pow(beta2, Float(steps))
        for (name, gradient) in gradients {
            guard var parameter = parameters[name] else { continue }
            var first = firstMoments[name] ?? [Float](repeating: 0, count: gradient.count)
            var second = secondMoments[name] ?? [Float](repeating: 0, count: gradient.count)
            for index in first.indices {
                let g = gradient.values[index]
                first[index] = beta1 * first[index] + (1 - beta1) * g
                second[index] = beta2 * second[index] + (1 - beta2) * g * g
                let update = (first[index] / correction1) / ((second[index] / correction2).squareRoot() + epsilon)
                parameter.values[index] -= learningRate * update
            }
            firstMoments[name] = first
            secondMoments[name] = second
            parameters[name] = parameter
        }
    }
}
