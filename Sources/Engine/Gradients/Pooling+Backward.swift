/// MaxPool routes each output's gradient to the (first) input element that won its window.
extension MaxPool: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        let input = try inputs.required(0)
        let plane = try PoolingLayout.plane(input, window)
        var inputGradient = Tensor(shape: input.shape)
        let gradient = outputGradients[0]
        PoolingLayout.forEachWindow(input, plane) { channelInput, outputIndex, rowOffsets, columns in
            var best = -Float.infinity, winner = -1
            for rowOffset in rowOffsets {
                for x in columns where channelInput[rowOffset + x] > best {
                    best = channelInput[rowOffset + x]
                    winner = rowOffset + x
                }
            }
            guard winner >= 0 else { return }
            let channel = outputIndex / plane.outputPlane
            inputGradient.values[channel * plane.inputPlane + winner] += gradient.values[outputIndex]
        }
        return [inputGradient]
    }
}

/// AveragePool spreads each output's gradient evenly over the elements it averaged.
extension AveragePool: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        let input = try inputs.required(0)
        let plane = try PoolingLayout.plane(input, window)
        var inputGradient = Tensor(shape: input.shape)
        let gradient = outputGradients[0]
        // With an all-ones input each output is (elements in window) / divisor, which gives the
        // divisor the forward pass used (including padding when count_include_pad).
        let reference = try run([Tensor(shape: input.shape, repeating: 1)])[0]
        PoolingLayout.forEachWindow(input, plane) { _, outputIndex, rowOffsets, columns in
            let channel = outputIndex / plane.outputPlane
            let elements = rowOffsets.count * columns.count
            guard elements > 0, reference.values[outputIndex] > 0 else { return }
            let share = gradient.values[outputIndex] * reference.values[outputIndex] / Float(elements)
            for rowOffset in rowOffsets { for x in columns { inputGradient.values[channel * plane.inputPlane + rowOffset + x] += share } }
        }
        return [inputGradient]
    }
}

/// GlobalAveragePool spreads each channel's gradient over its map.
extension GlobalAveragePool: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        let input = try inputs.required(0)
        let plane = input.shape.dropFirst(2).reduce(1, *)
        var inputGradient = Tensor(shape: input.shape)
        for channel in 0..<(input.shape[0] * input.shape[1]) {
            let share = outputGradients[0].values[channel] / Float(plane)
            for index in (channel * plane)..<((channel + 1) * plane) { inputGradient.values[index] = share }
        }
        return [inputGradient]
    }
}
