/// A compiled ONNX operator: attributes are checked once when the session is built; `run`
/// maps a batch's input tensors (nil for omitted optional inputs and for integer constants,
/// which operators read at build time) to its outputs.
protocol Operator {
    func run(_ inputs: [Tensor?]) throws -> [Tensor]
    /// `run`, free to take its inputs out of `inputs`: an operator that writes its result over
    /// an input's values does so without a copy when nothing else holds them (copy-on-write
    /// copies them otherwise, so the result is the same either way).
    func run(consuming inputs: inout [Tensor?]) throws -> [Tensor]
}

extension Operator {
    func run(consuming inputs: inout [Tensor?]) throws -> [Tensor] {
        try run(inputs)
    }
}

extension Array where Element == Tensor? {
    /// Takes the input at `position` out of the array (so that its values may be uniquely
    /// referenced), failing with a message when it is missing.
    mutating func take(_ position: Int) throws -> Tensor {
        let tensor = try required(position)
        self[position] = nil
        return tensor
    }
}

/// What an operator may consult while it is built.
struct OperatorContext {
    let node: GraphNode
    let opset: Int
    /// Integer constants (shapes), from initializers and Constant nodes.
    let integerConstants: [String: [Int64]]

    var attributes: NodeAttributes { NodeAttributes(node) }

    /// The integer constant feeding input `position`, or an error naming it.
    func integerInput(_ position: Int) throws -> [Int64] {
        guard let name = node.input(position) else {
            throw attributes.error("input \(position) is required")
        }
        guard let values = integerConstants[name] else {
            throw attributes.error("input '\(name)' must be a constant int64 tensor (computed shapes are not supported)")
        }
        return values
    }
}

extension Array where Element == Tensor? {
    /// The input at `position`, failing with a message when it is missing.
    func required(_ position: Int) throws -> Tensor {
        guard position < count, let tensor = self[position] else {
            throw EngineError("input \(position) is required")
        }
        return tensor
    }
}
