/// The layouts of `LayerBlockCodec` for bit patterns `width` bytes wide (4 for float32, 2 for
/// float16), written to and read from a payload before zstd.
enum BlockLayouts {
    /// `parts`' bytes back to back, the shuffled and bitmap layouts written straight into
    /// `payload` (no array per part, as a stream frame's value blocks take them). With
    /// `rawCandidates` (a version-4 frame), a shuffled or bitmap layout starts with a `u8` mask
    /// of the byte planes it keeps in `raw` instead (the frame's raw section, which zstd never
    /// sees): those of the candidates whose bytes look incompressible (`looksIncompressible`).
    static func write(
        _ patterns: [UInt32], layout: LayerBlockCodec.Layout, width: Int, into payload: inout PayloadWriter,
        rawCandidates: UInt8? = nil, raw: inout PayloadWriter
    ) throws {
        switch layout {
        case .shuffled:
            patterns.withUnsafeBufferPointer { patterns in
                var rawPlanes: UInt8 = 0
                if let rawCandidates {
                    rawPlanes = incompressiblePlanes(of: patterns, among: rawCandidates)
                    payload.writeUInt8(rawPlanes)
                }
                writeShuffled(patterns, width: width, into: &payload, rawPlanes: rawPlanes, raw: &raw)
            }
        case .activeBitmap:
            writeBitmapLayout(count: patterns.count, width: width, into: &payload, rawCandidates: rawCandidates, raw: &raw) { bitmap, active in
                patterns.withUnsafeBufferPointer { gatherActive($0, bitmap: bitmap, active: active) }
            }
        case .dictionary8, .dictionary16, .predictedDictionary8, .modelledDictionary8, .rotatedBitmap, .steppedDictionary8:
            for part in try parts(patterns, layout: layout, width: width) { payload.writeBytes(part) }
        }
    }

    /// The `.activeBitmap` layout of `count` patterns that `gather` writes (as `gatherActive`
    /// does: the bitmap's `(count + 7) / 8` bytes and the active patterns, room for `count`,
    /// returning how many): with `rawCandidates`, the raw-plane mask, then the bitmap (or, when it
    /// looks random, in `raw`) and the active patterns shuffled.
    static func writeBitmapLayout(
        count: Int, width: Int, into payload: inout PayloadWriter, rawCandidates: UInt8?, raw: inout PayloadWriter,
        gather: (_ bitmap: UnsafeMutablePointer<UInt8>, _ active: UnsafeMutablePointer<UInt32>) -> Int
    ) {
        let bitmapLength = (count + 7) / 8
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bitmapLength, 1)) { bitmap in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(count, 1)) { active in
                let activeCount = count == 0 ? 0 : gather(bitmap.baseAddress!, active.baseAddress!)
                let bitmap = UnsafeBufferPointer(rebasing: bitmap[0..<bitmapLength])
                let active = UnsafeBufferPointer(rebasing: active[0..<activeCount])
                var rawPlanes: UInt8 = 0
                if let rawCandidates {
                    rawPlanes = incompressiblePlanes(of: active, among: rawCandidates)
                    // A bitmap as good as random (ReLU zeros at random) goes to the raw section too.
                    if looksRandom(bitmap) { rawPlanes |= rawBitmap }
                    payload.writeUInt8(rawPlanes)
                }
                if rawPlanes & rawBitmap != 0 {
                    raw.writeBytes(count: bitmapLength) { $0.update(from: bitmap.baseAddress!, count: bitmapLength) }
                } else {
                    payload.writeBytes(count: bitmapLength) { $0.update(from: bitmap.baseAddress!, count: bitmapLength) }
                }
                writeShuffled(active, width: width, into: &payload, rawPlanes: rawPlanes, raw: &raw)
            }
        }
    }

    /// `write`'s bytes cut where their statistics change, each part alike within itself: the
    /// bitmap, each byte plane of the values, the dictionary's count and planes, each plane of
    /// the codes. A store block compresses each part on its own (zstd's entropy tables then fit
    /// one plane, not the mix of a float's mostly alike exponent byte and its noisy mantissa).
    static func parts(_ patterns: [UInt32], layout: LayerBlockCodec.Layout, width: Int) throws -> [[UInt8]] {
        switch layout {
        case .shuffled:
            return planes(patterns, width: width)
        case .activeBitmap:
            let (bitmap, active) = bitmapAndActive(patterns)
            return [bitmap] + planes(active, width: width)
        case .dictionary8, .dictionary16:
            let codeWidth = layout == .dictionary8 ? 1 : 2
            var table = PatternTable(patterns, limit: 1 << (8 * codeWidth))
            guard table.distinct.count <= 1 << (8 * codeWidth) else { throw PayloadError("\(table.distinct.count) distinct values for \(codeWidth)-byte codes") }
            let (dictionary, codes) = table.codes(of: patterns)
            var count = PayloadWriter()
            try count.writeUInt32(dictionary.count)
            return [count.bytes] + planes(dictionary, width: width) + planes(codes, width: codeWidth)
        case .predictedDictionary8, .modelledDictionary8, .rotatedBitmap, .steppedDictionary8:
            throw PayloadError("layout \(layout.rawValue) needs the values per trace: use predictedParts, modelledParts, rotatedParts or steppedParts")
        }
    }

    /// The parts of `.predictedDictionary8` for trace-major `patterns`, `rowLength` per trace:
    /// a `u32` dictionary count, a `u32` image width and the `u32` length of each of the
    /// `PredictedCodes.contextCount` streams; the dictionary (ordered by value) in planes; then
    /// the streams of each value's rank in it less its prediction (`PredictedCodes`), one byte.
    static func predictedParts(_ patterns: [UInt32], rowLength: Int, width: Int) throws -> [[UInt8]] {
        let (dictionary, ranks, imageWidth) = try imageRanks(patterns, rowLength: rowLength)
        let streams = PredictedCodes.residuals(ranks, rowLength: rowLength, width: imageWidth)
        var header = PayloadWriter()
        try header.writeUInt32(dictionary.count)
        try header.writeUInt32(imageWidth)
        for stream in streams { try header.writeUInt32(stream.count) }
        return [header.bytes] + planes(dictionary, width: width) + streams
    }

    /// The parts of `.modelledDictionary8` for trace-major `patterns`, `rowLength` per trace: a
    /// `u32` dictionary count, a `u32` image width, the `u32` length of the coded ranks and the
    /// ranks' CRC-32 (arithmetic codes have no redundancy: damage would decode to other values);
    /// the dictionary (ordered by value) in planes; then the ranks range-coded (`ModelledCodes`).
    static func modelledParts(_ patterns: [UInt32], rowLength: Int, width: Int) throws -> [[UInt8]] {
        let (dictionary, ranks, imageWidth) = try imageRanks(patterns, rowLength: rowLength)
        let coded = ModelledCodes.encode(ranks, rowLength: rowLength, width: imageWidth, largest: max(dictionary.count - 1, 0))
        var header = PayloadWriter()
        try header.writeUInt32(dictionary.count)
        try header.writeUInt32(imageWidth)
        try header.writeUInt32(coded.count)
        header.writeUInt32(CRC32.checksum(ranks, []))
        return [header.bytes] + planes(dictionary, width: width) + [coded]
    }

    /// The parts of `.rotatedBitmap` for node-major float32 `patterns`, `rowLength` per trace: a
    /// bit per node (LSB first), set where the node is active in more than half the block's
    /// traces; the bitmap of the patterns that are not 0, each such node's run of bits inverted
    /// (so that every node's bits are mostly 0, which zstd's Huffman codes codes better); then
    /// those patterns, each rotated left by one bit, in byte planes.
    static func rotatedParts(_ patterns: [UInt32], rowLength: Int, width: Int) throws -> [[UInt8]] {
        try requireRotatable(width)
        let (bitmap, active) = bitmapAndActive(patterns)
        let count = patterns.count, rowCount = rowLength == 0 ? 0 : count / rowLength
        var words = bitmapWords(bitmap[...], count: count)
        var inverted = [UInt8](repeating: 0, count: (rowLength + 7) / 8)
        for node in 0..<rowLength where 2 * activeCount(words, from: node * rowCount, to: (node + 1) * rowCount) > rowCount {
            inverted[node >> 3] |= 1 << (node & 7)
            invert(&words, from: node * rowCount, to: (node + 1) * rowCount)
        }
        for index in words.indices { words[index] = words[index].littleEndian }
        let invertedBitmap = words.withUnsafeBytes { Array($0.prefix((count + 7) / 8)) }
        return [inverted, invertedBitmap] + planes(active.map { $0 &<< 1 | $0 &>> 31 }, width: width)
    }

    /// The bitmap of the patterns that are not 0 (LSB first) and those patterns.
    private static func bitmapAndActive(_ patterns: [UInt32]) -> (bitmap: [UInt8], active: [UInt32]) {
        let count = patterns.count
        var active: [UInt32] = []
        let bitmap = [UInt8](unsafeUninitializedCapacity: (count + 7) / 8) { bitmap, bitmapInitialized in
            active = [UInt32](unsafeUninitializedCapacity: count) { active, activeInitialized in
                guard count > 0 else { return }
                activeInitialized = patterns.withUnsafeBufferPointer { gatherActive($0, bitmap: bitmap.baseAddress!, active: active.baseAddress!) }
            }
            bitmapInitialized = (count + 7) / 8
        }
        return (bitmap, active)
    }

    /// A bitmap's bytes as little-endian 64-bit words, zero-padded.
    private static func bitmapWords(_ bytes: ArraySlice<UInt8>, count: Int) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: (count + 63) / 64)
        words.withUnsafeMutableBytes { words in bytes.withUnsafeBytes { words.copyMemory(from: $0) } }
        for index in words.indices { words[index] = UInt64(littleEndian: words[index]) }
        return words
    }

    /// Calls `body` with each word index and the mask of the bits `start..<end` in that word.
    @inline(__always)
    private static func forEachWord(from start: Int, to end: Int, _ body: (Int, UInt64) -> Void) {
        var position = start
        while position < end {
            let offset = position & 63, taken = min(64 - offset, end - position)
            body(position >> 6, (taken == 64 ? UInt64.max : (1 << UInt64(taken)) - 1) << UInt64(offset))
            position += taken
        }
    }

    /// How many of the bits `start..<end` are set.
    private static func activeCount(_ words: [UInt64], from start: Int, to end: Int) -> Int {
        var count = 0
        forEachWord(from: start, to: end) { word, mask in count += (words[word] & mask).nonzeroBitCount }
        return count
    }

    /// Inverts the bits `start..<end`.
    private static func invert(_ words: inout [UInt64], from start: Int, to end: Int) {
        forEachWord(from: start, to: end) { word, mask in words[word] ^= mask }
    }

    /// What the predicted and modelled layouts code: the dictionary of `patterns` (at most 256,
    /// ordered by value), each pattern's rank in it, and the width of the images the traces'
    /// `rowLength` values are read as.
    private static func imageRanks(_ patterns: [UInt32], rowLength: Int) throws -> (dictionary: [UInt32], ranks: [UInt8], imageWidth: Int) {
        var table = PatternTable(patterns, limit: 256)
        guard table.distinct.count <= 256 else { throw PayloadError("\(table.distinct.count) distinct values for 1-byte codes") }
        let (dictionary, codes) = table.codes(of: patterns, orderedBy: PredictedCodes.orderKey)
        return (dictionary, codes.map { UInt8(truncatingIfNeeded: $0) }, PredictedCodes.width(forRowLength: rowLength))
    }

    /// The patterns shuffled (`width` bytes each), one array per byte plane.
    static func planes(_ patterns: [UInt32], width: Int) -> [[UInt8]] {
        patterns.withUnsafeBufferPointer { patterns in
            (0..<width).map { number in
                [UInt8](unsafeUninitializedCapacity: patterns.count) { plane, initialized in
                    if let target = plane.baseAddress { shufflePlane(number, of: patterns, into: target) }
                    initialized = patterns.count
                }
            }
        }
    }

    /// `count` patterns laid out in `layout` (`rowLength` per trace: the predicted layout's
    /// images restart at each trace). The byte planes of a shuffled or bitmap layout named in
    /// `rawPlanes` come from `raw` (a version-4 frame's raw section).
    static func read(
        count: Int, layout: LayerBlockCodec.Layout, width: Int, rowLength: Int, from reader: inout PayloadReader,
        rawPlanes: UInt8 = 0, raw: inout PayloadReader
    ) throws -> [UInt32] {
        /// `count` shuffled patterns, each plane from the payload or the raw section.
        func shuffled(_ count: Int) throws -> [UInt32] {
            if rawPlanes & ~rawBitmap == 0 { return unshuffled(try reader.readBytes(count * width), count: count, width: width) }
            let planes = try (0..<width).map { plane in
                rawPlanes >> plane & 1 == 1 ? try raw.readBytes(count) : try reader.readBytes(count)
            }
            return unshuffled(planes: planes, count: count)
        }
        switch layout {
        case .shuffled:
            return try shuffled(count)
        case .activeBitmap, .rotatedBitmap:
            // The rotated layout's inverted nodes are inverted back, and its patterns turn back
            // right by one bit as they are placed (a rotation by 0 for the plain one: no branch
            // in the loop).
            let rotated = layout == .rotatedBitmap
            if rotated { try requireRotatable(width) }
            let rotation: UInt32 = rotated ? 1 : 0
            let inverted = rotated ? try reader.readBytes((rowLength + 7) / 8) : []
            // Read 64 bits at a time (the bitmap's bytes zero-padded to whole words).
            let bitmapBytes = rawPlanes & rawBitmap != 0 ? try raw.readBytes((count + 7) / 8) : try reader.readBytes((count + 7) / 8)
            var words = bitmapWords(bitmapBytes, count: count)
            if rotated && !inverted.allSatisfy({ $0 == 0 }) {
                guard rowLength > 0, count % rowLength == 0 else { throw PayloadError("\(count) values are not whole traces of \(rowLength)") }
                let rowCount = count / rowLength
                for node in 0..<rowLength where inverted[inverted.startIndex + (node >> 3)] >> (node & 7) & 1 == 1 {
                    invert(&words, from: node * rowCount, to: (node + 1) * rowCount)
                }
            }
            let activeCount = words.reduce(0) { $0 + $1.nonzeroBitCount }
            let active = try shuffled(activeCount)
            return [UInt32](unsafeUninitializedCapacity: count) { patterns, initialized in
                patterns.initialize(repeating: 0)
                words.withUnsafeBufferPointer { words in
                    active.withUnsafeBufferPointer { active in
                        var next = 0
                        for wordIndex in 0..<words.count {
                            var bits = words[wordIndex]
                            while bits != 0 {
                                // A bitmap's padding bits past `count` are never set by `write`.
                                let index = wordIndex << 6 + bits.trailingZeroBitCount
                                let pattern = active[next]
                                if index < count { patterns[index] = pattern &>> rotation | pattern &<< (32 &- rotation) }
                                next += 1
                                bits &= bits - 1
                            }
                        }
                    }
                }
                initialized = count
            }
        case .predictedDictionary8:
            let dictionaryCount = try reader.readCount(of: "dictionary values", minimumItemLength: width)
            let imageWidth = try reader.readCount()
            guard dictionaryCount <= 256, imageWidth >= 1 else { throw PayloadError("a predicted dictionary of \(dictionaryCount) values in images \(imageWidth) wide") }
            let streamLengths = try (0..<PredictedCodes.contextCount).map { _ in try reader.readCount() }
            let dictionary = unshuffled(try reader.readBytes(dictionaryCount * width), count: dictionaryCount, width: width)
            let streams = try streamLengths.map { try reader.readBytes($0) }
            let ranks = try PredictedCodes.ranks(streams, count: count, rowLength: rowLength, width: imageWidth)
            if let largest = ranks.max(), Int(largest) >= dictionary.count {
                throw PayloadError("value code \(largest) past a dictionary of \(dictionary.count)")
            }
            return ranks.map { dictionary[Int($0)] }
        case .modelledDictionary8:
            let dictionaryCount = try reader.readCount(of: "dictionary values", minimumItemLength: width)
            let imageWidth = try reader.readCount(), codedLength = try reader.readCount(), checksum = try reader.readUInt32()
            guard dictionaryCount >= 1 || count == 0, dictionaryCount <= 256, imageWidth >= 1 else {
                throw PayloadError("a modelled dictionary of \(dictionaryCount) values in images \(imageWidth) wide")
            }
            let dictionary = unshuffled(try reader.readBytes(dictionaryCount * width), count: dictionaryCount, width: width)
            let ranks = try ModelledCodes.decode(try reader.readBytes(codedLength), count: count, rowLength: rowLength, width: imageWidth, largest: max(dictionaryCount - 1, 0))
            guard CRC32.checksum(ranks, []) == checksum else { throw PayloadError("modelled values whose CRC-32 is not the block's") }
            return [UInt32](unsafeUninitializedCapacity: count) { patterns, initialized in
                dictionary.withUnsafeBufferPointer { dictionary in
                    ranks.withUnsafeBufferPointer { ranks in
                        for index in 0..<count { patterns[index] = dictionary[Int(ranks[index])] }
                    }
                }
                initialized = count
            }
        case .steppedDictionary8:
            return try readStepped(count: count, width: width, rowLength: rowLength, from: &reader)
        case .dictionary8, .dictionary16:
            let codeWidth = layout == .dictionary8 ? 1 : 2
            let dictionaryCount = try reader.readCount(of: "dictionary values", minimumItemLength: width)
            let dictionary = unshuffled(try reader.readBytes(dictionaryCount * width), count: dictionaryCount, width: width)
            let codes = unshuffled(try reader.readBytes(count * codeWidth), count: count, width: codeWidth)
            if let largest = codes.max(), Int(largest) >= dictionary.count {
                throw PayloadError("value code \(largest) past a dictionary of \(dictionary.count)")
            }
            return [UInt32](unsafeUninitializedCapacity: count) { patterns, initialized in
                dictionary.withUnsafeBufferPointer { dictionary in
                    codes.withUnsafeBufferPointer { codes in
                        for index in 0..<count { patterns[index] = dictionary[Int(codes[index])] }
                    }
                }
                initialized = count
            }
        }
    }

    /// `rotatedBitmap` rotates 32-bit patterns: float32 values only.
    private static func requireRotatable(_ width: Int) throws {
        guard width == 4 else { throw PayloadError("the rotated bitmap layout holds float32 values, not \(width)-byte ones") }
    }

    /// Writes the bitmap of the patterns that are not 0 (LSB first; `(count + 7) / 8` bytes) and
    /// those patterns (room for all of them at `active`), in one pass without branches (every
    /// pattern is stored, the next slot taken only after a nonzero one); returns how many.
    static func gatherActive(_ patterns: UnsafeBufferPointer<UInt32>, bitmap: UnsafeMutablePointer<UInt8>, active target: UnsafeMutablePointer<UInt32>) -> Int {
        let count = patterns.count
        guard count > 0, let source = patterns.baseAddress else { return 0 }
        var next = 0
        // Whole bytes with a constant bit count (unrolled by the compiler), then the rest.
        for byteIndex in 0..<(count / 8) {
            let base = byteIndex &<< 3
            var byte: UInt8 = 0
            for bit in 0..<8 {
                let bits = source[base &+ bit]
                target[next] = bits
                let isActive: UInt8 = bits != 0 ? 1 : 0
                next = next &+ Int(isActive)
                byte |= isActive &<< UInt8(truncatingIfNeeded: bit)
            }
            bitmap[byteIndex] = byte
        }
        if count % 8 != 0 {
            let base = count & ~7
            var byte: UInt8 = 0
            for bit in 0..<(count &- base) {
                let bits = source[base &+ bit]
                target[next] = bits
                let isActive: UInt8 = bits != 0 ? 1 : 0
                next = next &+ Int(isActive)
                byte |= isActive &<< UInt8(truncatingIfNeeded: bit)
            }
            bitmap[count / 8] = byte
        }
        return next
    }

    /// Appends the patterns shuffled: byte `b` of every pattern, for b in 0..<width, to the
    /// payload, or to `raw` for the planes in `rawPlanes`.
    private static func writeShuffled(
        _ patterns: UnsafeBufferPointer<UInt32>, width: Int, into payload: inout PayloadWriter,
        rawPlanes: UInt8, raw: inout PayloadWriter
    ) {
        let count = patterns.count
        if rawPlanes == 0 {
            payload.writeBytes(count: count * width) { bytes in
                for number in 0..<width { shufflePlane(number, of: patterns, into: bytes + number * count) }
            }
            return
        }
        for number in 0..<width {
            if rawPlanes >> number & 1 == 1 {
                raw.writeBytes(count: count) { shufflePlane(number, of: patterns, into: $0) }
            } else {
                payload.writeBytes(count: count) { shufflePlane(number, of: patterns, into: $0) }
            }
        }
    }

    /// The raw-plane mask's bit for a bitmap layout's bitmap kept in the raw section.
    static let rawBitmap: UInt8 = 0x80

    /// The planes among `candidates` (bit `b`: byte plane `b`) whose bytes look as good as
    /// random (`looksRandom`), so that zstd could not shrink them. Blocks under 256 patterns
    /// keep every plane in zstd.
    static func incompressiblePlanes(of patterns: UnsafeBufferPointer<UInt32>, among candidates: UInt8) -> UInt8 {
        let count = patterns.count
        guard count >= 256, candidates != 0, let base = patterns.baseAddress else { return 0 }
        var mask: UInt8 = 0
        for plane in 0..<4 where candidates >> plane & 1 == 1 {
            let shift = UInt32(truncatingIfNeeded: 8 &* plane)
            if looksRandom(count: count, { UInt8(truncatingIfNeeded: base[$0] &>> shift) }) { mask |= 1 << plane }
        }
        return mask
    }

    /// Whether `bytes` (256 or more) look as good as random.
    static func looksRandom(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 256, let base = bytes.baseAddress else { return false }
        return looksRandom(count: bytes.count) { base[$0] }
    }

    /// Whether the bytes `byte(0..<count)` look as good as random: in a sample of up to 4,096
    /// spread over them, the byte values' sum of squared counts (the collision rate) is within
    /// 4 % of a uniform byte's, plus a margin for sampling noise (about seven standard
    /// deviations of uniform bytes' rate), i.e. a collision entropy of about 7.9 bits or more.
    @inline(__always)
    private static func looksRandom(count: Int, _ byte: (Int) -> UInt8) -> Bool {
        let sampleCount = min(count, 4_096), step = count / sampleCount
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
            counts.initialize(repeating: 0)
            for sample in 0..<sampleCount { counts[Int(byte(sample &* step))] &+= 1 }
            let sumOfSquares = counts.reduce(0) { $0 &+ $1 &* $1 }
            // uniform bytes: about n + n²/256, with a standard deviation of about 0.09 n
            return 256 * sumOfSquares <= sampleCount * sampleCount * 104 / 100 + 410 * sampleCount
        }
    }

    /// Byte `number` of every pattern: one loop with a constant shift (masking, no overflow
    /// checks), which the compiler vectorizes.
    private static func shufflePlane(_ number: Int, of patterns: UnsafeBufferPointer<UInt32>, into target: UnsafeMutablePointer<UInt8>) {
        guard let source = patterns.baseAddress else { return }
        let shift = UInt32(truncatingIfNeeded: 8 &* number)
        for index in 0..<patterns.count { target[index] = UInt8(truncatingIfNeeded: source[index] &>> shift) }
    }

    /// Patterns from their byte planes (`count` bytes each, plane 0 first), wherever each lies.
    static func unshuffled(planes: [ArraySlice<UInt8>], count: Int) -> [UInt32] {
        var patterns = [UInt32](repeating: 0, count: count)
        patterns.withUnsafeMutableBufferPointer { patterns in
            for (number, plane) in planes.enumerated() {
                plane.withUnsafeBufferPointer { plane in
                    let shift = UInt32(truncatingIfNeeded: 8 &* number)
                    for index in 0..<count { patterns[index] |= UInt32(plane[index]) &<< shift }
                }
            }
        }
        return patterns
    }

    static func unshuffled(_ bytes: ArraySlice<UInt8>, count: Int, width: Int) -> [UInt32] {
        [UInt32](unsafeUninitializedCapacity: count) { patterns, initialized in
            bytes.withUnsafeBufferPointer { bytes in
                guard count > 0, let base = bytes.baseAddress else { return }
                switch width {
                case 4:
                    let (p0, p1, p2, p3) = (base, base + count, base + 2 * count, base + 3 * count)
                    for index in 0..<count {
                        patterns[index] = UInt32(p0[index]) | UInt32(p1[index]) << 8 | UInt32(p2[index]) << 16 | UInt32(p3[index]) << 24
                    }
                case 2:
                    let (p0, p1) = (base, base + count)
                    for index in 0..<count { patterns[index] = UInt32(p0[index]) | UInt32(p1[index]) << 8 }
                default:
                    for index in 0..<count { patterns[index] = UInt32(base[index]) }
                }
            }
            initialized = count
        }
    }
}

/// The distinct bit patterns of some values in an open-addressing table (Swift's `Set` and
/// `Dictionary` hash too slowly for the ~50,000 values of every input block stored).
struct PatternTable {
    private var keys: [UInt32]
    private var occupied: [Bool]
    private var codes: [UInt32]
    private let mask: Int
    /// The distinct patterns, in first-seen order.
    private(set) var distinct: [UInt32] = []

    /// The distinct patterns of `patterns`, stopping once there are more than `limit`.
    init<Patterns: Sequence<UInt32>>(_ patterns: Patterns, limit: Int) {
        var capacity = 1024
        while capacity < 2 * (limit + 1) { capacity *= 2 }
        keys = [UInt32](repeating: 0, count: capacity)
        occupied = [Bool](repeating: false, count: capacity)
        codes = []
        mask = capacity - 1
        for bits in patterns {
            let slot = self.slot(of: bits)
            if !occupied[slot] {
                occupied[slot] = true
                keys[slot] = bits
                distinct.append(bits)
                if distinct.count > limit { return }
            }
        }
    }

    private func slot(of bits: UInt32) -> Int {
        var slot = Int(truncatingIfNeeded: (UInt64(bits) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
        while occupied[slot] && keys[slot] != bits { slot = (slot + 1) & mask }
        return slot
    }

    /// The distinct patterns in ascending order (of `key`), and each of `patterns`' index in them (every
    /// pattern must be among the distinct ones).
    mutating func codes(of patterns: [UInt32], orderedBy key: (UInt32) -> UInt32 = { $0 }) -> (dictionary: [UInt32], codes: [UInt32]) {
        let dictionary = distinct.sorted { key($0) < key($1) }
        codes = [UInt32](repeating: 0, count: keys.count)
        for (code, bits) in dictionary.enumerated() { codes[slot(of: bits)] = UInt32(code) }
        return (dictionary, patterns.map { codes[slot(of: $0)] })
    }
}

extension BlockLayouts {
    /// A `rows` × `columns` matrix (row-major) transposed, in tiles that stay in cache.
    static func transposed<Element>(_ matrix: [Element], rows: Int, columns: Int) -> [Element] {
        precondition(matrix.count == rows * columns)
        let tile = 32
        return [Element](unsafeUninitializedCapacity: matrix.count) { result, initialized in
            matrix.withUnsafeBufferPointer { source in
                for rowStart in stride(from: 0, to: rows, by: tile) {
                    let rowEnd = min(rowStart + tile, rows)
                    for columnStart in stride(from: 0, to: columns, by: tile) {
                        let columnEnd = min(columnStart + tile, columns)
                        for row in rowStart..<rowEnd {
                            for column in columnStart..<columnEnd { (result.baseAddress! + column * rows + row).initialize(to: source[row * columns + column]) }
                        }
                    }
                }
            }
            initialized = matrix.count
        }
    }
}
