import Foundation
import SwiftProtobuf

/// Turns ONNX protobuf bytes into a `ModelGraph`, checking what DeepProv can run.
enum ONNXImporter {
    static func importGraph(from bytes: Data, source: String) throws -> ModelGraph {
        let proto: Onnx_ModelProto
        do {
            proto = try Onnx_ModelProto(serializedBytes: bytes)
        } catch {
            throw EngineError("\(source): not an ONNX model (protobuf decoding failed: \(error))")
        }
        let graph = proto.graph
        let opset = proto.opsetImport
            .first { $0.domain.isEmpty || $0.domain == "ai.onnx" }
            .map { Int($0.version) } ?? 1
        var initializers: [String: ConstantTensor] = [:]
        for tensor in graph.initializer {
            initializers[tensor.name] = try TensorProtoDecoder.decode(tensor, context: "\(source): initializer '\(tensor.name)'")
        }
        let inputs = graph.input
            .filter { initializers[$0.name] == nil }
            .map { ValueInfo(name: $0.name, shape: shape(of: $0)) }
        let outputs = graph.output.map { ValueInfo(name: $0.name, shape: shape(of: $0)) }
        for input in graph.input where initializers[input.name] == nil {
            let elementType = input.type.tensorType.elemType
            guard elementType == Onnx_TensorProto.DataType.float.rawValue else {
                throw EngineError("\(source): input '\(input.name)' has element type \(elementType); only float32 inputs are supported")
            }
        }
        var nodes: [GraphNode] = []
        for (position, node) in graph.node.enumerated() {
            let name = node.name.isEmpty ? "\(node.opType)_\(position)" : node.name
            guard node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw EngineError("\(source): node '\(name)': operator '\(node.opType)' of domain '\(node.domain)' is not supported (opset \(opset))")
            }
            var attributes: [String: AttributeValue] = [:]
            for attribute in node.attribute {
                attributes[attribute.name] = try attributeValue(attribute, context: "\(source): node '\(name)' attribute '\(attribute.name)'")
            }
            nodes.append(GraphNode(name: name, opType: node.opType, inputs: node.input, outputs: node.output, attributes: attributes))
        }
        let sorted = try TopologicalOrder.sort(nodes, available: Set(inputs.map(\.name)).union(initializers.keys), source: source)
        return ModelGraph(
            name: graph.name, opset: opset, inputs: inputs, outputs: outputs,
            nodes: sorted, initializers: initializers)
    }

    private static func shape(of info: Onnx_ValueInfoProto) -> [Int?] {
        info.type.tensorType.shape.dim.map { dimension in
            if case .dimValue(let value)? = dimension.value, value > 0 { return Int(value) }
            return nil
        }
    }

    private static func attributeValue(_ attribute: Onnx_AttributeProto, context: String) throws -> AttributeValue {
        switch attribute.type {
        case .int: return .int(Int(attribute.i))
        case .float:
            try FiniteParameterCheck.require([attribute.f], context: context)
            return .float(attribute.f)
        case .string: return .string(String(decoding: attribute.s, as: UTF8.self))
        case .ints: return .ints(attribute.ints.map { Int($0) })
        case .floats:
            try FiniteParameterCheck.require(attribute.floats, context: context)
            return .floats(attribute.floats)
        case .tensor: return .tensor(try TensorProtoDecoder.decode(attribute.t, context: context))
        default:
            throw EngineError("\(context): attribute type \(attribute.type) is not supported")
        }
    }
}
