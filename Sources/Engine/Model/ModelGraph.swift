/// A model's computation graph, independent of ONNX's protobuf types: what the importer
/// produces, the session runs, and the exporter writes back.
public struct ModelGraph: Sendable, Equatable {
    public var name: String
    /// Opset of the default ONNX domain.
    public var opset: Int
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    /// Nodes in topological order.
    public var nodes: [GraphNode]
    public var initializers: [String: ConstantTensor]

    public init(
        name: String, opset: Int, inputs: [ValueInfo], outputs: [ValueInfo],
        nodes: [GraphNode], initializers: [String: ConstantTensor]
    ) {
        self.name = name
        self.opset = opset
        self.inputs = inputs
        self.outputs = outputs
        self.nodes = nodes
        self.initializers = initializers
    }

    /// The float tensor an initializer holds, if `name` is a float initializer.
    public func floatInitializer(_ name: String) -> Tensor? {
        if case .float(let tensor)? = initializers[name] { return tensor }
        return nil
    }
}

/// A graph input or output: a name and a shape whose unknown dimensions are nil.
public struct ValueInfo: Sendable, Equatable {
    public var name: String
    public var shape: [Int?]

    public init(name: String, shape: [Int?]) {
        self.name = name
        self.shape = shape
    }
}

/// One operator application.
public struct GraphNode: Sendable, Equatable {
    public var name: String
    public var opType: String
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String: AttributeValue]

    public init(
        name: String, opType: String, inputs: [String], outputs: [String],
        attributes: [String: AttributeValue] = [:]
    ) {
        self.name = name
        self.opType = opType
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }

    /// The input at `position`, or nil when absent or given as the empty name (ONNX's "omitted").
    public func input(_ position: Int) -> String? {
        position < inputs.count && !inputs[position].isEmpty ? inputs[position] : nil
    }
}

/// A constant: float tensors feed computation; integer tensors only describe shapes.
public enum ConstantTensor: Sendable, Equatable {
    case float(Tensor)
    case integer(shape: [Int], values: [Int64])
}

/// An operator attribute.
public enum AttributeValue: Sendable, Equatable {
    case int(Int)
    case float(Float)
    case string(String)
    case ints([Int])
    case floats([Float])
    case tensor(ConstantTensor)
}
