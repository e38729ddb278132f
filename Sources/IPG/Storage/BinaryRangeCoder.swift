/// An adaptive binary range coder (LZMA's design: a 32-bit range, a 64-bit low whose carry
/// reaches the bytes held back, probabilities of a 0 bit in 12 bits). A model codes each bit with a probability it
/// owns (`BinaryRangeCoder.Probability`), which adapts toward the bits it has seen; the
/// encoder's bytes decode to the same bits only through the same sequence of probabilities.
///
/// One type, `Coder`, is either side, so that one model function drives encoding and decoding
/// alike (the encoder codes the bit it is given; the decoder ignores it and returns the bit it
/// reads), which keeps the two in step by construction. (Two types behind a protocol made the
/// compiler merge the model's two specializations and call the coder indirectly, 2× slower.)
///
/// Decoding never traps and never loops on its own: each call reads at most two bytes, past the
/// end of the input it reads zeros, and `finish()` fails unless the decoder used up exactly the
/// bytes the encoder wrote.
enum BinaryRangeCoder {
    /// Bits of a probability: 4096 is certainty.
    static let probabilityBits: UInt32 = 12
    private static let top: UInt32 = 1 << 24

    /// A probability that the next bit is 0 in 16 bits (the high half) and how many bits it has
    /// seen, to 255 (the low half). It moves toward each bit by 1/(n + 1.5) of the distance for
    /// its first bits (a frequency count, so a context learns fast), then by `1/limit`.
    typealias Probability = UInt32

    /// A probability of ½ that has seen nothing.
    static let fresh: Probability = 0x8000_0000

    /// The adaptation limit: the reciprocal of the slowest rate.
    static let limit = 60

    /// 65536 / (n + 1.5) for n seen bits, capped at the limit: what `adapt` takes.
    static let rates: [UInt32] = (0..<256).map { UInt32(65536.0 / (Double(min($0, limit)) + 1.5)) }

    /// The 12-bit probability of a 0 the coder divides its range by (1…4095).
    @inline(__always) static func scaled(_ probability: Probability) -> UInt32 {
        min(max(probability &>> 20, 1), 4095)
    }

    /// Moves `probability` toward `bit` at the rate `rates` (`BinaryRangeCoder.rates`) gives for its count.
    @inline(__always) static func adapt(_ probability: inout Probability, toward bit: Int, rates: UnsafePointer<UInt32>) {
        let p = Int(probability &>> 16), n = Int(probability & 0xFFFF)
        let target = bit == 0 ? 65535 : 0
        let rate = Int(rates[n])
        let moved = p &+ ((target &- p) &* rate) &>> 16
        probability = UInt32(truncatingIfNeeded: moved) &<< 16 | UInt32(truncatingIfNeeded: min(n &+ 1, 255))
    }

    /// An encoder or a decoder.
    struct Coder {
        private let isDecoding: Bool
        private var range: UInt32 = 0xFFFF_FFFF
        // Encoding.
        private var low: UInt64 = 0
        private var cache: UInt8 = 0
        private var pendingCount = 1
        private var bytes: [UInt8] = []
        // Decoding.
        private let input: UnsafeBufferPointer<UInt8>
        private var position = 0
        private var code: UInt32 = 0

        /// An encoder.
        init(encodingWithCapacity capacity: Int) {
            isDecoding = false
            input = UnsafeBufferPointer(start: nil, count: 0)
            bytes.reserveCapacity(capacity)
        }

        /// A decoder of `input`, which must outlive it.
        init(decoding input: UnsafeBufferPointer<UInt8>) throws {
            isDecoding = true
            self.input = input
            guard input.count >= 5, input[0] == 0 else { throw PayloadError("a range-coded stream of \(input.count) bytes lacks its 5-byte start") }
            position = 1
            for _ in 0..<4 { code = code &<< 8 | UInt32(nextByte()) }
        }

        /// Codes `bit` (encoding) or returns the bit read (decoding) under a 12-bit probability
        /// of a 0 (1…4095).
        @inline(__always) mutating func code(_ bit: Int, chanceOfZero: UInt32) -> Int {
            let bound = (range &>> BinaryRangeCoder.probabilityBits) &* chanceOfZero
            if isDecoding {
                let decoded: Int
                if code < bound {
                    range = bound
                    decoded = 0
                } else {
                    code &-= bound
                    range &-= bound
                    decoded = 1
                }
                if range < BinaryRangeCoder.top {
                    range &<<= 8
                    code = code &<< 8 | UInt32(nextByte())
                    if range < BinaryRangeCoder.top {
                        range &<<= 8
                        code = code &<< 8 | UInt32(nextByte())
                    }
                }
                return decoded
            }
            if bit == 0 {
                range = bound
            } else {
                low &+= UInt64(bound)
                range &-= bound
            }
            while range < BinaryRangeCoder.top {
                range &<<= 8
                shiftLow()
            }
            return bit
        }

        /// Codes a bit under `probability` and adapts it to the bit.
        @inline(__always) mutating func code(_ bit: Int, _ probability: inout Probability, rates: UnsafePointer<UInt32>) -> Int {
            let coded = code(bit, chanceOfZero: BinaryRangeCoder.scaled(probability))
            BinaryRangeCoder.adapt(&probability, toward: coded, rates: rates)
            return coded
        }

        @inline(__always) private mutating func nextByte() -> UInt8 {
            defer { position &+= 1 }
            return position < input.count ? input[position] : 0
        }

        /// Emits the byte below the top of `low`, once no carry can reach it any more.
        @inline(__always) private mutating func shiftLow() {
            if low < 0xFF00_0000 || low >= 1 << 32 {
                let carry = UInt8(truncatingIfNeeded: low &>> 32)
                var byte = cache
                repeat {
                    bytes.append(byte &+ carry)
                    byte = 0xFF
                    pendingCount -= 1
                } while pendingCount != 0
                cache = UInt8(truncatingIfNeeded: low &>> 24)
            }
            pendingCount += 1
            low = (low & 0x00FF_FFFF) &<< 8
        }

        /// An encoder's bytes, flushed (the first is always 0).
        mutating func finishEncoding() -> [UInt8] {
            for _ in 0..<5 { shiftLow() }
            return bytes
        }

        /// Fails unless a decoder read exactly its input's bytes (a truncated or damaged stream
        /// almost always reads more or fewer).
        func finishDecoding() throws {
            guard position == input.count else {
                throw PayloadError("a range-coded stream of \(input.count) bytes decoded from \(position)")
            }
        }
    }
}
