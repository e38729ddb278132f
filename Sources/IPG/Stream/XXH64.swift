import CXXHash

/// XXH64 (seed 0) by libxxhash, the hash zstd uses for its frames' content checksums:
/// version-4 trace streams check each frame with its low 32 bits, which cost a fraction of a
/// CRC-32's instructions per byte.
struct XXH64: ~Copyable {
    private let state: OpaquePointer

    init() {
        state = XXH64_createState()
        XXH64_reset(state, 0)
    }

    deinit { XXH64_freeState(state) }

    /// The low 32 bits of the XXH64 of `first` followed by `second`.
    static func checksum32(_ first: [UInt8], _ second: [UInt8]) -> UInt32 {
        checksum32([first, second])
    }

    /// The low 32 bits of the XXH64 of `parts` one after another.
    static func checksum32(_ parts: [[UInt8]]) -> UInt32 {
        var hasher = XXH64()
        for part in parts { part.withUnsafeBytes { hasher.update($0) } }
        return UInt32(truncatingIfNeeded: hasher.finalize())
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        XXH64_update(state, bytes.baseAddress, bytes.count)
    }

    func finalize() -> UInt64 { XXH64_digest(state) }
}
