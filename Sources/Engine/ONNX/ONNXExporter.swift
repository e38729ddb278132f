import Foundation
import IPG
import SwiftProtobuf

/// Writes a `ModelGraph` as ONNX bytes (IR version 8, weights inline).
public enum ONNXExporter {
    /// Serialises `graph`; `producerVersion` is recorded in the model.
    public static func serialize(_ graph: ModelGraph, producerVersion: String = DeepProvVersion.current) throws -> Data {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.producerName = "deepprov"
        model.producerVersion = producerVersion
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Int64(graph.opset)
        model.opsetImport = [opset]

        var proto = Onnx_GraphProto()
        proto.name = graph.name
        proto.input = graph.inputs.map(valueInfo)
        proto.output = graph.outputs.map(valueInfo)
        proto.initializer = graph.initializers.keys.sorted().map { tensorProto(name: $0, graph.initializers[$0]!) }
        proto.node = graph.nodes.map(nodeProto)
        model.graph = proto
        return try model.serializedBytes()
    }

    private static func valueInfo(_ info: ValueInfo) -> Onnx_ValueInfoProto {
        var proto = Onnx_ValueInfoProto()
        proto.name = info.name
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var shape = Onnx_TensorShapeProto()
        shape.dim = info.shape.enumerated().map { axis, size in
            var dimension = Onnx_TensorShapeProto.Dimension()
            if let size { dimension.dimValue = Int64(size) } else { dimension.dimParam = axis == 0 ? "N" : "d\(axis)" }
            return dimension
        }
        tensorType.shape = shape
        proto.type.tensorType = tensorType
        return proto
    }

    private static func tensorProto(name: String, _ constant: ConstantTensor) -> Onnx_TensorProto {
        var proto = Onnx_TensorProto()
        proto.name = name
        switch constant {
        case .float(let tensor):
            proto.dims = tensor.shape.map { Int64($0) }
            proto.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            proto.rawData = tensor.values.withUnsafeBufferPointer { Data(buffer: $0) }
        case .integer(let shape, let values):
            proto.dims = shape.map { Int64($0) }
            proto.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
            proto.rawData = values.withUnsafeBufferPointer { Data(buffer: $0) }
        }
        return proto
    }

    private static func nodeProto(_ node: GraphNode) -> Onnx_NodeProto {
        var proto = Onnx_NodeProto()
        proto.name = node.name
        proto.opType = node.opType
        proto.input = node.inputs
        proto.output = node.outputs
        proto.attribute = node.attributes.keys.sorted().map { attributeProto(name: $0, node.attributes[$0]!) }
        return proto
    }

    private static func attributeProto(name: String, _ value: AttributeValue) -> Onnx_AttributeProto {
        var proto = Onnx_AttributeProto()
        proto.name = name
        switch value {
        case .int(let value): proto.type = .int; proto.i = Int64(value)
        case .float(let value): proto.type = .float; proto.f = value
        case .string(let value): proto.type = .string; proto.s = Data(value.utf8)
        case .ints(let values): proto.type = .ints; proto.ints = values.map { Int64($0) }
        case .floats(let values): proto.type = .floats; proto.floats = values
        case .tensor(let tensor): proto.type = .tensor; proto.t = tensorProto(name: "", tensor)
        }
        return proto
    }
}
