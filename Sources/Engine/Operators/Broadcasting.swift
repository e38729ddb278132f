/// ONNX multidirectional (numpy) broadcasting.
enum Broadcasting {
    /// The broadcast shape of `left` and `right`, or an error naming both.
    static func shape(_ left: [Int], _ right: [Int]) throws -> [Int] {
        let rank = max(left.count, right.count)
        let paddedLeft = [Int](repeating: 1, count: rank - left.count) + left
        let paddedRight = [Int](repeating: 1, count: rank - right.count) + right
        return try zip(paddedLeft, paddedRight).map { a, b in
            guard a == b || a == 1 || b == 1 else {
                throw EngineError("shapes \(left) and \(right) do not broadcast")
            }
            return max(a, b)
        }
    }

    /// Strides to read a tensor of `shape` as if it had the larger `target` shape (0 on
    /// broadcast axes).
    static func strides(of shape: [Int], in target: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: target.count - shape.count) + shape
        let natural = Tensor.strides(of: padded)
        return zip(padded, natural).map { size, stride in size == 1 ? 0 : stride }
    }

    /// Calls `body(outputIndex, leftIndex, rightIndex)` for every element of `shape`, in order.
    static func forEachIndex(shape: [Int], _ leftStrides: [Int], _ rightStrides: [Int], _ body: (Int, Int, Int) -> Void) {
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        let rank = shape.count
        guard rank > 0 else { body(0, 0, 0); return }
        let innerSize = shape[rank - 1]
        let innerLeft = leftStrides[rank - 1]
        let innerRight = rightStrides[rank - 1]
        var counter = [Int](repeating: 0, count: rank)
        var outputIndex = 0
        while outputIndex < total {
            var leftBase = 0
            var rightBase = 0
            for axis in 0..<(rank - 1) {
                leftBase += counter[axis] * leftStrides[axis]
                rightBase += counter[axis] * rightStrides[axis]
            }
            for inner in 0..<innerSize {
                body(outputIndex + inner, leftBase + inner * innerLeft, rightBase + inner * innerRight)
            }
            outputIndex += innerSize
            var axis = rank - 2
            while axis >= 0 {
                counter[axis] += 1
                if counter[axis] < shape[axis] { break }
                counter[axis] = 0
                axis -= 1
            }
        }
    }
}

extension Broadcasting {
    /// `tensor` repeated along its broadcast axes to fill `shape` (which it must broadcast to).
    static func expand(_ tensor: Tensor, to shape: [Int]) -> Tensor {
        guard tensor.shape != shape else { return tensor }
        var values = [Float](repeating: 0, count: shape.reduce(1, *))
        let strides = strides(of: tensor.shape, in: shape)
        let zeros = [Int](repeating: 0, count: shape.count)
        tensor.values.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { target in
                forEachIndex(shape: shape, strides, zeros) { index, sourceIndex, _ in target[index] = source[sourceIndex] }
            }
        }
        return Tensor(shape: shape, values: values)
    }
}
