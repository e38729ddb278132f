import Foundation
import IPG
import Testing
import TestSupport

/// Frames with valid checksums whose counts and lengths lie: the reader checks each against what
/// the payload can hold before allocating anything, reports a `TraceStreamError` naming the file,
/// the frame and its offset, and has delivered the traces of the intact frames before it.
@Suite struct TraceStreamHostileLengthTests {
    private let originals = (0..<6).map(StreamSamples.trace)

    /// Header, three traces frames of two traces each, end frame.
    private func goodStream(in directory: TemporaryDirectory) throws -> StreamFrames {
        let path = directory.path("good.ipgz")
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: StreamSamples.topology), frameCapacity: 2)
        for trace in originals { try writer.append(trace) }
        try writer.finish()
        let frames = StreamFrames(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(frames.frames.count == 5)
        return frames
    }

    /// Reads `frames` and checks that frame `frame` is reported and the traces before it delivered.
    private func expectDamage(
        _ frames: StreamFrames, in directory: TemporaryDirectory, frame: Int, tracesBefore: Int, messageContains text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let outcome = try StreamReadOutcome(bytes: frames.bytes, name: "hostile.ipgz", in: directory.url)
        #expect(outcome.traces == Array(originals.prefix(tracesBefore)), sourceLocation: sourceLocation)
        let error = try #require(outcome.streamError, "\(String(describing: outcome.error))", sourceLocation: sourceLocation)
        #expect(error.file == directory.path("hostile.ipgz"), sourceLocation: sourceLocation)
        #expect(error.frame == frame, "\(error)", sourceLocation: sourceLocation)
        #expect(error.offset == frames.frameOffsets[frame], "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(text), "\(error)", sourceLocation: sourceLocation)
    }

    @Test func hugeTraceCount() throws {
        let directory = try TemporaryDirectory()
        var frames = try goodStream(in: directory)
        frames.frames[2].itemCount = .max
        try expectDamage(frames, in: directory, frame: 2, tracesBefore: 2, messageContains: "4294967295 traces need at least")
    }

    @Test func traceCountPastThePayload() throws {
        let directory = try TemporaryDirectory()
        var frames = try goodStream(in: directory)
        frames.frames[2].itemCount = 40
        try expectDamage(frames, in: directory, frame: 2, tracesBefore: 2, messageContains: "40 traces need at least")
    }

    @Test func hugeStringLength() throws {
        let directory = try TemporaryDirectory()
        var frames = try goodStream(in: directory)
        // The first record's input hash length follows its 8-byte input index.
        frames.frames[3].payload = overwriting(frames.frames[3].payload, at: 8, with: .max)
        try expectDamage(frames, in: directory, frame: 3, tracesBefore: 4, messageContains: "4294967295-byte string")
    }

    @Test func stringLengthPastThePayloadEnd() throws {
        let directory = try TemporaryDirectory()
        var frames = try goodStream(in: directory)
        let payload = frames.frames[1].payload
        frames.frames[1].payload = overwriting(payload, at: 8, with: UInt32(payload.count - 11))
        try expectDamage(frames, in: directory, frame: 1, tracesBefore: 0, messageContains: "-byte string")
    }

    @Test func hugeExplicitEdgeCount() throws {
        let directory = try TemporaryDirectory()
        var frames = try goodStream(in: directory)
        // Each sample trace ends with one explicit edge: a u32 count and 20 bytes.
        let payload = frames.frames[2].payload
        frames.frames[2].payload = overwriting(payload, at: payload.count - 2 * 24, with: .max)
        try expectDamage(frames, in: directory, frame: 2, tracesBefore: 2, messageContains: "4294967295 explicit edges need at least 20 bytes")
    }

    @Test(arguments: [1000, -1])
    func decodedLengthLies(by difference: Int) throws {
        let directory = try TemporaryDirectory()
        var frames = try goodStream(in: directory)
        let actual = Int(frames.frames[2].decodedLength)
        frames.frames[2].decodedLength = UInt32(actual + difference)
        try expectDamage(
            frames, in: directory, frame: 2, tracesBefore: 2,
            messageContains: "the frame header says \(actual + difference) decoded bytes, the zstd frame holds \(actual)")
    }

    /// A stored length of nearly 1 GiB in a stream that ends right after: the reader's buffer
    /// grows by what it reads, not by the claim.
    @Test func storedLengthClaimCostsNoMemory() throws {
        let directory = try TemporaryDirectory()
        var frames = try goodStream(in: directory)
        frames.frames[2].storedLength = (1 << 30) - 1
        let damaged = Array(frames.bytes.prefix(frames.frameOffsets[2] + 20 + 100))
        let before = peakResidentBytes()
        let outcome = try StreamReadOutcome(bytes: damaged, name: "hostile.ipgz", in: directory.url)
        #expect(peakResidentBytes() - before < 256 << 20, "reading a 1 GiB claim raised the peak resident memory")
        #expect(outcome.traces == Array(originals.prefix(2)))
        #expect(outcome.streamError?.frame == 2)
        #expect(outcome.streamError?.message.contains("the stream ends inside the payload (100 of 1073741823 bytes)") == true)
    }

    @Test func hugeLayerCount() throws {
        let directory = try TemporaryDirectory()
        var frames = try goodStream(in: directory)
        frames.frames[0].payload = SpecPayloadWriter.header(layerCount: .max, layers: [SpecPayloadWriter.inputLayer(index: 0, nodeCount: 1, nodeShape: [])])
        try expectDamage(frames, in: directory, frame: 0, tracesBefore: 0, messageContains: "4294967295 layers need at least 37 bytes")
    }

    @Test func hugeAttributeCount() throws {
        let directory = try TemporaryDirectory()
        var frames = try goodStream(in: directory)
        frames.frames[0].payload = SpecPayloadWriter.header(attributeCount: .max, layerCount: 0, layers: [])
        try expectDamage(frames, in: directory, frame: 0, tracesBefore: 0, messageContains: "4294967295 key/values need at least 8 bytes")
    }

    @Test(arguments: [
        (nodeCount: UInt32.max, nodeShape: [UInt32](), problem: "layer 0: 4294967295 nodes of shape [] bring a trace to more than 268435456 values"),
        (nodeCount: .max, nodeShape: [65536, 65536], problem: "layer 0: 4294967295 nodes of shape [65536, 65536] bring a trace to more than"),
        (nodeCount: 2, nodeShape: [4, 0], problem: "layer 0: node shape [4, 0] has an empty dimension"),
    ])
    func impossibleLayerSize(nodeCount: UInt32, nodeShape: [UInt32], problem: String) throws {
        let directory = try TemporaryDirectory()
        var frames = try goodStream(in: directory)
        frames.frames[0].payload = SpecPayloadWriter.header(
            layerCount: 1, layers: [SpecPayloadWriter.inputLayer(index: 0, nodeCount: nodeCount, nodeShape: nodeShape)])
        try expectDamage(frames, in: directory, frame: 0, tracesBefore: 0, messageContains: problem)
    }

    /// The node values blob the store keeps per trace is read with the same checks.
    @Test func valueBlobCountsAreChecked() throws {
        var hugeLayerCount = SpecPayloadWriter()
        hugeLayerCount.u32(.max)
        var hugeValueCount = SpecPayloadWriter()
        hugeValueCount.u32(1)
        hugeValueCount.u8(0)
        hugeValueCount.u32(.max)
        let codec = TraceValueCodec()
        for (payload, message) in [(hugeLayerCount.bytes, "4294967295 layers need at least 5 bytes"), (hugeValueCount.bytes, "17179869180 bytes")] {
            let error = #expect(throws: TraceStreamError.self) {
                try codec.decode(StreamFrames.Frame.compressed(payload), encoding: .float32)
            }
            #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        }
        let header = SpecPayloadWriter.header(layerCount: .max, layers: [])
        let error = #expect(throws: TraceStreamError.self) { try StreamHeader(serialized: header) }
        #expect(error?.message.contains("4294967295 layers need at least 37 bytes") == true)
    }

    private func overwriting(_ payload: [UInt8], at offset: Int, with value: UInt32) -> [UInt8] {
        var changed = payload
        changed.replaceSubrange(offset..<(offset + 4), with: littleEndian(value))
        return changed
    }
}
