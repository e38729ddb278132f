/// Inference-form BatchNormalization is affine per channel: y = s·x + o with s = γ/√(σ²+ε).
/// dx = s·dy; dγ = Σ dy·(x−μ)/√(σ²+ε); dβ = Σ dy; dμ = −Σ dy·s;
/// dσ² = −½ Σ dy·γ·(x−μ)·(σ²+ε)^(−3/2). (Trainers leave μ and σ² alone; the gradients are
/// still exact.)
extension BatchNormalization: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        let input = try inputs.required(0)
        let channels = input.shape[1]
        let plane = input.shape.dropFirst(2).reduce(1, *)
        let (scale, _) = try affine(inputs, channels: channels)
        let mean = try inputs.required(3).values, variance = try inputs.required(4).values
        let gradient = outputGradients[0]
        var inputGradient = Tensor(shape: input.shape)
        var gammaGradient = Tensor(shape: [channels]), betaGradient = Tensor(shape: [channels])
        var meanGradient = Tensor(shape: [channels]), varianceGradient = Tensor(shape: [channels])
        let gamma = try inputs.required(1).values
        for block in 0..<(input.shape[0] * channels) {
            let channel = block % channels
            let deviation = (variance[channel] + epsilon).squareRoot()
            for index in (block * plane)..<((block + 1) * plane) {
                inputGradient.values[index] = scale[channel] * gradient.values[index]
                gammaGradient.values[channel] += gradient.values[index] * (input.values[index] - mean[channel]) / deviation
                betaGradient.values[channel] += gradient.values[index]
                meanGradient.values[channel] -= gradient.values[index] * scale[channel]
                varianceGradient.values[channel] -= 0.5 * gradient.values[index] * gamma[channel]
                    * (input.values[index] - mean[channel]) / (deviation * deviation * deviation)
            }
        }
        return [inputGradient, gammaGradient.reshaped(try inputs.required(1).shape), betaGradient.reshaped(try inputs.required(2).shape),
                meanGradient.reshaped(try inputs.required(3).shape), varianceGradient.reshaped(try inputs.required(4).shape)]
    }
}
