@testable import Engine
import Foundation
import Testing
import TestSupport

/// Conv's matrix-product paths — one sample per product (large output planes, a 1×1 stride-1
/// kernel read straight from the input), and the columns of several samples gathered side by
/// side (small planes, including a last group with fewer samples), and Winograd's F(2×2, 3×3)
/// for 3×3 stride-1 kernels with ≥ 32 channels — against the ONNX definition computed
/// directly in Double, alone and fused with a following Relu.
@Suite struct ConvolutionKernelTests {
    struct Case: CustomStringConvertible, Sendable {
        var description: String
        var batch: Int, channels: Int, outputs: Int, size: Int
        var kernel: Int, stride: Int = 1, pad: Int = 0, dilation: Int = 1, group: Int = 1, bias = true
    }

    static let cases = [
        // 8×8 output: 4 samples per product, so a batch of 7 ends with a group of 3.
        Case(description: "3×3 pad 1, gathered, last group partial", batch: 7, channels: 2, outputs: 3, size: 8, kernel: 3, pad: 1),
        Case(description: "1×1 stride 2 (a ResNet shortcut), gathered", batch: 5, channels: 4, outputs: 6, size: 9, kernel: 1, stride: 2, bias: false),
        // Large output planes: one sample per product (a 1×1 stride-1 kernel reads the input as is).
        Case(description: "1×1 stride 1 on a large plane, read from the input", batch: 2, channels: 3, outputs: 2, size: 70, kernel: 1),
        Case(description: "3×3 pad 1 on a large plane, one sample per product", batch: 2, channels: 2, outputs: 3, size: 66, kernel: 3, pad: 1),
        Case(description: "3×3 stride 2, dilation 2, two groups, gathered", batch: 3, channels: 4, outputs: 4, size: 11,
             kernel: 3, stride: 2, pad: 2, dilation: 2, group: 2),
        // Rows as wide as the input (stride 1, "same" padding) are copied as one run, then
        // the columns outside the input zeroed; narrower rows are copied one by one.
        Case(description: "3×3 dilation 2 pad 2 (same width, one run)", batch: 2, channels: 3, outputs: 2, size: 7, kernel: 3, pad: 2, dilation: 2),
        Case(description: "5×5 pad 2 on a 3×3 input (kernel larger than the input)", batch: 2, channels: 2, outputs: 2, size: 3, kernel: 5, pad: 2),
        Case(description: "3×3 no padding (narrower rows)", batch: 2, channels: 2, outputs: 3, size: 9, kernel: 3, bias: false),
        Case(description: "3×3 stride 2 pad 1, one sample", batch: 1, channels: 3, outputs: 4, size: 7, kernel: 3, stride: 2, pad: 1),
        Case(description: "3×3 pad 1 on a 33×33 plane (one sample per product), one sample", batch: 1, channels: 3, outputs: 5, size: 33, kernel: 3, pad: 1),
        // 3×3 stride 1 with ≥ 32 channels in and out: Winograd F(2×2, 3×3). An odd output plane
        // drops the last tiles' extra row and column; 4 tiles per sample put 64 samples in a
        // chunk, 64 tiles per sample 4 samples (a batch of 6 ends with a chunk of 2).
        Case(description: "Winograd 3×3 pad 1, 4×4 plane", batch: 3, channels: 32, outputs: 40, size: 4, kernel: 3, pad: 1),
        Case(description: "Winograd 3×3 pad 1, 15×15 plane (odd), chunks of 4 samples", batch: 6, channels: 33, outputs: 32, size: 15, kernel: 3, pad: 1),
        Case(description: "Winograd 3×3 no padding, 9×9 input (7×7 output)", batch: 2, channels: 32, outputs: 32, size: 9, kernel: 3, bias: false),
        Case(description: "Winograd 3×3 pad 2, 5×5 input", batch: 2, channels: 32, outputs: 36, size: 5, kernel: 3, pad: 2),
    ]

    /// The case's Conv (followed by a Relu when `rectified`) as a model, its weights, bias and input.
    static func model(_ test: Case, rectified: Bool = false) throws -> (model: Model, weights: [Float], bias: [Float]?, input: Tensor, conv: String) {
        let weightShape = [test.outputs, test.channels / test.group, test.kernel, test.kernel]
        let weights = Self.values(count: weightShape.reduce(1, *), seed: 1)
        let bias = test.bias ? Self.values(count: test.outputs, seed: 2) : nil
        let input = Tensor(shape: [test.batch, test.channels, test.size, test.size],
                           values: Self.values(count: test.batch * test.channels * test.size * test.size, seed: 3))

        var builder = GraphBuilder(inputShape: [nil, test.channels, test.size, test.size])
        builder.weights("w", shape: weightShape, weights)
        if let bias { builder.weights("b", shape: [test.outputs], bias) }
        let conv = builder.node(
            "Conv", bias == nil ? ["x", "w"] : ["x", "w", "b"],
            attributes: [
                "kernel_shape": .ints([test.kernel, test.kernel]), "strides": .ints([test.stride, test.stride]),
                "pads": .ints([test.pad, test.pad, test.pad, test.pad]), "dilations": .ints([test.dilation, test.dilation]),
                "group": .int(test.group),
            ])
        let output = rectified ? builder.node("Relu", [conv]) : conv
        return (try builder.model(output: output), weights, bias, input, conv)
    }

    @Test(arguments: cases)
    func convolutionMatchesTheDefinition(_ test: Case) throws {
        let (model, weights, bias, input, _) = try Self.model(test)
        let session = try InferenceSession(model: model)
        #expect(try Self.runsWinograd(test, session: session) == test.description.hasPrefix("Winograd"), "\(test)")
        let computed = try session.run(input)

        let expected = Self.directConvolution(test, input: input.values, weights: weights, bias: bias)
        #expect(computed.shape == expected.shape)
        let (close, detail) = closeToReference(computed.values, expected.values)
        #expect(close, "\(test): \(detail)")
    }

    /// A Conv read only by a Relu is rectified as it is computed when the evaluation lets the
    /// Conv's output go: the same bits as the Relu applied afterwards (an evaluation keeping
    /// every value, or the Conv's output), and the definition's max(0, ·).
    @Test(arguments: cases)
    func convolutionFusedWithReluMatchesReluAfterwards(_ test: Case) throws {
        let (model, weights, bias, input, conv) = try Self.model(test, rectified: true)
        let session = try InferenceSession(model: model)
        #expect(session.steps[0].rectifiedOutputSlot != nil, "the Conv is fused with its Relu")
        let fused = try session.run(input)
        let unfused = try session.evaluate(input)
        let keepingConv = try session.evaluate(input, keeping: [conv])
        #expect(fused.values.map(\.bitPattern) == unfused.output.values.map(\.bitPattern), "\(test)")
        #expect(keepingConv.output.values.map(\.bitPattern) == unfused.output.values.map(\.bitPattern), "\(test)")
        #expect(keepingConv[conv]?.values.map(\.bitPattern) == unfused[conv]?.values.map(\.bitPattern), "the kept Conv output is not rectified")
        #expect(unfused[conv]?.values.contains { $0 < 0 } == true, "the case has negative pre-activations")

        let expected = Self.directConvolution(test, input: input.values, weights: weights, bias: bias)
        #expect(fused.shape == expected.shape)
        let (close, detail) = closeToReference(fused.values, expected.values.map { max(0, $0) })
        #expect(close, "\(test): \(detail)")
    }

    /// Winograd's kernels are transformed once and kept while the weights stay the same; new
    /// weights (as training or repair set them) are transformed again.
    @Test func winogradFollowsReplacedWeights() throws {
        let test = Self.cases.first { $0.description.hasPrefix("Winograd") }!
        let (model, weights, bias, input, _) = try Self.model(test)
        let session = try InferenceSession(model: model)
        let first = try session.run(input)
        #expect(try session.run(input).values.map(\.bitPattern) == first.values.map(\.bitPattern), "the kept kernels give the same bits")
        let replaced = weights.map { -0.5 * $0 }
        try session.setParameter("w", Tensor(shape: [test.outputs, test.channels, 3, 3], values: replaced))
        let computed = try session.run(input)
        let expected = Self.directConvolution(test, input: input.values, weights: replaced, bias: bias)
        let (close, detail) = closeToReference(computed.values, expected.values)
        #expect(close, "after new weights: \(detail)")
    }

    /// Whether the session's Conv takes the Winograd path for the case's input.
    static func runsWinograd(_ test: Case, session: InferenceSession) throws -> Bool {
        let conv = try #require(session.steps[0].operation as? Conv)
        let weightShape = [test.outputs, test.channels / test.group, test.kernel, test.kernel]
        let plane = try PlaneGeometry(window: conv.window(weightShape: weightShape), inputSpatial: [test.size, test.size])
        let shape = ConvShape(
            batch: test.batch, channels: test.channels, outputChannels: test.outputs, groups: test.group,
            columnRows: test.channels / test.group * test.kernel * test.kernel, plane: plane)
        return WinogradConvolution.applies(to: shape)
    }

    /// ONNX Conv by its definition: every output element summed window by window.
    static func directConvolution(_ test: Case, input: [Float], weights: [Float], bias: [Float]?) -> Tensor {
        let span = (test.kernel - 1) * test.dilation + 1
        let outputSize = (test.size + 2 * test.pad - span) / test.stride + 1
        let channelsPerGroup = test.channels / test.group, outputsPerGroup = test.outputs / test.group
        var output = [Float](repeating: 0, count: test.batch * test.outputs * outputSize * outputSize)
        for sample in 0..<test.batch {
            for outputChannel in 0..<test.outputs {
                let group = outputChannel / outputsPerGroup
                for y in 0..<outputSize {
                    for x in 0..<outputSize {
                        var sum = Double(bias?[outputChannel] ?? 0)
                        for channel in 0..<channelsPerGroup {
                            let inputChannel = group * channelsPerGroup + channel
                            for ky in 0..<test.kernel {
                                for kx in 0..<test.kernel {
                                    let inputY = y * test.stride + ky * test.dilation - test.pad
                                    let inputX = x * test.stride + kx * test.dilation - test.pad
                                    guard (0..<test.size).contains(inputY), (0..<test.size).contains(inputX) else { continue }
                                    let value = input[((sample * test.channels + inputChannel) * test.size + inputY) * test.size + inputX]
                                    let weight = weights[((outputChannel * channelsPerGroup + channel) * test.kernel + ky) * test.kernel + kx]
                                    sum += Double(value) * Double(weight)
                                }
                            }
                        }
                        output[((sample * test.outputs + outputChannel) * outputSize + y) * outputSize + x] = Float(sum)
                    }
                }
            }
        }
        return Tensor(shape: [test.batch, test.outputs, outputSize, outputSize], values: output)
    }

    /// Deterministic values in [−1, 1].
    static func values(count: Int, seed: Double) -> [Float] {
        (0..<count).map { Float(sin(Double($0) * 12.9898 + seed * 78.233)) }
    }
}
