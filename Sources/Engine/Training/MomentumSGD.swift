/// Stochastic gradient descent with (heavy-ball) momentum: v ← μ·v + g; p ← p − η·v.
public struct MomentumSGD: Optimizer {
    public var learningRate: Float
    public var momentum: Float
    private var velocities: [String: [Float]] = [:]

    public init(learningRate: Float, momentum: Float = 0.9) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    public mutating func step(_ parameters: inout [String: Tensor], gradients: [String: Tensor]) {
        for (name, gradient) in gradients {
            guard var parameter = parameters[name] else { continue }
            var velocity = velocities[name] ?? [Float](repeating: 0, count: gradient.count)
            for index in velocity.indices {
                velocity[index] = momentum * velocity[index] + gradient.values[index]
                parameter.values[index] -= learningRate * velocity[index]
            }
            velocities[name] = velocity
            parameters[name] = parameter
        }
    }
}
