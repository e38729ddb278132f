import Foundation

/// The element types a packed column holds: one little-endian value per position (a dense
/// layer's weights from each source node, a node's running statistics per node of a layer).
/// Migration 0014 keeps `dense_weight_rows.weights` as float32, `node_label_layer_statistics`'
/// active counts as int32 and its means, m2s, minima and maxima as float64.
enum PackedElement: String, CaseIterable, Sendable {
    case float32, float64, int32

    /// Bytes per value.
    var size: Int {
        switch self {
        case .float32, .int32: 4
        case .float64: 8
        }
    }

    /// The little-endian bytes of `value` (float32 and int32: rounded to the type; callers pass
    /// values the type holds exactly).
    func append(_ value: Double, to data: inout Data) {
        switch self {
        case .float32: withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { data.append(contentsOf: $0) }
        case .float64: withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        case .int32: withUnsafeBytes(of: Int32(value).littleEndian) { data.append(contentsOf: $0) }
        }
    }

    /// The value at `offset` bytes into `bytes` (which need not be aligned).
    func read(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Double {
        switch self {
        case .float32: Double(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
        case .float64: Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        case .int32: Double(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        }
    }
}

/// Packing and unpacking whole columns, for ingest and the model registry.
enum PackedArray {
    /// `values` as one packed column of `element`.
    static func pack(_ values: some Collection<Double>, as element: PackedElement) -> Data {
        var data = Data(capacity: values.count * element.size)
        for value in values { element.append(value, to: &data) }
        return data
    }

    /// Every value of a packed column; nil when its length is not a whole number of values.
    static func unpack(_ data: Data, as element: PackedElement) -> [Double]? {
        guard data.count % element.size == 0 else { return nil }
        return data.withUnsafeBytes { bytes in
            (0..<(bytes.count / element.size)).map { element.read(bytes, at: $0 * element.size) }
        }
    }
}
