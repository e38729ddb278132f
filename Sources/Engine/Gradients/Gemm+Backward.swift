/// Y = α·A'·B' + β·C: dA' = α·dY·B'ᵀ, dB' = α·A'ᵀ·dY, dC = β·dY summed to C's shape.
extension Gemm: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        let a = try inputs.required(0), b = try inputs.required(1)
        let gradient = outputGradients[0]
        let (m, n) = (gradient.shape[0], gradient.shape[1])
        let k = transposeA ? a.shape[0] : a.shape[1]
        var aGradient = Tensor(shape: a.shape), bGradient = Tensor(shape: b.shape)
        gradient.values.withUnsafeBufferPointer { dY in
            b.values.withUnsafeBufferPointer { bValues in
                aGradient.values.withUnsafeMutableBufferPointer { dA in
                    if transposeA {  // dA (k×m) = α·B'·dYᵀ
                        MatrixMultiply.gemm(m: k, n: m, k: n, alpha: alpha, a: bValues.baseAddress!, transposeA: transposeB,
                                            b: dY.baseAddress!, transposeB: true, c: dA.baseAddress!)
                    } else {  // dA (m×k) = α·dY·B'ᵀ
                        MatrixMultiply.gemm(m: m, n: k, k: n, alpha: alpha, a: dY.baseAddress!,
                                            b: bValues.baseAddress!, transposeB: !transposeB, c: dA.baseAddress!)
                    }
                }
            }
            a.values.withUnsafeBufferPointer { aValues in
                bGradient.values.withUnsafeMutableBufferPointer { dB in
                    if transposeB {  // dB (n×k) = α·dYᵀ·A'
                        MatrixMultiply.gemm(m: n, n: k, k: m, alpha: alpha, a: dY.baseAddress!, transposeA: true,
                                            b: aValues.baseAddress!, transposeB: transposeA, c: dB.baseAddress!)
                    } else {  // dB (k×n) = α·A'ᵀ·dY
                        MatrixMultiply.gemm(m: k, n: n, k: m, alpha: alpha, a: aValues.baseAddress!, transposeA: !transposeA,
                                            b: dY.baseAddress!, c: dB.baseAddress!)
                    }
                }
            }
        }
        var cGradient: Tensor?
        if inputs.count > 2, let c = inputs[2] {
            var scaled = gradient
            for index in scaled.values.indices { scaled.values[index] *= beta }
            cGradient = scaled.reduced(toBroadcastShape: c.shape)
        }
        return [aGradient, bGradient, cGradient]
    }
}
