/// The layouts of `LayerBlockCodec` for bit patterns `width` bytes wide (4 for float32, 2 for
/// float16), written to and read from a payload before zstd.
enum BlockLayouts {
    static func write(_ patterns: [UInt32], layout: LayerBlockCodec.Layout, width: Int, into payload: inout PayloadWriter) throws {
        switch layout {
        case .shuffled:
            payload.writeBytes(shuffled(patterns, width: width))
        case .activeBitmap:
            var bitmap = [UInt8](repeating: 0, count: (patterns.count + 7) / 8)
            var active: [UInt32] = []
            for (index, bits) in patterns.enumerated() where bits != 0 {
                bitmap[index >> 3] |= 1 << UInt8(index & 7)
                active.append(bits)
            }
            payload.writeBytes(bitmap)
            payload.writeBytes(shuffled(active, width: width))
        case .dictionary8, .dictionary16:
            let dictionary = Array(Set(patterns)).sorted()
            let codeWidth = layout == .dictionary8 ? 1 : 2
            guard dictionary.count <= 1 << (8 * codeWidth) else { throw PayloadError("\(dictionary.count) distinct values for \(codeWidth)-byte codes") }
            var codeOf: [UInt32: UInt32] = [:]
            codeOf.reserveCapacity(dictionary.count)
            for (code, bits) in dictionary.enumerated() { codeOf[bits] = UInt32(code) }
            try payload.writeUInt32(dictionary.count)
            payload.writeBytes(shuffled(dictionary, width: width))
            payload.writeBytes(shuffled(patterns.map { codeOf[$0]! }, width: codeWidth))
        }
    }

    static func read(count: Int, layout: LayerBlockCodec.Layout, width: Int, from reader: inout PayloadReader) throws -> [UInt32] {
        switch layout {
        case .shuffled:
            return unshuffled(try reader.readBytes(count * width), count: count, width: width)
        case .activeBitmap:
            let bitmap = try reader.readBytes((count + 7) / 8)
            let activeCount = bitmap.reduce(0) { $0 + $1.nonzeroBitCount }
            let active = unshuffled(try reader.readBytes(activeCount * width), count: activeCount, width: width)
            var patterns = [UInt32](repeating: 0, count: count)
            var next = 0
            for index in 0..<count where bitmap[bitmap.startIndex + (index >> 3)] & (1 << UInt8(index & 7)) != 0 {
                patterns[index] = active[next]
                next += 1
            }
            return patterns
        case .dictionary8, .dictionary16:
            let codeWidth = layout == .dictionary8 ? 1 : 2
            let dictionaryCount = try reader.readCount(of: "dictionary values", minimumItemLength: width)
            let dictionary = unshuffled(try reader.readBytes(dictionaryCount * width), count: dictionaryCount, width: width)
            let codes = unshuffled(try reader.readBytes(count * codeWidth), count: count, width: codeWidth)
            return try codes.map { code in
                guard Int(code) < dictionary.count else { throw PayloadError("value code \(code) past a dictionary of \(dictionary.count)") }
                return dictionary[Int(code)]
            }
        }
    }

    /// Byte `b` of every pattern, for b in 0..<width.
    static func shuffled(_ patterns: [UInt32], width: Int) -> [UInt8] {
        let count = patterns.count
        return [UInt8](unsafeUninitializedCapacity: count * width) { bytes, initialized in
            patterns.withUnsafeBufferPointer { patterns in
                for plane in 0..<width {
                    let shift = UInt32(8 * plane), base = plane * count
                    for index in 0..<count { bytes[base + index] = UInt8(truncatingIfNeeded: patterns[index] >> shift) }
                }
            }
            initialized = count * width
        }
    }

    static func unshuffled(_ bytes: ArraySlice<UInt8>, count: Int, width: Int) -> [UInt32] {
        [UInt32](unsafeUninitializedCapacity: count) { patterns, initialized in
            bytes.withUnsafeBufferPointer { bytes in
                for index in 0..<count { patterns[index] = 0 }
                for plane in 0..<width {
                    let shift = UInt32(8 * plane), base = plane * count
                    for index in 0..<count { patterns[index] |= UInt32(bytes[base + index]) << shift }
                }
            }
            initialized = count
        }
    }
}

/// Counts distinct bit patterns with an open-addressing set, stopping past a limit.
enum DistinctPatternCounter {
    /// The number of distinct patterns, or `limit + 1` once there are more than `limit`.
    static func count(_ patterns: [UInt32], limit: Int) -> Int {
        var capacity = 1024
        while capacity < 2 * (limit + 1) { capacity *= 2 }
        let mask = capacity - 1
        var slots = [UInt32](repeating: 0, count: capacity)
        var occupied = [Bool](repeating: false, count: capacity)
        var distinct = 0
        for bits in patterns {
            var slot = Int(truncatingIfNeeded: (UInt64(bits) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
            while occupied[slot] && slots[slot] != bits { slot = (slot + 1) & mask }
            if !occupied[slot] {
                occupied[slot] = true
                slots[slot] = bits
                distinct += 1
                if distinct > limit { return distinct }
            }
        }
        return distinct
    }
}
