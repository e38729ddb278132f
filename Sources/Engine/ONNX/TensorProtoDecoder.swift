import Foundation

/// Reads an ONNX `TensorProto` (inline data only) into a `ConstantTensor`; float values must be
/// finite (a double beyond float32's range counts as infinite).
enum TensorProtoDecoder {
    static func decode(_ proto: Onnx_TensorProto, context: String) throws -> ConstantTensor {
        guard proto.dataLocation != .external else {
            throw EngineError("\(context): external tensor data is not supported; save the model with its weights inside")
        }
        let shape = proto.dims.map { Int($0) }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw EngineError("\(context): negative dimension in \(shape)")
        }
        let count = try elementCount(of: shape, context)
        let dataType = Onnx_TensorProto.DataType(rawValue: Int(proto.dataType)) ?? .undefined
        switch dataType {
        case .float:
            let values = proto.rawData.isEmpty ? proto.floatData : littleEndian(proto.rawData, as: Float.self)
            try check(values.count, count, shape, context)
            try FiniteParameterCheck.require(values, context: context)
            return .float(Tensor(shape: shape, values: values))
        case .double:
            let values = proto.rawData.isEmpty ? proto.doubleData : littleEndian(proto.rawData, as: Double.self)
            try check(values.count, count, shape, context)
            let narrowed = values.map { Float($0) }
            try FiniteParameterCheck.require(narrowed, context: context)
            return .float(Tensor(shape: shape, values: narrowed))
        case .int64:
            let values = proto.rawData.isEmpty ? proto.int64Data : littleEndian(proto.rawData, as: Int64.self)
            try check(values.count, count, shape, context)
            return .integer(shape: shape, values: values)
        case .int32:
            let values = proto.rawData.isEmpty ? proto.int32Data : littleEndian(proto.rawData, as: Int32.self)
            try check(values.count, count, shape, context)
            return .integer(shape: shape, values: values.map { Int64($0) })
        default:
            throw EngineError("\(context): element type \(dataType) is not supported (float, double, int32 and int64 are)")
        }
    }

    /// The product of `shape`'s dimensions, refused when it overflows (no tensor holds that many).
    private static func elementCount(of shape: [Int], _ context: String) throws -> Int {
        try shape.reduce(1) { count, dimension in
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw EngineError("\(context): shape \(shape) has more elements than any tensor can hold") }
            return product
        }
    }

    private static func check(_ found: Int, _ expected: Int, _ shape: [Int], _ context: String) throws {
        guard found == expected else {
            throw EngineError("\(context): shape \(shape) needs \(expected) values but the tensor holds \(found)")
        }
    }

    private static func littleEndian<Element: BinaryInteger & FixedWidthInteger>(_ data: Data, as: Element.Type) -> [Element] {
        let count = data.count / MemoryLayout<Element>.size
        return data.withUnsafeBytes { raw in
            (0..<count).map { Element(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<Element>.size, as: Element.self)) }
        }
    }

    private static func littleEndian(_ data: Data, as: Float.Type) -> [Float] {
        littleEndian(data, as: UInt32.self).map { Float(bitPattern: $0) }
    }

    private static func littleEndian(_ data: Data, as: Double.Type) -> [Double] {
        littleEndian(data, as: UInt64.self).map { Double(bitPattern: $0) }
    }
}
