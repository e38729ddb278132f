/// An affine map applied to every input value after loading: `value · scale + shift`
/// (e.g. scale 2/255, shift −1 maps pixel bytes to [−1, 1]).
public struct Normalization: Sendable, Equatable {
    public var scale: Float
    public var shift: Float

    public init(scale: Float = 1, shift: Float = 0) {
        self.scale = scale
        self.shift = shift
    }

    func apply(_ values: inout [Float]) {
        guard scale != 1 || shift != 0 else { return }
        let scale = scale, shift = shift
        values.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = buffer[index] * scale + shift }
        }
    }
}
