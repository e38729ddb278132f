/// ONNX Concat: inputs of equal rank joined along `axis` (negative counts from the end); every
/// other dimension must agree.
struct Concat: Operator {
    let axis: Int

    init(_ context: OperatorContext) throws {
        guard let axis = try context.attributes.ints("axis")?.first else {
            throw context.attributes.error("attribute 'axis' is required")
        }
        self.axis = axis
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        let parts = try inputs.indices.map { try inputs.required($0) }
        guard let first = parts.first else { throw EngineError("Concat needs at least one input") }
        let rank = first.rank
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < rank else {
            throw EngineError("Concat axis \(axis) is out of range for \(first.shape)")
        }
        for part in parts where part.rank != rank || part.shape.enumerated().contains(where: { $0.offset != resolved && $0.element != first.shape[$0.offset] }) {
            throw EngineError("Concat along axis \(axis) of \(first.shape) and \(part.shape): the other dimensions differ")
        }
        let outer = first.shape.prefix(resolved).reduce(1, *)
        let chunks = parts.map { $0.shape.suffix(from: resolved).reduce(1, *) }
        var values: [Float] = []
        values.reserveCapacity(outer * chunks.reduce(0, +))
        for block in 0..<outer {
            for (part, chunk) in zip(parts, chunks) {
                values += part.values[(block * chunk)..<((block + 1) * chunk)]
            }
        }
        var shape = first.shape
        shape[resolved] = parts.reduce(0) { $0 + $1.shape[resolved] }
        return [Tensor(shape: shape, values: values)]
    }
}
