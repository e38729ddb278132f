import Foundation

/// The `modelledDictionary8` layout's codes: each trace's values as ranks in a dictionary ordered
/// by value (as `PredictedCodes`), read as an image `width` ranks wide, coded pixel by pixel
/// with `BinaryRangeCoder` under a context model in the manner of CALIC (Wu & Memon 1997),
/// JPEG-LS (Weinberger et al. 2000) and PAQ's logistic mixing (Mahoney 2005):
/// - the prediction is CALIC's gradient-adjusted predictor (GAP) from the neighbours W, WW, N,
///   NN, NW, NE and NNE (zero outside the image), corrected by the mean error seen so far in its
///   bias context (the prediction's texture — which neighbours lie above it — and the activity),
///   as JPEG-LS's bias cancellation does without a division, then clamped to the dictionary;
/// - where the prediction is not rank 0, a flag first says whether the value is rank 0 (the
///   background at an object's edge, whose error would be large: 52 of 377 bytes per image);
/// - the error is coded as a zero flag, a sign (skipped where the clamp implies it) and an Elias
///   γ magnitude (its bit length in unary, then its lower bits);
/// - each flag, sign and length bit mixes three adaptive probabilities — by activity, error
///   level and intensity; by the W, N and NE values; by the position in the image — with weights
///   learnt per decision and activity; the lower bits have probabilities of their own.
/// The model starts afresh in each block and learns across its traces. Decoding is sequential,
/// one to a dozen mixed binary decisions a pixel (3.8 on average for Fashion-MNIST, about 170
/// instructions each, 1,100 a pixel in all by callgrind): about 16k images a second on one
/// core, where the predicted layout's codes decode about 200k.
enum ModelledCodes {
    /// Bias contexts: 16 textures × 8 activity levels.
    static let biasContextCount = 128
    /// Coding contexts: 8 activity levels × 4 error levels × 4 intensities (rank 0, below 64,
    /// below 160, above).
    static let codingContextCount = 128

    /// Neighbourhood contexts: W, N (3 bits each) and NE (2 bits).
    static let neighbourContextCount = 256
    /// Position contexts: 256 bands of the image.
    static let positionContextCount = 256
    /// Decisions that are mixed: the zero flag, seven length bits, the sign.
    static let decisionCount = 16
    /// Inputs to the mixer: three models' stretched probabilities and a constant.
    static let inputCount = 4

    /// ln(p / (1 − p)) for each 12-bit p (p = 0 as p = 1).
    private static let stretchTable: [Float] = (0..<4096).map { p in Float(log(Double(max(p, 1)) / Double(4096 - max(p, 1)))) }
    /// The logistic function on [−16, 16) in steps of 1/128, as a 12-bit probability (1…4095).
    private static let squashTable: [UInt32] = (0..<4096).map { index in
        let x = Double(index - 2048) / 128
        return UInt32(min(max(4096 / (1 + exp(-x)), 1), 4095))
    }

    /// The adaptive state, reset per block: each decision's probability in three contexts (the
    /// coding context, the neighbours' values, the position), mixed in the logistic domain by
    /// weights learnt per decision and activity (as PAQ's mixers), the magnitudes' lower bits,
    /// and the bias counters; with its own copies of the fixed tables (computed once), so that
    /// the coding loop reads nothing but this model's one allocation.
    struct Model: ~Copyable {
        let activityProbabilities: UnsafeMutablePointer<BinaryRangeCoder.Probability>
        let neighbourProbabilities: UnsafeMutablePointer<BinaryRangeCoder.Probability>
        let positionProbabilities: UnsafeMutablePointer<BinaryRangeCoder.Probability>
        /// Per (length, bit position): the magnitude's lower bits.
        let mantissa: UnsafeMutablePointer<BinaryRangeCoder.Probability>
        let rates: UnsafeMutablePointer<UInt32>
        let squash: UnsafeMutablePointer<UInt32>
        let weights: UnsafeMutablePointer<Float>
        let stretch: UnsafeMutablePointer<Float>
        /// Per bias context: JPEG-LS's B (error sum remainder), N (count) and C (correction).
        let biasSum: UnsafeMutablePointer<Int32>
        let biasCount: UnsafeMutablePointer<Int32>
        let correction: UnsafeMutablePointer<Int32>
        private let memory: UnsafeMutableRawPointer

        init() {
            let probabilityCounts = [codingContextCount * decisionCount, neighbourContextCount * decisionCount, positionContextCount * decisionCount, 9 * 8 * 4]
            let probabilityCount = probabilityCounts.reduce(0, +)
            let wordCount = probabilityCount + 256 + 4096 + decisionCount * 8 * inputCount + 4096 + 3 * biasContextCount
            memory = UnsafeMutableRawPointer.allocate(byteCount: 4 * wordCount, alignment: 64)
            let probabilities = memory.bindMemory(to: BinaryRangeCoder.Probability.self, capacity: probabilityCount)
            probabilities.initialize(repeating: BinaryRangeCoder.fresh, count: probabilityCount)
            activityProbabilities = probabilities
            neighbourProbabilities = activityProbabilities + probabilityCounts[0]
            positionProbabilities = neighbourProbabilities + probabilityCounts[1]
            mantissa = positionProbabilities + probabilityCounts[2]
            rates = (memory + 4 * probabilityCount).bindMemory(to: UInt32.self, capacity: 256 + 4096)
            rates.initialize(from: BinaryRangeCoder.rates, count: 256)
            squash = rates + 256
            squash.initialize(from: squashTable, count: 4096)
            weights = UnsafeMutableRawPointer(squash + 4096).bindMemory(to: Float.self, capacity: decisionCount * 8 * inputCount + 4096)
            weights.initialize(repeating: 0.3, count: decisionCount * 8 * inputCount)
            stretch = weights + decisionCount * 8 * inputCount
            stretch.initialize(from: stretchTable, count: 4096)
            biasSum = UnsafeMutableRawPointer(stretch + 4096).bindMemory(to: Int32.self, capacity: 3 * biasContextCount)
            biasSum.initialize(repeating: 0, count: biasContextCount)
            biasCount = biasSum + biasContextCount
            biasCount.initialize(repeating: 1, count: biasContextCount)
            correction = biasCount + biasContextCount
            correction.initialize(repeating: 0, count: biasContextCount)
        }

        deinit { memory.deallocate() }

        /// Codes decision `decision`'s bit under the mix of its three contexts' probabilities
        /// (weights chosen by `activity`), then adapts them and the weights.
        @inline(__always)
        func decide(_ bit: Int, _ decision: Int, activity: Int, coding: Int, neighbours: Int, position: Int, coder: inout BinaryRangeCoder.Coder) -> Int {
            let a = activityProbabilities + (coding &+ decision), b = neighbourProbabilities + (neighbours &+ decision)
            let c = positionProbabilities + (position &+ decision)
            let sa = stretch[Int(BinaryRangeCoder.scaled(a.pointee))], sb = stretch[Int(BinaryRangeCoder.scaled(b.pointee))]
            let sc = stretch[Int(BinaryRangeCoder.scaled(c.pointee))]
            let w = weights + (decision &* 8 &+ activity) &* inputCount
            let dot = w[0] * sa + w[1] * sb + w[2] * sc + w[3] * 0.25
            let index = Int(min(max(dot * 128 + 2048, 0), 4095))
            let chance = squash[index]
            let coded = coder.code(bit, chanceOfZero: chance)
            // The mixer learns toward the bit seen: gradient of the coding cost.
            let error = (Float(coded == 0 ? 1 : 0) - Float(chance) * (1 / 4096)) * 0.02
            w[0] += error * sa
            w[1] += error * sb
            w[2] += error * sc
            w[3] += error * 0.25
            BinaryRangeCoder.adapt(&a.pointee, toward: coded, rates: rates)
            BinaryRangeCoder.adapt(&b.pointee, toward: coded, rates: rates)
            BinaryRangeCoder.adapt(&c.pointee, toward: coded, rates: rates)
            return coded
        }
    }

    /// 0 for rank 0, else 1 + rank / 32 up to 7.
    @inline(__always) static func level3(_ rank: Int) -> Int { rank == 0 ? 0 : min(1 &+ rank &>> 5, 7) }

    /// The activity levels of `value` (0, 1–2, 3–5, 6–11, 12–23, 24–47, 48–95, 96 and more).
    @inline(__always) static func level8(_ value: Int) -> Int {
        (value >= 1 ? 1 : 0) + (value >= 3 ? 1 : 0) + (value >= 6 ? 1 : 0) + (value >= 12 ? 1 : 0)
            + (value >= 24 ? 1 : 0) + (value >= 48 ? 1 : 0) + (value >= 96 ? 1 : 0)
    }

    /// Codes one image's ranks (`count` of them, at `ranks`: read when encoding, written when
    /// decoding) with `coder`, adapting `model`; `image` and `errors` are zeroed scratch of
    /// `(lines + 2) × (width + 3)` entries. Returns false when a decoded rank exceeds `largest`.
    @inline(__always)
    static func code(
        _ ranks: UnsafeMutablePointer<UInt8>, count: Int, width: Int, largest: Int, coder: inout BinaryRangeCoder.Coder,
        model: borrowing Model, image: UnsafeMutablePointer<Int32>, errors: UnsafeMutablePointer<Int32>
    ) -> Bool {
        let (mantissa, biasSum, biasCount, correction) = (model.mantissa, model.biasSum, model.biasCount, model.correction)
        let stride = width &+ 3
        var index = 0
        var line = 0
        // The position context, index × 256 / count, counted up rather than divided.
        var position = 0, nextPosition = count
        while index < count {
            let lineEnd = min(index &+ width, count)
            // The pixel's place in the padded scratch: 2 lines above, 2 columns left.
            var at = (line &+ 2) &* stride &+ 2
            while index < lineEnd {
                let w = Int(image[at &- 1]), ww = Int(image[at &- 2]), n = Int(image[at &- stride])
                let nw = Int(image[at &- stride &- 1]), ne = Int(image[at &- stride &+ 1])
                let nn = Int(image[at &- 2 &* stride]), nne = Int(image[at &- 2 &* stride &+ 1])
                // GAP.
                let horizontal = abs(w &- ww) &+ abs(n &- nw) &+ abs(n &- ne)
                let vertical = abs(w &- nw) &+ abs(n &- nn) &+ abs(ne &- nne)
                let difference = vertical &- horizontal
                var predicted: Int
                if difference > 80 {
                    predicted = w
                } else if difference < -80 {
                    predicted = n
                } else {
                    predicted = ((w &+ n) &* 2 &+ (ne &- nw)) &>> 2
                    if difference > 32 { predicted = (predicted &+ w) &>> 1 }
                    else if difference > 8 { predicted = (3 &* predicted &+ w) &>> 2 }
                    else if difference < -32 { predicted = (predicted &+ n) &>> 1 }
                    else if difference < -8 { predicted = (3 &* predicted &+ n) &>> 2 }
                }
                let errorW = Int(errors[at &- 1]), errorN = Int(errors[at &- stride])
                let activity = level8(horizontal &+ vertical &+ 2 &* abs(errorW))
                let texture = (w > predicted ? 1 : 0) | (n > predicted ? 2 : 0) | (nw > predicted ? 4 : 0) | (ne > predicted ? 8 : 0)
                let biasContext = texture &* 8 &+ activity
                predicted &+= Int(correction[biasContext])
                predicted = max(0, min(largest, predicted))
                let errorLevel = level8(abs(errorW) &+ abs(errorN))
                let intensity = predicted == 0 ? 0 : predicted < 64 ? 1 : predicted < 160 ? 2 : 3
                let context = ((activity &* 4 &+ min(errorLevel &>> 1, 3)) &* 4 &+ intensity) &* decisionCount
                let neighbours = (ModelledCodes.level3(w) &* 8 &+ ModelledCodes.level3(n)) &* 4 &+ (ne == 0 ? 0 : ne < 64 ? 1 : ne < 160 ? 2 : 3)
                while index &* positionContextCount >= nextPosition {
                    position &+= 1
                    nextPosition &+= count
                }
                let (neighbourContext, positionContext) = (neighbours &* decisionCount, position &* decisionCount)
                // The error: zero flag, sign, Elias γ magnitude.
                let actual = Int(ranks[index])
                let error = actual &- predicted
                var decoded = 0
                // Background (the smallest rank) where something else was predicted: the edge
                // of an object, whose error would otherwise be large.
                if predicted > 0 && model.decide(actual == 0 ? 1 : 0, 9, activity: activity, coding: context, neighbours: neighbourContext, position: positionContext, coder: &coder) != 0 {
                    decoded = -predicted
                } else if model.decide(error == 0 ? 0 : 1, 0, activity: activity, coding: context, neighbours: neighbourContext, position: positionContext, coder: &coder) != 0 {
                    let negative: Int
                    if predicted == 0 { negative = 0 } else if predicted == largest { negative = 1 } else {
                        negative = model.decide(error < 0 ? 1 : 0, 8, activity: activity, coding: context, neighbours: neighbourContext, position: positionContext, coder: &coder)
                    }
                    let magnitude = abs(error)
                    let length = Int.bitWidth &- magnitude.leadingZeroBitCount
                    var codedLength = 1
                    while codedLength < 8 && model.decide(length > codedLength ? 1 : 0, codedLength, activity: activity, coding: context, neighbours: neighbourContext, position: positionContext, coder: &coder) != 0 { codedLength &+= 1 }
                    var value = 1
                    var bit = codedLength &- 2
                    while bit >= 0 {
                        let slot = (codedLength &* 8 &+ bit) &* 4 &+ min(codedLength &- 2 &- bit, 3)
                        value = value &<< 1 | coder.code((magnitude &>> bit) & 1, &mantissa[slot], rates: model.rates)
                        bit &-= 1
                    }
                    decoded = negative != 0 ? -value : value
                }
                let rank = predicted &+ decoded
                guard rank >= 0 && rank <= largest else { return false }
                ranks[index] = UInt8(truncatingIfNeeded: rank)
                image[at] = Int32(truncatingIfNeeded: rank)
                errors[at] = Int32(truncatingIfNeeded: decoded)
                // JPEG-LS's bias update: C moves by one when the mean error passes ±½.
                var sum = biasSum[biasContext] &+ Int32(truncatingIfNeeded: decoded)
                var seen = biasCount[biasContext]
                if seen == 64 {
                    sum = sum >= 0 ? sum &>> 1 : -((1 &- sum) &>> 1)
                    seen = 32
                }
                seen &+= 1
                if sum <= -seen {
                    sum &+= seen
                    correction[biasContext] = max(correction[biasContext] &- 1, -64)
                    if sum <= -seen { sum = 1 &- seen }
                } else if sum > 0 {
                    sum &-= seen
                    correction[biasContext] = min(correction[biasContext] &+ 1, 64)
                    if sum > 0 { sum = 0 }
                }
                biasSum[biasContext] = sum
                biasCount[biasContext] = seen
                index &+= 1
                at &+= 1
            }
            line &+= 1
        }
        return true
    }

    /// Runs `code` over every trace (`rowLength` ranks each) of `ranks` with one model.
    @inline(__always)
    private static func codeAll(_ ranks: UnsafeMutableBufferPointer<UInt8>, rowLength: Int, width: Int, largest: Int, coder: inout BinaryRangeCoder.Coder) -> Bool {
        guard let base = ranks.baseAddress, rowLength > 0, width > 0 else { return ranks.isEmpty }
        let lines = (rowLength + width - 1) / width
        let scratchCount = (lines + 2) * (width + 3)
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * scratchCount) { scratch in
            let model = Model()
            let image = scratch.baseAddress!, errors = image + scratchCount
            for start in Swift.stride(from: 0, to: ranks.count, by: rowLength) {
                image.initialize(repeating: 0, count: 2 * scratchCount)
                guard code(base + start, count: rowLength, width: width, largest: largest, coder: &coder, model: model, image: image, errors: errors) else { return false }
            }
            return true
        }
    }

    /// The range-coded bytes of trace-major `ranks` (`rowLength` per trace, images `width`
    /// wide, each rank at most `largest`).
    static func encode(_ ranks: [UInt8], rowLength: Int, width: Int, largest: Int) -> [UInt8] {
        var encoder = BinaryRangeCoder.Coder(encodingWithCapacity: ranks.count / 2)
        var ranks = ranks
        _ = ranks.withUnsafeMutableBufferPointer { codeAll($0, rowLength: rowLength, width: width, largest: largest, coder: &encoder) }
        return encoder.finishEncoding()
    }

    /// The `count` ranks (`rowLength` per trace, images `width` wide, each at most `largest`)
    /// `encode` coded into `bytes`; damaged bytes are an error.
    static func decode(_ bytes: ArraySlice<UInt8>, count: Int, rowLength: Int, width: Int, largest: Int) throws -> [UInt8] {
        guard count >= 0, rowLength > 0 || count == 0, count % max(rowLength, 1) == 0, width >= 1, width <= max(rowLength, 1), largest >= 0, largest <= 255 else {
            throw PayloadError("\(count) modelled values in rows of \(rowLength), images \(width) wide, ranks to \(largest)")
        }
        var ranks = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeBufferPointer { input in
            var decoder = try BinaryRangeCoder.Coder(decoding: input)
            guard ranks.withUnsafeMutableBufferPointer({ codeAll($0, rowLength: rowLength, width: width, largest: largest, coder: &decoder) }) else {
                throw PayloadError("a modelled value past a dictionary of \(largest + 1)")
            }
            try decoder.finishDecoding()
        }
        return ranks
    }
}
