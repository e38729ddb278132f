@testable import Engine
import Foundation
import Testing
import TestSupport

/// Conv → Relu → MaxPool run as one step (`Conv+Pooling`) when an evaluation keeps neither the
/// Conv's nor the Relu's output: slices of samples are convolved into a scratch buffer and
/// pooled from there. The pooled values must be those of the three operators run one after
/// the other (bit for bit), of the ONNX definition (convolution in Double, then max(0, ·),
/// then the window maxima) and of onnxruntime; an evaluation that keeps the Relu's values
/// (as capture does) gets them unchanged.
@Suite struct ConvolutionPoolingTests {
    struct Case: CustomStringConvertible, Sendable {
        var convolution: ConvolutionKernelTests.Case
        var poolKernel = 2, poolStride = 2, poolPad = 0, ceilMode = false
        /// Whether the pool's windows all lie inside the convolution's output (the fused kernel
        /// runs; otherwise the convolution is pooled by the MaxPool operator afterwards).
        var fitsInside = true
        var description: String { "\(convolution) → max pool \(poolKernel)×\(poolKernel) stride \(poolStride)" }
    }

    typealias Convolution = ConvolutionKernelTests.Case
    static let cases = [
        // 4 output channels of 66×66 per sample: 3 samples per slice, so 7 samples end with a
        // slice of 1; im2col one sample per product.
        Case(convolution: Convolution(description: "3×3 pad 1, slices of 3", batch: 7, channels: 3, outputs: 4, size: 66, kernel: 3, pad: 1)),
        // A 7×7 output: the pool drops its last row and column.
        Case(convolution: Convolution(description: "3×3 no padding, odd 7×7 output, gathered", batch: 5, channels: 2, outputs: 3, size: 9, kernel: 3)),
        Case(convolution: Convolution(description: "1×1 stride 2, no bias", batch: 4, channels: 4, outputs: 6, size: 12, kernel: 1, stride: 2, bias: false),
             poolKernel: 3, poolStride: 2),
        // Winograd (≥ 32 channels): 32 × 46 × 46 outputs per sample, one sample per slice.
        Case(convolution: Convolution(description: "Winograd 3×3 pad 1, a slice per sample", batch: 2, channels: 32, outputs: 32, size: 46, kernel: 3, pad: 1)),
        Case(convolution: Convolution(description: "Winograd 3×3 pad 1, odd 15×15 output", batch: 6, channels: 33, outputs: 32, size: 15, kernel: 3, pad: 1),
             poolKernel: 3, poolStride: 3),
        // Overlapping 3×3 windows at stride 1 on an odd 9×9 output (rows and columns shared by
        // windows), 3 input channels as a first layer; and a single sample.
        Case(convolution: Convolution(description: "3×3 pad 1, 3 channels, overlapping windows", batch: 3, channels: 3, outputs: 5, size: 9, kernel: 3, pad: 1),
             poolKernel: 3, poolStride: 1),
        Case(convolution: Convolution(description: "3×3 pad 1, one sample", batch: 1, channels: 3, outputs: 4, size: 32, kernel: 3, pad: 1)),
        // A 2×2 stride-1 pool on an odd 5×5 output, and 1×1 windows at stride 2 (a pool that
        // only rectifies and subsamples).
        Case(convolution: Convolution(description: "3×3 pad 1, 2×2 stride 1 pool, odd 5×5 output", batch: 4, channels: 2, outputs: 3, size: 5, kernel: 3, pad: 1),
             poolKernel: 2, poolStride: 1),
        Case(convolution: Convolution(description: "3×3 stride 2 pad 1, 1×1 pool stride 2", batch: 2, channels: 3, outputs: 4, size: 10, kernel: 3, stride: 2, pad: 1),
             poolKernel: 1, poolStride: 2),
        // Windows outside the output: convolved whole, then pooled by the MaxPool operator.
        Case(convolution: Convolution(description: "3×3 pad 1", batch: 3, channels: 2, outputs: 3, size: 8, kernel: 3, pad: 1),
             poolPad: 1, fitsInside: false),
        Case(convolution: Convolution(description: "3×3 no padding, 7×7 output", batch: 2, channels: 2, outputs: 3, size: 9, kernel: 3),
             ceilMode: true, fitsInside: false),
    ]

    /// The case as Conv → Relu "relu" → MaxPool, its ONNX bytes, weights, bias and input.
    static func model(_ test: Case) throws -> (onnx: Data, weights: [Float], bias: [Float]?, input: Tensor) {
        let (convModel, weights, bias, input, conv) = try ConvolutionKernelTests.model(test.convolution)
        var graph = convModel.graph
        graph.nodes.append(GraphNode(name: "relu", opType: "Relu", inputs: [conv], outputs: ["relu"], attributes: [:]))
        graph.nodes.append(GraphNode(
            name: "pool", opType: "MaxPool", inputs: ["relu"], outputs: ["pool"],
            attributes: [
                "kernel_shape": .ints([test.poolKernel, test.poolKernel]), "strides": .ints([test.poolStride, test.poolStride]),
                "pads": .ints(Array(repeating: test.poolPad, count: 4)), "ceil_mode": .int(test.ceilMode ? 1 : 0),
            ]))
        graph.outputs = [ValueInfo(name: "pool", shape: [])]
        return (try ONNXExporter.serialize(graph), weights, bias, input)
    }

    @Test(arguments: cases)
    func fusedPoolingMatchesTheOperatorsOneAfterTheOther(_ test: Case) throws {
        let (onnx, weights, bias, input) = try Self.model(test)
        let session = try InferenceSession(model: Model.load(onnx: onnx, source: "pooled.onnx"))
        #expect(session.steps[0].pooling != nil, "the Conv is fused with its Relu and MaxPool")
        #expect(try ConvolutionKernelTests.runsWinograd(test.convolution, session: session) == test.convolution.description.hasPrefix("Winograd"))
        let fused = try session.run(input)
        let unfused = try session.evaluate(input)
        let keepingRelu = try session.evaluate(input, keeping: ["relu"])
        #expect(fused.shape == unfused.output.shape)
        #expect(Self.firstDifference(fused.values, unfused.output.values) == nil, "fused against unfused, \(test)")
        #expect(Self.firstDifference(keepingRelu.output.values, unfused.output.values) == nil, "keeping the Relu's output, \(test)")
        let keptRelu = try #require(keepingRelu["relu"]), unfusedRelu = try #require(unfused["relu"])
        #expect(Self.firstDifference(keptRelu.values, unfusedRelu.values) == nil, "the kept Relu output, \(test)")
        #expect(unfusedRelu.values.contains(0), "the case has rectified values")

        let expected = Self.definition(test, input: input, weights: weights, bias: bias)
        #expect(fused.shape == expected.shape)
        let (close, detail) = closeToReference(fused.values, expected.values)
        #expect(close, "\(test) against the definition: \(detail)")
        let reference = try ONNXRuntimeReference.outputs(of: onnx, on: input)
        #expect(fused.shape == reference.shape)
        let (closeToRuntime, runtimeDetail) = closeToReference(fused.values, reference.values)
        #expect(closeToRuntime, "\(test) against onnxruntime: \(runtimeDetail)")
    }

    /// NaN and infinite pre-activations (a NaN or infinite input spreads to every output whose
    /// window sees it) are rectified as the Relu operator does (NaN to 0) before they are pooled,
    /// whatever their place in a window: the fused pool gives the unfused bits, and no NaN.
    @Test(arguments: [cases[0], cases[3], cases[5]])
    func fusedPoolingRectifiesNonFiniteValuesAsRelu(_ test: Case) throws {
        let (onnx, _, _, input) = try Self.model(test)
        let conv = try ConvolutionKernelTests.model(test.convolution).conv
        var values = input.values
        for index in stride(from: 5, to: values.count, by: 37) { values[index] = index % 3 == 0 ? -.infinity : .nan }
        let nonFinite = Tensor(shape: input.shape, values: values)
        let session = try InferenceSession(model: Model.load(onnx: onnx, source: "pooled.onnx"))
        let fused = try session.run(nonFinite)
        let unfused = try session.evaluate(nonFinite)
        #expect(try #require(unfused[conv]).values.contains { $0.isNaN }, "the case has NaN pre-activations")
        #expect(Self.firstDifference(fused.values, unfused.output.values) == nil, "fused against unfused, \(test)")
        #expect(!fused.values.contains { $0.isNaN }, "no NaN is pooled")
    }

    /// New weights (as repair and training set them) reach the fused path, Winograd's
    /// transformed kernels included.
    @Test(arguments: [cases[0], cases[3]])
    func fusedPoolingFollowsReplacedWeights(_ test: Case) throws {
        let (onnx, weights, bias, input) = try Self.model(test)
        let session = try InferenceSession(model: Model.load(onnx: onnx, source: "pooled.onnx"))
        _ = try session.run(input)
        let replaced = weights.map { -0.5 * $0 }
        let convolution = test.convolution
        try session.setParameter("w", Tensor(shape: [convolution.outputs, convolution.channels / convolution.group, convolution.kernel, convolution.kernel], values: replaced))
        let computed = try session.run(input)
        let (close, detail) = closeToReference(computed.values, Self.definition(test, input: input, weights: replaced, bias: bias).values)
        #expect(close, "after new weights: \(detail)")
    }

    /// The first index where the two differ in bits (or their lengths differ), as text.
    static func firstDifference(_ actual: [Float], _ expected: [Float]) -> String? {
        guard actual.count == expected.count else { return "\(actual.count) values, expected \(expected.count)" }
        return actual.indices.first { actual[$0].bitPattern != expected[$0].bitPattern }
            .map { "element \($0): \(actual[$0]) vs \(expected[$0])" }
    }

    /// The ONNX definition: the convolution in Double, max(0, ·), then each window's maximum
    /// over the positions inside the map (padding never wins; with ceil mode the last window
    /// may start inside and end outside).
    static func definition(_ test: Case, input: Tensor, weights: [Float], bias: [Float]?) -> Tensor {
        let convolved = ConvolutionKernelTests.directConvolution(test.convolution, input: input.values, weights: weights, bias: bias)
        let rectified = convolved.values.map { max(0, $0) }
        let size = convolved.shape[2], planes = convolved.shape[0] * convolved.shape[1]
        let span = size + 2 * test.poolPad - test.poolKernel
        let outputSize = (test.ceilMode ? (span + test.poolStride - 1) / test.poolStride : span / test.poolStride) + 1
        var pooled: [Float] = []
        for plane in 0..<planes {
            for y in 0..<outputSize {
                for x in 0..<outputSize {
                    var best = -Float.infinity
                    for dy in 0..<test.poolKernel {
                        for dx in 0..<test.poolKernel {
                            let row = y * test.poolStride + dy - test.poolPad, column = x * test.poolStride + dx - test.poolPad
                            guard (0..<size).contains(row), (0..<size).contains(column) else { continue }
                            best = max(best, rectified[(plane * size + row) * size + column])
                        }
                    }
                    pooled.append(best)
                }
            }
        }
        return Tensor(shape: Array(convolved.shape.prefix(2)) + [outputSize, outputSize], values: pooled)
    }
}
