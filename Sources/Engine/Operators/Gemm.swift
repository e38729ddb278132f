/// ONNX Gemm: Y = alpha · A' · B' + beta · C, with A' = Aᵀ when transA, B' = Bᵀ when transB,
/// and C broadcast to Y's shape.
struct Gemm: Operator {
    let alpha: Float
    let beta: Float
    let transposeA: Bool
    let transposeB: Bool

    init(_ context: OperatorContext) throws {
        let attributes = context.attributes
        alpha = try attributes.float("alpha", default: 1)
        beta = try attributes.float("beta", default: 1)
        transposeA = try attributes.require("transA", in: [0, 1], default: 0) == 1
        transposeB = try attributes.require("transB", in: [0, 1], default: 0) == 1
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        let a = try inputs.required(0)
        let b = try inputs.required(1)
        guard a.rank == 2, b.rank == 2 else {
            throw EngineError("Gemm needs 2-D inputs, got A \(a.shape) and B \(b.shape)")
        }
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kB, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == kB else {
            throw EngineError("Gemm inner dimensions differ: A \(a.shape)\(transposeA ? "ᵀ" : "") and B \(b.shape)\(transposeB ? "ᵀ" : "")")
        }
        var output = [Float](repeating: 0, count: m * n)
        var accumulate: Float = 0
        if let c = inputs.count > 2 ? inputs[2] : nil, beta != 0 {
            let shape = try Broadcasting.shape(c.shape, [m, n])
            guard shape == [m, n] else {
                throw EngineError("Gemm bias C \(c.shape) does not broadcast to [\(m), \(n)]")
            }
            let strides = Broadcasting.strides(of: c.shape, in: [m, n])
            for row in 0..<m {
                for column in 0..<n {
                    output[row * n + column] = beta * c.values[row * strides[0] + column * strides[1]]
                }
            }
            accumulate = 1
        }
        a.values.withUnsafeBufferPointer { aValues in
            b.values.withUnsafeBufferPointer { bValues in
                output.withUnsafeMutableBufferPointer { outputValues in
                    MatrixMultiply.gemm(
                        m: m, n: n, k: k, alpha: alpha,
                        a: aValues.baseAddress!, transposeA: transposeA,
                        b: bValues.baseAddress!, transposeB: transposeB,
                        beta: accumulate, c: outputValues.baseAddress!)
                }
            }
        }
        return [Tensor(shape: [m, n], values: output)]
    }
}
