/// ONNX GlobalAveragePool: the mean of each channel's map, keeping singleton spatial axes.
struct GlobalAveragePool: Operator {
    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        let input = try inputs.required(0)
        guard input.rank >= 3 else {
            throw EngineError("GlobalAveragePool needs [N, C, spatial…], got \(input.shape)")
        }
        let channels = input.shape[0] * input.shape[1]
        let plane = input.shape.dropFirst(2).reduce(1, *)
        var output = [Float](repeating: 0, count: channels)
        input.values.withUnsafeBufferPointer { values in
            for channel in 0..<channels {
                var sum: Float = 0
                for index in (channel * plane)..<((channel + 1) * plane) { sum += values[index] }
                output[channel] = sum / Float(plane)
            }
        }
        return [Tensor(shape: Array(input.shape.prefix(2)) + [Int](repeating: 1, count: input.rank - 2), values: output)]
    }
}
