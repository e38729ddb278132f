/// The `steppedDictionary8` layout's codes (layout 7, store blocks of float32 only): values that
/// are each a level of an image moved by a step −ε or +ε and clipped to the images' range, as an
/// FGSM attack makes them of images on a grid of at most 256 levels — about 500 distinct values
/// a block, too many for layout 5's one-byte ranks. Each distinct value is read as a level k and
/// a step s (`split`, which finds ε and the levels from the values); the levels of each trace,
/// an image of ranks like a clean one, are range-coded as layout 5 codes its ranks
/// (`ModelledCodes`), the steps under contexts of their own (`encodeSteps`). A table maps each
/// (level, step) used back to its bit pattern, so decoding does no arithmetic and gives back
/// exactly the patterns stored, whatever ε; a pattern no level ± ε explains (not finite, −0.0
/// beside +0.0, a value next to another) takes the middle step, kept, with a level of its own.
enum SteppedCodes {
    /// The steps: a level less ε, a pattern kept as it is, a level plus ε.
    static let minus: UInt8 = 0, kept: UInt8 = 1, plus: UInt8 = 2

    /// Each value of a block read as a level and a step.
    struct Split {
        /// The levels run 0..<levelCount (at most 256).
        var levelCount: Int
        /// Per step and level (`step × levelCount + level`), the pattern it stands for, if any.
        var table: [UInt32?]
        /// Each value's level and step, trace-major as the patterns were.
        var levels: [UInt8]
        var steps: [UInt8]
    }

    /// `patterns` (float32, trace-major, `rowLength` per trace) read as levels ± ε, or nil when
    /// they are not such values: more than 768 distinct patterns, fewer than 3 finite values, no
    /// ε that pairs a quarter of the values v with a v + 2ε, or more than 256 levels. ε is one of
    /// the distances v − lo and hi − v from the smallest and largest values (the clipped ones):
    /// of those that pair enough values, the one whose levels and steps of the first traces (4,
    /// or fewer of more than 1,024 values) code smallest.
    static func split(_ patterns: [UInt32], rowLength: Int) -> Split? {
        let distinct = Set(patterns)
        // 256 levels of 3 steps at most.
        guard distinct.count <= 3 * 256 else { return nil }
        var finite: [(value: Double, pattern: UInt32)] = []
        var others: [UInt32] = []
        for pattern in distinct {
            let value = Float(bitPattern: pattern)
            if value.isFinite { finite.append((Double(value), pattern)) } else { others.append(pattern) }
        }
        finite.sort { $0.value < $1.value || ($0.value == $1.value && $0.pattern < $1.pattern) }
        // A second pattern of one value (−0.0 beside +0.0) is kept as it is.
        var values: [Double] = [], valuePatterns: [UInt32] = []
        for (value, pattern) in finite {
            if value == values.last {
                others.append(pattern)
            } else {
                values.append(value)
                valuePatterns.append(pattern)
            }
        }
        others.sort()
        guard values.count >= 3, others.count <= 256, let lo = values.first, let hi = values.last else { return nil }
        let tolerance = max(abs(lo), abs(hi)) * 0x1p-20
        func index(near target: Double) -> Int? {
            var (low, high) = (0, values.count)
            while low < high {
                let middle = (low + high) / 2
                if values[middle] < target - tolerance { low = middle + 1 } else { high = middle }
            }
            return low < values.count && abs(values[low] - target) <= tolerance ? low : nil
        }
        // Where each pattern is: a position in `values`, or past them in `others`.
        var positions = [UInt32: Int](minimumCapacity: distinct.count)
        for (position, pattern) in valuePatterns.enumerated() { positions[pattern] = position }
        for (offset, pattern) in others.enumerated() { positions[pattern] = values.count + offset }
        // The first 4 traces, or as many as make 4,096 values (at least one). 16 stored every
        // block of the bench-store FGSM streams in the same bytes, and ingested them 1.25× slower.
        let sample = patterns.prefix(max(1, min(4, 4_096 / max(rowLength, 1))) * max(rowLength, 1)).map { positions[$0]! }
        var best: (levels: [UInt8], steps: [UInt8], levelCount: Int, cost: Int)?
        var tried: Double = -.infinity
        for epsilon in values.flatMap({ [$0 - lo, hi - $0] }).sorted() where epsilon > tried + tolerance && epsilon <= (hi - lo) / 2 {
            tried = epsilon
            guard 4 * values.reduce(0, { $0 + (index(near: $1 + 2 * epsilon) == nil ? 0 : 1) }) >= values.count,
                  let (levels, steps, levelCount) = assign(values, othersCount: others.count, epsilon: epsilon, tolerance: tolerance, index: index) else { continue }
            // The cost: the sample's levels and steps coded.
            let sampleLevels = sample.map { $0 < values.count ? levels[$0] : UInt8($0 - values.count) }
            let sampleSteps = sample.map { $0 < values.count ? steps[$0] : kept }
            let imageWidth = PredictedCodes.width(forRowLength: rowLength)
            let cost = ModelledCodes.encode(sampleLevels, rowLength: rowLength, width: imageWidth, largest: levelCount - 1).count
                + encodeSteps(sampleSteps, levels: sampleLevels, rowLength: rowLength, width: imageWidth).count
            if best.map({ cost < $0.cost }) ?? true { best = (levels, steps, levelCount, cost) }
        }
        guard let (valueLevels, valueSteps, levelCount, _) = best else { return nil }
        var table = [UInt32?](repeating: nil, count: 3 * levelCount)
        var codes = [(level: UInt8, step: UInt8)](repeating: (0, kept), count: values.count + others.count)
        for position in values.indices {
            codes[position] = (valueLevels[position], valueSteps[position])
            table[Int(valueSteps[position]) * levelCount + Int(valueLevels[position])] = valuePatterns[position]
        }
        for (offset, pattern) in others.enumerated() {
            codes[values.count + offset] = (UInt8(offset), kept)
            table[Int(kept) * levelCount + offset] = pattern
        }
        var levels = [UInt8](repeating: 0, count: patterns.count), steps = levels
        for (index, pattern) in patterns.enumerated() { (levels[index], steps[index]) = codes[positions[pattern]!] }
        return Split(levelCount: levelCount, table: table, levels: levels, steps: steps)
    }

    /// The level and step of each of `values` for `epsilon` and the number of levels, or nil when
    /// they are more than 256. A value whose level and step an earlier one has (two values within
    /// the tolerance) is kept as it is, its level the next after the `othersCount` kept patterns'. Values pair up as v and v + 2ε (one level's
    /// −ε and +ε); a chain of pairs alternates its steps, starting −ε below lo + ε (a level
    /// less ε below lo would have been clipped) and +ε above. The smallest and largest values are
    /// the clipped ones: lo the lowest level less ε, hi the highest plus ε. Levels within the
    /// tolerance are one.
    private static func assign(
        _ values: [Double], othersCount: Int, epsilon: Double, tolerance: Double, index: (Double) -> Int?
    ) -> (levels: [UInt8], steps: [UInt8], levelCount: Int)? {
        let last = values.count - 1
        // Each value's partner v − 2ε, if any (lo, the clipped one, is no partner).
        let partners = values.indices.map { position in
            position == 0 || position == last ? nil : index(values[position] - 2 * epsilon).flatMap { $0 > 0 ? $0 : nil }
        }
        // Chains that start below lo + ε start with −ε (+ε would make a level below lo); their
        // levels show the grid's spacing, which decides the first steps of the other chains.
        var anchored = [Bool](repeating: false, count: values.count)
        var steps = [UInt8](repeating: minus, count: values.count)
        steps[last] = plus
        var levelValues = [Double](repeating: 0, count: values.count)
        func setStep(_ position: Int, orIfFirst first: () -> UInt8) {
            steps[position] = partners[position].map { steps[$0] == plus ? minus : plus } ?? first()
            levelValues[position] = values[position] + (steps[position] == plus ? -epsilon : epsilon)
        }
        for position in 1..<last {
            anchored[position] = partners[position].map { anchored[$0] } ?? (values[position] < values[0] + epsilon - tolerance)
            if anchored[position] { setStep(position) { minus } }
        }
        let anchoredLevels = (1..<last).filter { anchored[$0] }.map { levelValues[$0] }.sorted()
        let spacing = zip(anchoredLevels.dropFirst(), anchoredLevels).map { $0 - $1 }.filter { $0 > tolerance }.min()
        /// How far `level` lies from the grid of the anchored chains' levels, in spacings.
        func offGrid(_ level: Double) -> Double {
            guard let spacing else { return 0 }
            let steps = (level - anchoredLevels[0]) / spacing
            return abs(steps - steps.rounded())
        }
        for position in 1..<last where !anchored[position] {
            setStep(position) { offGrid(values[position] + epsilon) < offGrid(values[position] - epsilon) ? minus : plus }
        }
        let interior = levelValues[1..<last]
        levelValues[0] = min(values[0], interior.min() ?? values[0])
        levelValues[last] = max(values[last], interior.max() ?? values[last])
        // Levels ranked, those within the tolerance of the one before merged.
        let order = levelValues.indices.sorted { levelValues[$0] < levelValues[$1] }
        var ranks = [Int](repeating: 0, count: values.count)
        var rank = 0
        for (offset, position) in order.enumerated() {
            if offset > 0 && levelValues[position] - levelValues[order[offset - 1]] > tolerance { rank += 1 }
            ranks[position] = rank
        }
        // A value whose level and step another already has is kept as it is.
        var used = Set<Int>()
        var keptCount = othersCount
        for position in values.indices where !used.insert(Int(steps[position]) * 256 + ranks[position]).inserted {
            (steps[position], ranks[position]) = (kept, keptCount)
            keptCount += 1
        }
        let levelCount = max(rank + 1, keptCount)
        guard levelCount <= 256 else { return nil }
        return (ranks.map { UInt8($0) }, steps, levelCount)
    }

    /// Contexts of a step: the steps of the pixel's west, north, north-west and north-east
    /// neighbours (the kept step outside the image), and whether its level is the lowest.
    static let contextCount = 81 * 2

    /// Codes each trace's steps (`count` of them, `rowLength` per trace, at `steps`: read when
    /// encoding, written when decoding) as images `width` wide with `coder`, given their levels:
    /// per step, whether it is the kept one, else whether it is +ε, under its context's adaptive
    /// probabilities (one set for the block).
    private static func code(
        _ steps: UnsafeMutableBufferPointer<UInt8>, levels: UnsafeBufferPointer<UInt8>, rowLength: Int, width: Int,
        coder: inout BinaryRangeCoder.Coder
    ) {
        var probabilities = [BinaryRangeCoder.Probability](repeating: BinaryRangeCoder.fresh, count: 2 * contextCount)
        BinaryRangeCoder.rates.withUnsafeBufferPointer { rates in
            probabilities.withUnsafeMutableBufferPointer { probabilities in
                for start in Swift.stride(from: 0, to: steps.count, by: rowLength) {
                    for offset in 0..<rowLength {
                        let index = start + offset
                        let (x, y) = (offset % width, offset / width)
                        let west = x > 0 ? Int(steps[index - 1]) : 1
                        let north = y > 0 ? Int(steps[index - width]) : 1
                        let northWest = x > 0 && y > 0 ? Int(steps[index - width - 1]) : 1
                        let northEast = y > 0 && x + 1 < width ? Int(steps[index - width + 1]) : 1
                        let context = ((((west * 3 + north) * 3 + northWest) * 3 + northEast) * 2 + (levels[index] == 0 ? 1 : 0)) * 2
                        let step = Int(steps[index])
                        if coder.code(step == Int(kept) ? 1 : 0, &probabilities[context], rates: rates.baseAddress!) == 1 {
                            steps[index] = kept
                        } else {
                            steps[index] = coder.code(step == Int(plus) ? 1 : 0, &probabilities[context + 1], rates: rates.baseAddress!) == 1 ? plus : minus
                        }
                    }
                }
            }
        }
    }

    /// The range-coded bytes of trace-major `steps` with their `levels` (`rowLength` per trace,
    /// images `width` wide).
    static func encodeSteps(_ steps: [UInt8], levels: [UInt8], rowLength: Int, width: Int) -> [UInt8] {
        var encoder = BinaryRangeCoder.Coder(encodingWithCapacity: steps.count / 8)
        var steps = steps
        if rowLength > 0 {
            steps.withUnsafeMutableBufferPointer { steps in
                levels.withUnsafeBufferPointer { levels in code(steps, levels: levels, rowLength: rowLength, width: width, coder: &encoder) }
            }
        }
        return encoder.finishEncoding()
    }

    /// The steps `encodeSteps` coded into `bytes` for `levels` (the whole block's, `rowLength`
    /// per trace, images `width` wide); damaged bytes are an error or other steps (the block's
    /// CRC-32 tells).
    static func decodeSteps(_ bytes: ArraySlice<UInt8>, levels: [UInt8], rowLength: Int, width: Int) throws -> [UInt8] {
        guard rowLength > 0 || levels.isEmpty, levels.count % max(rowLength, 1) == 0, width >= 1, width <= max(rowLength, 1) else {
            throw PayloadError("\(levels.count) stepped values in rows of \(rowLength), images \(width) wide")
        }
        var steps = [UInt8](repeating: 0, count: levels.count)
        try bytes.withUnsafeBufferPointer { input in
            var decoder = try BinaryRangeCoder.Coder(decoding: input)
            if rowLength > 0 {
                steps.withUnsafeMutableBufferPointer { steps in
                    levels.withUnsafeBufferPointer { levels in code(steps, levels: levels, rowLength: rowLength, width: width, coder: &decoder) }
                }
            }
            try decoder.finishDecoding()
        }
        return steps
    }
}

extension BlockLayouts {
    /// The parts of `.steppedDictionary8` for trace-major float32 `patterns`, `rowLength` per
    /// trace: a `u32` level count L, a `u32` image width, the `u32` lengths of the coded levels
    /// and steps and their CRC-32 (levels then steps); a bitmap (LSB first) of the 3 × L
    /// (step, level) entries used, step-major; those entries' patterns in byte planes; the
    /// levels range-coded as `ModelledCodes` codes ranks; the steps range-coded
    /// (`SteppedCodes`). Throws for values that are not levels ± a step (`SteppedCodes.split`).
    static func steppedParts(_ patterns: [UInt32], rowLength: Int, width: Int) throws -> [[UInt8]] {
        guard width == 4 else { throw PayloadError("stepped values of \(width) bytes, the layout holds float32") }
        guard let split = SteppedCodes.split(patterns, rowLength: rowLength) else { throw PayloadError("values that are no levels ± a step") }
        let imageWidth = PredictedCodes.width(forRowLength: rowLength)
        let levels = ModelledCodes.encode(split.levels, rowLength: rowLength, width: imageWidth, largest: split.levelCount - 1)
        let steps = SteppedCodes.encodeSteps(split.steps, levels: split.levels, rowLength: rowLength, width: imageWidth)
        var header = PayloadWriter()
        try header.writeUInt32(split.levelCount)
        try header.writeUInt32(imageWidth)
        try header.writeUInt32(levels.count)
        try header.writeUInt32(steps.count)
        header.writeUInt32(CRC32.checksum(split.levels, split.steps))
        var used = [UInt8](repeating: 0, count: (split.table.count + 7) / 8)
        for (entry, pattern) in split.table.enumerated() where pattern != nil { used[entry >> 3] |= 1 << (entry & 7) }
        return [header.bytes, used] + planes(split.table.compactMap { $0 }, width: width) + [levels, steps]
    }

    /// `count` patterns (`rowLength` per trace) of `.steppedDictionary8` from `reader`.
    static func readStepped(count: Int, width: Int, rowLength: Int, from reader: inout PayloadReader) throws -> [UInt32] {
        guard width == 4 else { throw PayloadError("stepped values of \(width) bytes, the layout holds float32") }
        let levelCount = try reader.readCount(), imageWidth = try reader.readCount()
        let levelsLength = try reader.readCount(), stepsLength = try reader.readCount(), checksum = try reader.readUInt32()
        guard levelCount >= 1 || count == 0, levelCount <= 256, imageWidth >= 1 else {
            throw PayloadError("stepped values of \(levelCount) levels in images \(imageWidth) wide")
        }
        let used = try reader.readBytes((3 * levelCount + 7) / 8)
        var entries = [Int32](repeating: -1, count: 3 * levelCount)
        var usedCount = 0
        for entry in entries.indices where used[used.startIndex + entry >> 3] >> (entry & 7) & 1 == 1 {
            entries[entry] = Int32(usedCount)
            usedCount += 1
        }
        let table = unshuffled(try reader.readBytes(usedCount * width), count: usedCount, width: width)
        let levels = try ModelledCodes.decode(try reader.readBytes(levelsLength), count: count, rowLength: rowLength, width: imageWidth, largest: max(levelCount - 1, 0))
        let steps = try SteppedCodes.decodeSteps(try reader.readBytes(stepsLength), levels: levels, rowLength: rowLength, width: imageWidth)
        guard CRC32.checksum(levels, steps) == checksum else { throw PayloadError("stepped values whose CRC-32 is not the block's") }
        var patterns = [UInt32](repeating: 0, count: count)
        for index in 0..<count {
            let entry = entries[Int(steps[index]) * levelCount + Int(levels[index])]
            guard entry >= 0 else { throw PayloadError("stepped value \(index) of level \(levels[index]) and step \(steps[index]) has no pattern") }
            patterns[index] = table[Int(entry)]
        }
        return patterns
    }
}
