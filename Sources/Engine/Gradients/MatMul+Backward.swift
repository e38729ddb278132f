/// C = A·B per (broadcast) batch: dA = dC·Bᵀ, dB = Aᵀ·dC, summed over broadcast batches.
/// Supports operands of rank ≥ 2 (1-D operands are not differentiated).
extension MatMul: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        let a = try inputs.required(0), b = try inputs.required(1)
        guard a.rank >= 2, b.rank >= 2 else {
            throw EngineError("MatMul gradients need operands of rank ≥ 2, got \(a.shape) and \(b.shape)")
        }
        let gradient = outputGradients[0]
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
        let batchShape = Array(gradient.shape.dropLast(2))
        let batchCount = batchShape.reduce(1, *)
        let aStrides = Broadcasting.strides(of: Array(a.shape.dropLast(2)), in: batchShape)
        let bStrides = Broadcasting.strides(of: Array(b.shape.dropLast(2)), in: batchShape)
        let batchStrides = Tensor.strides(of: batchShape)
        var aGradient = Tensor(shape: a.shape), bGradient = Tensor(shape: b.shape)
        var aPart = [Float](repeating: 0, count: m * k), bPart = [Float](repeating: 0, count: k * n)
        for batch in 0..<batchCount {
            var aMatrix = 0, bMatrix = 0, remainder = batch
            for axis in 0..<batchShape.count {
                let position = remainder / batchStrides[axis]
                remainder %= batchStrides[axis]
                aMatrix += position * aStrides[axis]
                bMatrix += position * bStrides[axis]
            }
            gradient.values.withUnsafeBufferPointer { dC in
                let dCMatrix = dC.baseAddress! + batch * m * n
                b.values.withUnsafeBufferPointer { bValues in
                    MatrixMultiply.gemm(m: m, n: k, k: n, a: dCMatrix, b: bValues.baseAddress! + bMatrix * k * n, transposeB: true, c: &aPart)
                }
                a.values.withUnsafeBufferPointer { aValues in
                    MatrixMultiply.gemm(m: k, n: n, k: m, a: aValues.baseAddress! + aMatrix * m * k, transposeA: true, b: dCMatrix, c: &bPart)
                }
            }
            for index in 0..<(m * k) { aGradient.values[aMatrix * m * k + index] += aPart[index] }
            for index in 0..<(k * n) { bGradient.values[bMatrix * k * n + index] += bPart[index] }
        }
        return [aGradient, bGradient]
    }
}
