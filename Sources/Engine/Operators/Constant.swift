/// ONNX Constant producing a float tensor. Integer constants are folded when the session is
/// built (they only ever describe shapes), so they never reach this operator.
struct Constant: Operator {
    let tensor: Tensor

    init(_ context: OperatorContext) throws {
        guard case .float(let tensor)? = try Constant.value(of: context.node) else {
            throw context.attributes.error("needs a float value")
        }
        self.tensor = tensor
    }

    /// The value a Constant node holds, from any of its value attributes.
    static func value(of node: GraphNode) throws -> ConstantTensor? {
        switch node.attributes["value"] ?? node.attributes["value_float"] ?? node.attributes["value_floats"]
            ?? node.attributes["value_int"] ?? node.attributes["value_ints"] {
        case .tensor(let tensor)?: return tensor
        case .float(let value)?: return .float(Tensor(shape: [], values: [value]))
        case .floats(let values)?: return .float(Tensor(shape: [values.count], values: values))
        case .int(let value)?: return .integer(shape: [], values: [Int64(value)])
        case .ints(let values)?: return .integer(shape: [values.count], values: values.map { Int64($0) })
        default: throw NodeAttributes(node).error("has no supported value attribute")
        }
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        [tensor]
    }
}
