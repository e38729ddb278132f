/// Writes payload primitives as the format spec (`TraceStreamFormat`) describes them, so tests
/// can build payloads DeepProv's writer never would: counts and lengths that lie.
struct SpecPayloadWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { bytes += littleEndian(value) }
    mutating func i64(_ value: Int64) { bytes += (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    mutating func f32(_ value: Float) { u32(value.bitPattern) }

    mutating func string(_ text: String) {
        u32(UInt32(text.utf8.count))
        bytes += Array(text.utf8)
    }

    mutating func ints(_ values: [UInt32]) {
        u32(UInt32(values.count))
        values.forEach { u32($0) }
    }

    /// A version-2 header payload for a float32 stream: fingerprint, name, encoding,
    /// `attributeCount` (then no key/values), `layerCount`, then `layers` as already written
    /// entries, then an empty merged-sources section.
    static func header(attributeCount: UInt32 = 0, layerCount: UInt32, layers: [[UInt8]]) -> [UInt8] {
        var writer = SpecPayloadWriter()
        writer.string(String(repeating: "ab", count: 32))
        writer.string("hostile")
        writer.u8(0)
        writer.u32(attributeCount)
        writer.u32(layerCount)
        return writer.bytes + layers.joined() + littleEndian(0)
    }

    /// A layer table entry of kind `input`, activation `identity`, threshold 0 and no edge rule.
    static func inputLayer(index: UInt32, nodeCount: UInt32, nodeShape: [UInt32], source: Int64 = -1) -> [UInt8] {
        var writer = SpecPayloadWriter()
        writer.u32(index)
        writer.string("layer\(index)")
        writer.string("input")
        writer.string("identity")
        writer.f32(0)
        writer.u32(nodeCount)
        writer.ints(nodeShape)
        writer.i64(source)
        writer.u8(0)
        return writer.bytes
    }
}
