import Engine
import Foundation
import Testing

/// Optimizer steps against the update rules computed by hand.
@Suite struct OptimizerTests {
    @Test func momentumSGDAccumulatesVelocity() {
        var optimizer = MomentumSGD(learningRate: 0.1, momentum: 0.5)
        var parameters = ["w": Tensor(shape: [2], values: [1, -2])]
        let gradient = ["w": Tensor(shape: [2], values: [0.5, -1])]
        optimizer.step(&parameters, gradients: gradient)
        // v = g; p = p − 0.1·g
        #expect(parameters["w"]!.values == [0.95, -1.9])
        optimizer.step(&parameters, gradients: gradient)
        // v = 0.5·g + g = 1.5·g; p −= 0.15·g
        #expect(zip(parameters["w"]!.values, [0.875, -1.75]).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func adamTakesBiasCorrectedSteps() {
        var optimizer = Adam(learningRate: 0.01)
        var parameters = ["w": Tensor(shape: [2], values: [0, 0])]
        optimizer.step(&parameters, gradients: ["w": Tensor(shape: [2], values: [2, -0.001])])
        // First step: m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε) ≈ ±lr whatever |g| is.
        #expect(abs(parameters["w"]!.values[0] + 0.01) < 1e-6)
        #expect(abs(parameters["w"]!.values[1] - 0.01) < 1e-4)
        optimizer.step(&parameters, gradients: ["w": Tensor(shape: [2], values: [2, 0.001])])
        // Second step, w[1]: m = 0.9·0.1·(−0.001) + 0.1·0.001 = 0.00001, m̂ = m/0.19;
        // v = 0.999·0.001·1e-6 + 0.001·1e-6 = 1.999e-9, v̂ = v/(1 − 0.999²).
        let m = 0.00001 / 0.19, v = 1.999e-9 / (1 - 0.999 * 0.999)
        let expected = 0.01 - 0.01 * m / (v.squareRoot() + 1e-8)
        #expect(abs(Double(parameters["w"]!.values[1]) - expected) < 1e-5)
    }
}
