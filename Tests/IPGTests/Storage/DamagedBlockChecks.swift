@testable import IPG
import Testing

/// Expects `codec` to refuse `bytes` (a block whose last part is range-coded and stored as it
/// is) cut short at 40 random lengths, and with one random byte of its last `codedLength` bytes
/// changed in 60 ways: an error each time, never a crash, a hang or other values.
func expectDamagedCodedBlocksFail(_ bytes: [UInt8], codec: LayerBlockCodec, seed: UInt64, codedLength: Int = 2_000) {
    var random = SplitMix(seed: seed)
    for _ in 0..<40 {
        let cut = Int.random(in: 1..<bytes.count, using: &random)
        #expect(throws: TraceStreamError.self) { try codec.decode(Array(bytes.prefix(cut))) }
    }
    let codedStart = bytes.count - codedLength
    for _ in 0..<60 {
        var damaged = bytes
        damaged[Int.random(in: codedStart..<bytes.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
        #expect(throws: TraceStreamError.self) { try codec.decode(damaged) }
    }
}
