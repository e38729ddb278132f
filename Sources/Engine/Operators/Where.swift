/// ONNX Where(condition, X, Y): X's element where the condition holds, else Y's, with
/// multidirectional broadcasting over all three. The condition is a boolean tensor in ONNX
/// (from a comparison such as `Less`); DeepProv holds it as floats, non-zero meaning true.
struct Where: Operator {
    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        let condition = try inputs.required(0), chosen = try inputs.required(1), other = try inputs.required(2)
        let shape = try Broadcasting.shape(Broadcasting.shape(condition.shape, chosen.shape), other.shape)
        let conditions = Broadcasting.expand(condition, to: shape).values
        let chosenValues = Broadcasting.expand(chosen, to: shape).values
        let otherValues = Broadcasting.expand(other, to: shape).values
        var values = [Float](repeating: 0, count: conditions.count)
        for index in values.indices {
            values[index] = conditions[index] != 0 ? chosenValues[index] : otherValues[index]
        }
        return [Tensor(shape: shape, values: values)]
    }
}
