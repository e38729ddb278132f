/// XXH64 (seed 0), the hash zstd uses for its frames' content checksums: version-4 trace
/// streams check each frame with its low 32 bits, which cost a fraction of a CRC-32's
/// instructions per byte (four independent 64-bit lanes, 32 bytes a round).
struct XXH64 {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    private var lanes: (UInt64, UInt64, UInt64, UInt64) = (prime1 &+ prime2, prime2, 0, 0 &- prime1)
    private var totalLength = 0
    /// Bytes waiting for a whole 32-byte stripe.
    private var pending: [UInt8] = []

    /// The low 32 bits of the XXH64 of `first` followed by `second`.
    static func checksum32(_ first: [UInt8], _ second: [UInt8]) -> UInt32 {
        var hasher = XXH64()
        first.withUnsafeBytes { hasher.update($0) }
        second.withUnsafeBytes { hasher.update($0) }
        return UInt32(truncatingIfNeeded: hasher.finalize())
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        totalLength += bytes.count
        var start = 0
        if !pending.isEmpty {
            let taken = min(32 - pending.count, bytes.count)
            pending += UnsafeRawBufferPointer(start: base, count: taken)
            start = taken
            guard pending.count == 32 else { return }
            pending.withUnsafeBytes { consumeStripes($0.baseAddress!, count: 1) }
            pending = []
        }
        let stripes = (bytes.count - start) / 32
        consumeStripes(base + start, count: stripes)
        start += stripes * 32
        if start < bytes.count { pending = Array(UnsafeRawBufferPointer(start: base + start, count: bytes.count - start)) }
    }

    func finalize() -> UInt64 {
        var hash: UInt64
        if totalLength >= 32 {
            let (v1, v2, v3, v4) = lanes
            hash = Self.rotate(v1, 1) &+ Self.rotate(v2, 7) &+ Self.rotate(v3, 12) &+ Self.rotate(v4, 18)
            for lane in [v1, v2, v3, v4] { hash = (hash ^ Self.round(0, lane)) &* Self.prime1 &+ Self.prime4 }
        } else {
            hash = Self.prime5
        }
        hash &+= UInt64(totalLength)
        pending.withUnsafeBytes { tail in
            var offset = 0
            while offset + 8 <= tail.count {
                hash ^= Self.round(0, UInt64(littleEndian: tail.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                hash = Self.rotate(hash, 27) &* Self.prime1 &+ Self.prime4
                offset += 8
            }
            if offset + 4 <= tail.count {
                hash ^= UInt64(UInt32(littleEndian: tail.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) &* Self.prime1
                hash = Self.rotate(hash, 23) &* Self.prime2 &+ Self.prime3
                offset += 4
            }
            while offset < tail.count {
                hash ^= UInt64(tail[offset]) &* Self.prime5
                hash = Self.rotate(hash, 11) &* Self.prime1
                offset += 1
            }
        }
        hash ^= hash >> 33
        hash &*= Self.prime2
        hash ^= hash >> 29
        hash &*= Self.prime3
        hash ^= hash >> 32
        return hash
    }

    private mutating func consumeStripes(_ base: UnsafeRawPointer, count: Int) {
        var (v1, v2, v3, v4) = lanes
        for stripe in 0..<count {
            let offset = stripe &* 32
            v1 = Self.round(v1, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            v2 = Self.round(v2, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset &+ 8, as: UInt64.self)))
            v3 = Self.round(v3, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset &+ 16, as: UInt64.self)))
            v4 = Self.round(v4, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset &+ 24, as: UInt64.self)))
        }
        lanes = (v1, v2, v3, v4)
    }

    @inline(__always)
    private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        rotate(accumulator &+ input &* prime2, 31) &* prime1
    }

    @inline(__always)
    private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        value << count | value >> (64 - count)
    }
}
