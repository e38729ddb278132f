import Engine

/// Small models whose IPGs tests compute by hand.
public enum TinyModels {
    /// x (2 values) → Gemm (W1 = [[1, 2], [3, −4], [0, 1]] transposed, b1 = [0, 0, 1]) → Relu
    /// → Gemm (B2 = [[1, 0], [5, 5], [0, −1]], alpha 2, C = [0.5, 0.5]). Layers x, fc1, fc2.
    public static func gemmReluScaledGemm() throws -> Model {
        var builder = GraphBuilder(inputShape: [nil, 2])
        builder.weights("w1", shape: [3, 2], [1, 2, 3, -4, 0, 1])
        builder.weights("b1", shape: [3], [0, 0, 1])
        let hidden = builder.node("Gemm", ["x", "w1", "b1"], name: "fc1", attributes: ["transB": .int(1)])
        let relu = builder.node("Relu", [hidden])
        builder.weights("w2", shape: [3, 2], [1, 0, 5, 5, 0, -1])
        builder.weights("c2", shape: [2], [0.5, 0.5])
        let output = builder.node("Gemm", [relu, "w2", "c2"], name: "fc2", attributes: ["alpha": .float(2)])
        return try builder.model(output: output)
    }
}
