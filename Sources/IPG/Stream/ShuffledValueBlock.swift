/// One layer's node values for a frame's traces, stored as a byte-shuffled block: byte 0 of every
/// value, then byte 1 of every value, and so on. Neighbouring activations share exponent bytes
/// (and ReLU zeros share all of them), so the shuffled planes compress far better than raw floats.
enum ShuffledValueBlock {
    /// Encodes `values` (every trace's values for the layer, one trace after another) as one
    /// shuffled block.
    static func encode(_ values: ArraySlice<Float>, encoding: ValueEncoding) -> [UInt8] {
        let total = values.count
        let width = encoding.byteWidth
        return [UInt8](unsafeUninitializedCapacity: total * width) { block, initialized in
            values.withUnsafeBufferPointer { values in
                for (position, value) in values.enumerated() {
                    switch encoding {
                    case .float32:
                        let bits = value.bitPattern
                        block[position] = UInt8(truncatingIfNeeded: bits)
                        block[total + position] = UInt8(truncatingIfNeeded: bits >> 8)
                        block[2 * total + position] = UInt8(truncatingIfNeeded: bits >> 16)
                        block[3 * total + position] = UInt8(truncatingIfNeeded: bits >> 24)
                    case .float16:
                        let bits = Float16(value).bitPattern
                        block[position] = UInt8(truncatingIfNeeded: bits)
                        block[total + position] = UInt8(truncatingIfNeeded: bits >> 8)
                    }
                }
            }
            initialized = total * width
        }
    }

    /// Decodes a block of `rowCount` rows of `rowLength` values each.
    static func decode(_ block: ArraySlice<UInt8>, rowCount: Int, rowLength: Int, encoding: ValueEncoding) -> [[Float]] {
        let total = rowCount * rowLength
        precondition(block.count == total * encoding.byteWidth, "caller checks the block length")
        return block.withUnsafeBufferPointer { bytes in
            (0..<rowCount).map { row in
                [Float](unsafeUninitializedCapacity: rowLength) { values, initialized in
                    let start = row * rowLength
                    for index in 0..<rowLength {
                        let position = start + index
                        switch encoding {
                        case .float32:
                            let bits = UInt32(bytes[position]) | UInt32(bytes[total + position]) << 8
                                | UInt32(bytes[2 * total + position]) << 16 | UInt32(bytes[3 * total + position]) << 24
                            values[index] = Float(bitPattern: bits)
                        case .float16:
                            let bits = UInt16(bytes[position]) | UInt16(bytes[total + position]) << 8
                            values[index] = Float(Float16(bitPattern: bits))
                        }
                    }
                    initialized = rowLength
                }
            }
        }
    }
}
