import CZstd
import Dispatch

/// zstd compression of frame payloads, reusing one compression context.
final class ZstdCompressor {
    private let context: OpaquePointer
    /// The level, or nil for the parameters set on the context (`frequencyCoding`).
    private let level: Int32?

    /// `level`: negative (fastest) to 19 (smallest). On byte-shuffled activations 1 is about
    /// twice as fast as zstd's default 3 and barely larger; trace streams use −1 (see
    /// `TraceStreamWriter`).
    init(level: Int32) {
        guard let context = ZSTD_createCCtx() else { fatalError("ZSTD_createCCtx: out of memory") }
        self.context = context
        self.level = level
    }

    /// A compressor that codes bytes almost only by their frequencies (zstd's Huffman-coded
    /// literals): it looks for matches of 7 bytes or more, one probe in a 64-entry table. Bytes
    /// of few, noisy symbols — a float's exponent byte across a block — are not repeats, yet
    /// level 3 finds many short matches there, which cost more than they save: on the store
    /// bench MLP's post-ReLU exponents it wrote about 18 % more than this.
    static func frequencyCoding() -> ZstdCompressor {
        guard let context = ZSTD_createCCtx() else { fatalError("ZSTD_createCCtx: out of memory") }
        for (parameter, value) in [(ZSTD_c_strategy, Int32(ZSTD_fast.rawValue)), (ZSTD_c_minMatch, 7), (ZSTD_c_searchLog, 1),
                                   (ZSTD_c_hashLog, 6), (ZSTD_c_chainLog, 6), (ZSTD_c_windowLog, 17)] {
            guard ZSTD_isError(ZSTD_CCtx_setParameter(context, parameter, value)) == 0 else { fatalError("zstd refused parameter \(parameter.rawValue) = \(value)") }
        }
        return ZstdCompressor(context: context)
    }

    private init(context: OpaquePointer) {
        self.context = context
        level = nil
    }

    deinit { ZSTD_freeCCtx(context) }

    func compress(_ input: [UInt8]) throws -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var failure: String?
        let output = [UInt8](unsafeUninitializedCapacity: bound) { buffer, initialized in
            let written = input.withUnsafeBytes { source in
                if let level { ZSTD_compressCCtx(context, buffer.baseAddress, bound, source.baseAddress, source.count, level) }
                else { ZSTD_compress2(context, buffer.baseAddress, bound, source.baseAddress, source.count) }
            }
            if ZSTD_isError(written) != 0 {
                failure = String(cString: ZSTD_getErrorName(written))
                initialized = 0
            } else {
                initialized = written
            }
        }
        if let failure { throw PayloadError("zstd compression failed: \(failure)") }
        return output
    }
}

/// Compressors of one level lent to the threads encoding frames and given back, so each
/// context (its tables sized for a frame) serves frame after frame.
final class ZstdCompressorPool: @unchecked Sendable {
    private let level: Int32
    private let lock = DispatchQueue(label: "deepprov.zstd-compressor-pool")
    private var idle: [ZstdCompressor] = []

    init(level: Int32) {
        self.level = level
    }

    /// Compresses `input` with an idle compressor (a new one when all are busy).
    func compress(_ input: [UInt8]) throws -> [UInt8] {
        let compressor = lock.sync { idle.popLast() } ?? ZstdCompressor(level: level)
        defer { lock.sync { idle.append(compressor) } }
        return try compressor.compress(input)
    }
}

/// zstd decompression of frame payloads whose decoded length is known.
final class ZstdDecompressor {
    private let context: OpaquePointer

    init() {
        guard let context = ZSTD_createDCtx() else { fatalError("ZSTD_createDCtx: out of memory") }
        self.context = context
    }

    deinit { ZSTD_freeDCtx(context) }

    /// `ZSTD_CONTENTSIZE_UNKNOWN` and `ZSTD_CONTENTSIZE_ERROR` (macros Swift does not import).
    private static let contentSizeUnknown = UInt64.max
    private static let contentSizeError = UInt64.max - 1

    /// Decompresses a frame that records its content size (as `ZstdCompressor` writes them).
    func decompress(_ input: [UInt8]) throws -> [UInt8] {
        let size = input.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        guard size < Self.contentSizeError, size <= UInt64(TraceStreamFormat.maximumPayloadLength) else {
            throw PayloadError("zstd: not a frame with a known content size")
        }
        return try decompress(input, decodedLength: Int(size))
    }

    /// Decompresses a frame into `decodedLength` bytes, refusing before allocating them when the
    /// frame records another content size.
    func decompress(_ input: [UInt8], decodedLength: Int) throws -> [UInt8] {
        let recorded = input.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        if recorded == Self.contentSizeError { throw PayloadError("zstd: not a zstd frame") }
        if recorded != Self.contentSizeUnknown && recorded != UInt64(decodedLength) {
            throw PayloadError("zstd: the frame header says \(decodedLength) decoded bytes, the zstd frame holds \(recorded)")
        }
        var failure: String?
        let output = [UInt8](unsafeUninitializedCapacity: decodedLength) { buffer, initialized in
            let written = input.withUnsafeBytes { source in
                ZSTD_decompressDCtx(context, buffer.baseAddress, decodedLength, source.baseAddress, source.count)
            }
            if ZSTD_isError(written) != 0 {
                failure = String(cString: ZSTD_getErrorName(written))
                initialized = 0
            } else if written != decodedLength {
                failure = "decoded \(written) bytes, the frame header says \(decodedLength)"
                initialized = written
            } else {
                initialized = written
            }
        }
        if let failure { throw PayloadError("zstd: \(failure)") }
        return output
    }
}
