import CZlib

/// CRC-32 (IEEE 802.3, the one zlib and gzip use), computed by zlib.
enum CRC32 {
    /// The CRC of `first` followed by `second`.
    static func checksum(_ first: [UInt8], _ second: [UInt8]) -> UInt32 {
        var crc = crc32(0, nil, 0)
        crc = first.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, UInt32($0.count)) }
        crc = second.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, UInt32($0.count)) }
        return UInt32(truncatingIfNeeded: crc)
    }
}
