import Foundation

/// Input hashes travel as lowercase hex (streams, exports) and are stored as raw bytes (half
/// the size in the traces table and its unique index).
enum HexBytes {
    /// The bytes of a hex string; text that is not even-length hex is stored as its UTF-8.
    static func data(_ hex: String) -> Data {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0, digits.allSatisfy({ value($0) != nil }) else { return Data(hex.utf8) }
        return Data(stride(from: 0, to: digits.count, by: 2).map { value(digits[$0])! << 4 | value(digits[$0 + 1])! })
    }

    static func text(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: data.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
