/// Builds the operator for a node, or explains which operator is missing.
enum OperatorRegistry {
    /// Operator types DeepProv runs (named in the error for any other).
    static let supportedTypes: [String] = [
        "Gemm",
        "MatMul",
        "Add",
        "Sub",
        "Mul",
        "Div",
        "Relu",
        "LeakyRelu",
        "Sigmoid",
        "Tanh",
        "Softmax",
        "LogSoftmax",
        "Conv",
        "MaxPool",
        "AveragePool",
        "GlobalAveragePool",
        "BatchNormalization",
        "Flatten",
        "Reshape",
        "Dropout",
        "Identity",
        "Constant",
        "Abs",
        "Less",
        "Where",
        "Concat",
        "Sum",
        "ReduceMean",
    ]

    private static func build(_ context: OperatorContext) throws -> (any Operator)? {
        switch context.node.opType {
        case "Gemm": return try Gemm(context)
        case "MatMul": return MatMul()
        case "Add": return Add()
        case "Sub": return Sub()
        case "Mul": return Mul()
        case "Div": return Div()
        case "Relu": return Relu()
        case "LeakyRelu": return try LeakyRelu(context)
        case "Sigmoid": return Sigmoid()
        case "Tanh": return Tanh()
        case "Softmax": return try Softmax(context)
        case "LogSoftmax": return try LogSoftmax(context)
        case "Conv": return try Conv(context)
        case "MaxPool": return try MaxPool(context)
        case "AveragePool": return try AveragePool(context)
        case "GlobalAveragePool": return GlobalAveragePool()
        case "BatchNormalization": return try BatchNormalization(context)
        case "Flatten": return try Flatten(context)
        case "Reshape": return try Reshape(context)
        case "Dropout": return try Dropout(context)
        case "Identity": return Identity()
        case "Constant": return try Constant(context)
        case "Abs": return Abs()
        case "Less": return Less()
        case "Where": return Where()
        case "Concat": return try Concat(context)
        case "Sum": return Sum()
        case "ReduceMean": return try ReduceMean(context)
        default: return nil
        }
    }

    static func make(_ context: OperatorContext, source: String) throws -> any Operator {
        let built: (any Operator)?
        do {
            built = try build(context)
        } catch let error as EngineError where !error.message.hasPrefix("node '") {
            throw EngineError("\(source): node '\(context.node.name)' (\(context.node.opType)): \(error.message)")
        } catch let error as EngineError {
            throw EngineError("\(source): \(error.message)")
        }
        guard let built else {
            throw EngineError(
                "\(source): unsupported operator '\(context.node.opType)' (node '\(context.node.name)', opset \(context.opset)); "
                + "supported: \(supportedTypes.joined(separator: ", "))")
        }
        return built
    }
}
