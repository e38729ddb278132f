import Engine
import Foundation
import Testing
import TestSupport

/// MaxPool's 2×2 stride-2 pass (and the general pass it sits beside) against the definition:
/// each output is the largest input in its window; odd sizes drop the last row and column.
@Suite struct MaxPoolKernelTests {
    @Test(arguments: [[2, 2, 2, 2], [3, 3, 2, 2], [2, 3, 1, 2], [1, 2, 1, 2]])
    func maxPoolMatchesTheDefinition(window: [Int]) throws {
        let (kernelHeight, kernelWidth, strideHeight, strideWidth) = (window[0], window[1], window[2], window[3])
        let (batch, channels, height, width) = (2, 3, 7, 9)
        let input = Tensor(shape: [batch, channels, height, width],
                           values: (0..<(batch * channels * height * width)).map { Float(sin(Double($0) * 12.9898) * 10) })
        var builder = GraphBuilder(inputShape: [nil, channels, height, width])
        let output = builder.node("MaxPool", ["x"], attributes: [
            "kernel_shape": .ints([kernelHeight, kernelWidth]), "strides": .ints([strideHeight, strideWidth]),
        ])
        let pooled = try InferenceSession(model: builder.model(output: output)).run(input)

        let outputHeight = (height - kernelHeight) / strideHeight + 1, outputWidth = (width - kernelWidth) / strideWidth + 1
        var expected: [Float] = []
        for plane in 0..<(batch * channels) {
            for y in 0..<outputHeight {
                for x in 0..<outputWidth {
                    var best = -Float.infinity
                    for ky in 0..<kernelHeight {
                        for kx in 0..<kernelWidth {
                            best = max(best, input.values[(plane * height + y * strideHeight + ky) * width + x * strideWidth + kx])
                        }
                    }
                    expected.append(best)
                }
            }
        }
        #expect(pooled.shape == [batch, channels, outputHeight, outputWidth])
        #expect(pooled.values == expected)
    }
}
