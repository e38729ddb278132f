/// The 20-byte header in front of every frame (layout in `TraceStreamFormat`).
struct FrameHeader {
    var kind: UInt8
    var valueEncoding: UInt8
    var itemCount: UInt32
    var storedLength: UInt32
    var decodedLength: UInt32
    var checksum: UInt32

    /// Bytes 0–15: everything but the checksum.
    var checkedBytes: [UInt8] {
        var writer = PayloadWriter(reservingCapacity: 16)
        writer.writeUInt8(kind)
        writer.writeUInt8(valueEncoding)
        writer.writeUInt8(0)
        writer.writeUInt8(0)
        writer.writeUInt32(itemCount)
        writer.writeUInt32(storedLength)
        writer.writeUInt32(decodedLength)
        return writer.bytes
    }

    /// A frame of `kind` around an already compressed payload, stored as `storedParts` one
    /// after another (written as they are, never joined), with its checksum.
    static func sealing(
        kind: TraceStreamFormat.FrameKind, valueEncoding: UInt8, itemCount: Int, storedParts: [[UInt8]], decodedLength: Int,
        version: UInt16 = TraceStreamFormat.version
    ) -> FrameHeader {
        var header = FrameHeader(
            kind: kind.rawValue, valueEncoding: valueEncoding, itemCount: UInt32(itemCount),
            storedLength: UInt32(storedParts.reduce(0) { $0 + $1.count }), decodedLength: UInt32(decodedLength), checksum: 0)
        header.checksum = checksum(header.checkedBytes, storedParts, version: version)
        return header
    }

    /// The checksum of a frame of stream format `version` (header bytes 0–15, then the stored
    /// payload): CRC-32 up to version 3, the low 32 bits of XXH64 from version 4.
    static func checksum(_ checkedBytes: [UInt8], _ stored: [UInt8], version: UInt16) -> UInt32 {
        checksum(checkedBytes, [stored], version: version)
    }

    /// The checksum of a frame whose stored payload is `storedParts` one after another.
    static func checksum(_ checkedBytes: [UInt8], _ storedParts: [[UInt8]], version: UInt16) -> UInt32 {
        version >= 4 ? XXH64.checksum32([checkedBytes] + storedParts) : CRC32.checksum(checkedBytes, storedParts.flatMap { $0 })
    }

    var bytes: [UInt8] {
        var writer = PayloadWriter(reservingCapacity: 20)
        writer.writeBytes(checkedBytes)
        writer.writeUInt32(checksum)
        return writer.bytes
    }

    init(kind: UInt8, valueEncoding: UInt8, itemCount: UInt32, storedLength: UInt32, decodedLength: UInt32, checksum: UInt32) {
        self.kind = kind
        self.valueEncoding = valueEncoding
        self.itemCount = itemCount
        self.storedLength = storedLength
        self.decodedLength = decodedLength
        self.checksum = checksum
    }

    /// Parses 20 bytes; reserved bytes must be zero.
    init(parsing bytes: [UInt8]) throws {
        var reader = PayloadReader(bytes)
        kind = try reader.readUInt8()
        valueEncoding = try reader.readUInt8()
        let reserved = [try reader.readUInt8(), try reader.readUInt8()]
        itemCount = try reader.readUInt32()
        storedLength = try reader.readUInt32()
        decodedLength = try reader.readUInt32()
        checksum = try reader.readUInt32()
        guard reserved == [0, 0] else { throw PayloadError("reserved header bytes are \(reserved), not 0") }
    }
}
