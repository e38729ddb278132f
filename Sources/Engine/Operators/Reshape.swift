/// ONNX Reshape with a constant target shape: 0 copies the input's dimension (unless
/// allowzero), −1 is inferred.
struct Reshape: Operator {
    let target: [Int]
    let allowZero: Bool

    init(_ context: OperatorContext) throws {
        target = try context.integerInput(1).map { Int($0) }
        allowZero = try context.attributes.int("allowzero", default: 0) == 1
        guard target.filter({ $0 == -1 }).count <= 1, target.allSatisfy({ $0 >= -1 }) else {
            throw context.attributes.error("shape \(target) is not a valid Reshape target")
        }
    }

    /// The concrete shape for an input of `shape`.
    func resolvedShape(for shape: [Int]) throws -> [Int] {
        var resolved = target.enumerated().map { axis, size in
            size == 0 && !allowZero && axis < shape.count ? shape[axis] : size
        }
        let count = shape.reduce(1, *)
        if let unknown = resolved.firstIndex(of: -1) {
            let known = resolved.filter { $0 != -1 }.reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw EngineError("cannot reshape \(shape) to \(target)")
            }
            resolved[unknown] = count / known
        }
        guard resolved.reduce(1, *) == count else {
            throw EngineError("cannot reshape \(shape) (\(count) values) to \(target)")
        }
        return resolved
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        let input = try inputs.required(0)
        return [input.reshaped(try resolvedShape(for: input.shape))]
    }
}
