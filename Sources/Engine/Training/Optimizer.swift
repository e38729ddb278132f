/// Updates parameters from their gradients, one step per batch.
public protocol Optimizer {
    /// Applies one step to `parameters` (by name) given the loss gradients.
    mutating func step(_ parameters: inout [String: Tensor], gradients: [String: Tensor])
}

/// The optimizers `deepprov train` offers.
public enum OptimizerKind: String, Sendable, CaseIterable {
    case sgd
    case adam

    /// A fresh optimizer of this kind with `learningRate`.
    public func make(learningRate: Float) -> any Optimizer {
        switch self {
        case .sgd: return MomentumSGD(learningRate: learningRate)
        case .adam: return Adam(learningRate: learningRate)
        }
    }
}
