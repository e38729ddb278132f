import Foundation
import IPG

extension TraceMetadata {
    /// The input hash as every backend stores it: its bytes (half the size of the hex text in
    /// a table and its index), or, for a hash that is not hex, its UTF-8.
    public var storedInputHash: [UInt8] {
        Hex.bytes(inputHash) ?? Array(inputHash.utf8)
    }
}
