import Foundation

/// Writes `.npy` files (version 1.0, C order, little-endian): float32 tensors and int64 vectors.
public enum NPYWriter {
    /// Saves `tensor` as `<f4` with its shape.
    public static func write(_ tensor: Tensor, to path: String) throws {
        let littleEndian = tensor.values.map { $0.bitPattern.littleEndian }
        try save(header(descr: "<f4", shape: tensor.shape) + littleEndian.withUnsafeBytes { Data($0) }, to: path)
    }

    /// Saves integers (labels, parent indices) as a `<i8` vector.
    public static func write(integers: [Int], to path: String) throws {
        let littleEndian = integers.map { Int64($0).littleEndian }
        try save(header(descr: "<i8", shape: [integers.count]) + littleEndian.withUnsafeBytes { Data($0) }, to: path)
    }

    /// Magic, version 1.0, and the header dict padded with spaces so data starts at a multiple of 64.
    private static func header(descr: String, shape: [Int]) -> Data {
        let dimensions = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dictionary = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dimensions), }"
        let unpadded = 10 + dictionary.utf8.count + 1
        dictionary += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(NPYHeader.magic + [1, 0])
        let length = UInt16(dictionary.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(dictionary.utf8))
        return data
    }

    private static func save(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw EngineError("\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
