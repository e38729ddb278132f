import IPG
import Testing

/// Digest text: lowercase hex out, and back only from well-formed hex.
@Suite struct HexTests {
    @Test func roundTripsAndRefusesNonHex() {
        #expect(Hex.string([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.bytes("000fa5ff") == [0x00, 0x0f, 0xa5, 0xff])
        #expect(Hex.bytes("") == [])
        #expect(Hex.bytes("abc") == nil, "odd length")
        #expect(Hex.bytes("zz") == nil)
        #expect(Hex.bytes("AB") == nil, "digests are lowercase")
    }
}
