/// ONNX MatMul with numpy semantics: 1-D operands are promoted (and the added axis removed),
/// leading (batch) axes broadcast.
struct MatMul: Operator {
    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        let a = try inputs.required(0)
        let b = try inputs.required(1)
        guard a.rank >= 1, b.rank >= 1 else {
            throw EngineError("MatMul needs inputs of rank ≥ 1, got \(a.shape) and \(b.shape)")
        }
        let aShape = a.rank == 1 ? [1] + a.shape : a.shape
        let bShape = b.rank == 1 ? b.shape + [1] : b.shape
        let m = aShape[aShape.count - 2], k = aShape[aShape.count - 1]
        let kB = bShape[bShape.count - 2], n = bShape[bShape.count - 1]
        guard k == kB else {
            throw EngineError("MatMul inner dimensions differ: \(a.shape) × \(b.shape)")
        }
        let batchShape = try Broadcasting.shape(Array(aShape.dropLast(2)), Array(bShape.dropLast(2)))
        let batchCount = batchShape.reduce(1, *)
        let aBatchStrides = Broadcasting.strides(of: Array(aShape.dropLast(2)), in: batchShape)
        let bBatchStrides = Broadcasting.strides(of: Array(bShape.dropLast(2)), in: batchShape)
        let batchStrides = Tensor.strides(of: batchShape)
        var output = [Float](repeating: 0, count: batchCount * m * n)
        a.values.withUnsafeBufferPointer { aValues in
            b.values.withUnsafeBufferPointer { bValues in
                output.withUnsafeMutableBufferPointer { outputValues in
                    for batch in 0..<batchCount {
                        var aMatrix = 0, bMatrix = 0, remainder = batch
                        for axis in 0..<batchShape.count {
                            let position = remainder / batchStrides[axis]
                            remainder %= batchStrides[axis]
                            aMatrix += position * aBatchStrides[axis]
                            bMatrix += position * bBatchStrides[axis]
                        }
                        MatrixMultiply.gemm(
                            m: m, n: n, k: k,
                            a: aValues.baseAddress! + aMatrix * m * k,
                            b: bValues.baseAddress! + bMatrix * k * n,
                            c: outputValues.baseAddress! + batch * m * n)
                    }
                }
            }
        }
        var shape = batchShape + [m, n]
        if b.rank == 1 { shape.removeLast() }
        if a.rank == 1 { shape.remove(at: shape.count - (b.rank == 1 ? 1 : 2)) }
        return [Tensor(shape: shape, values: output)]
    }
}
