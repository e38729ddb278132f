/// A dense float32 tensor in row-major (C) order.
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Float]

    /// Creates a tensor; `values.count` must equal the product of `shape`.
    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "tensor shape \(shape) does not hold \(values.count) values")
        self.shape = shape
        self.values = values
    }

    /// A tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.shape = shape
        self.values = [Float](repeating: value, count: shape.reduce(1, *))
    }

    public var rank: Int { shape.count }
    public var count: Int { values.count }

    /// Row-major strides of `shape`.
    public static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// The same values under a new shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, values: values)
    }

    /// Samples `range` of the leading (batch) axis.
    public func batchSlice(_ range: Range<Int>) -> Tensor {
        let perSample = shape.dropFirst().reduce(1, *)
        let slice = Array(values[(range.lowerBound * perSample)..<(range.upperBound * perSample)])
        return Tensor(shape: [range.count] + shape.dropFirst(), values: slice)
    }
}

extension Tensor {
    /// The samples at `indices` of the leading (batch) axis, in that order.
    public func gatherSamples(_ indices: [Int]) -> Tensor {
        let perSample = shape.dropFirst().reduce(1, *)
        var gathered = [Float]()
        gathered.reserveCapacity(indices.count * perSample)
        for index in indices { gathered += values[(index * perSample)..<((index + 1) * perSample)] }
        return Tensor(shape: [indices.count] + shape.dropFirst(), values: gathered)
    }
}
