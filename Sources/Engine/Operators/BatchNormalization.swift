/// ONNX BatchNormalization in inference form: y = scale · (x − mean) / √(var + ε) + bias,
/// per channel (axis 1).
struct BatchNormalization: Operator {
    let epsilon: Float

    init(_ context: OperatorContext) throws {
        epsilon = try context.attributes.float("epsilon", default: 1e-5)
        if try context.attributes.int("training_mode", default: 0) != 0 {
            throw context.attributes.error("training_mode=1 is not supported (inference only)")
        }
        if context.node.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
            throw context.attributes.error("running mean/variance outputs are not supported (inference only)")
        }
    }

    /// Per-channel multiplier γ/√(σ²+ε) and offset β − μ·γ/√(σ²+ε).
    func affine(_ inputs: [Tensor?], channels: Int) throws -> (scale: [Float], offset: [Float]) {
        let parameters = try (1...4).map { try inputs.required($0) }
        guard parameters.allSatisfy({ $0.count == channels }) else {
            throw EngineError("BatchNormalization parameters must each hold \(channels) values, got \(parameters.map(\.shape))")
        }
        let (gamma, beta, mean, variance) = (parameters[0].values, parameters[1].values, parameters[2].values, parameters[3].values)
        var scale = [Float](repeating: 0, count: channels), offset = scale
        for channel in 0..<channels {
            scale[channel] = gamma[channel] / (variance[channel] + epsilon).squareRoot()
            offset[channel] = beta[channel] - mean[channel] * scale[channel]
        }
        return (scale, offset)
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        var inputs = inputs
        return try run(consuming: &inputs)
    }

    func run(consuming inputs: inout [Tensor?]) throws -> [Tensor] {
        var tensor = try inputs.take(0)
        guard tensor.rank >= 2 else {
            throw EngineError("BatchNormalization needs [N, C, …], got \(tensor.shape)")
        }
        let channels = tensor.shape[1]
        let plane = tensor.shape.dropFirst(2).reduce(1, *)
        let (scale, offset) = try affine(inputs, channels: channels)
        tensor.values.withUnsafeMutableBufferPointer { values in
            for block in 0..<(tensor.shape[0] * channels) {
                let channel = block % channels
                for index in (block * plane)..<((block + 1) * plane) {
                    values[index] = values[index] * scale[channel] + offset[channel]
                }
            }
        }
        return [tensor]
    }
}
