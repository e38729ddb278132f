import Crypto

/// The identity of an input as the model saw it: sha256 of its values as float32 little-endian.
/// What a capture records as a trace's input hash (in hex) and what a store recomputes from a
/// trace's stored input values.
public enum InputDigest {
    /// sha256 of `values` as float32 little-endian bytes.
    public static func sha256(_ values: ArraySlice<Float>) -> [UInt8] {
        var hasher = SHA256()
        values.withUnsafeBufferPointer { buffer in
            #if _endian(little)
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))  // already the bytes hashed
            #else
            let littleEndian = buffer.map { $0.bitPattern.littleEndian }
            littleEndian.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            #endif
        }
        return Array(hasher.finalize())
    }
}
