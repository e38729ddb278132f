import Engine
import Foundation

/// Builds small models in code for tests. `model()` goes through ONNX bytes (export, then
/// import), so every test model also exercises the ONNX round trip.
public struct GraphBuilder {
    public private(set) var graph: ModelGraph
    private var counter = 0

    /// A graph with one float input of `inputShape` (nil = dynamic, e.g. the batch axis).
    public init(name: String = "test", input: String = "x", inputShape: [Int?], opset: Int = 13) {
        graph = ModelGraph(
            name: name, opset: opset, inputs: [ValueInfo(name: input, shape: inputShape)],
            outputs: [], nodes: [], initializers: [:])
    }

    /// Adds a float initializer and returns its name.
    @discardableResult
    public mutating func weights(_ name: String, shape: [Int], _ values: [Float]) -> String {
        graph.initializers[name] = .float(Tensor(shape: shape, values: values))
        return name
    }

    /// Adds an int64 initializer (a shape) and returns its name.
    @discardableResult
    public mutating func integers(_ name: String, _ values: [Int64]) -> String {
        graph.initializers[name] = .integer(shape: [values.count], values: values)
        return name
    }

    /// Appends a node whose output is named after it, and returns the output's name.
    @discardableResult
    public mutating func node(
        _ opType: String, _ inputs: [String], name: String? = nil, attributes: [String: AttributeValue] = [:]
    ) -> String {
        counter += 1
        let nodeName = name ?? "\(opType.lowercased())_\(counter)"
        graph.nodes.append(GraphNode(name: nodeName, opType: opType, inputs: inputs, outputs: [nodeName], attributes: attributes))
        return nodeName
    }

    /// The model with `output` as its graph output, after an ONNX round trip.
    public func model(output: String) throws -> Model {
        var finished = graph
        finished.outputs = [ValueInfo(name: output, shape: [])]
        let bytes = try ONNXExporter.serialize(finished)
        return try Model.load(onnx: bytes, source: "\(graph.name).onnx")
    }
}
