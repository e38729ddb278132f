import Foundation
import IPG
import Testing
import TestSupport

/// A damaged or truncated stream is reported with the file, the frame and its byte offset, and
/// the traces before the damage are still delivered.
@Suite struct TraceStreamDamageTests {
    /// Frame start offsets, found by walking the frame headers as the spec describes.
    private func frameOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var offset = 8
        while offset + 20 <= bytes.count {
            offsets.append(offset)
            let stored = Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8 | Int(bytes[offset + 10]) << 16 | Int(bytes[offset + 11]) << 24
            offset += 20 + stored
        }
        return offsets
    }

    private func makeStream(in directory: TemporaryDirectory) throws -> (path: String, bytes: [UInt8]) {
        let path = directory.path("good.ipgz")
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: StreamSamples.topology), frameCapacity: 2)
        for number in 0..<6 { try writer.append(StreamSamples.trace(number)) }
        try writer.finish()
        return (path, Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// Reads until the end or an error; returns how many traces came first and the error.
    private func readCountingTraces(_ path: String) -> (traces: Int, error: TraceStreamError?) {
        var count = 0
        do {
            let reader = try TraceStreamReader(path: path)
            while try reader.next() != nil { count += 1 }
            return (count, nil)
        } catch {
            return (count, error as? TraceStreamError)
        }
    }

    @Test func flippedPayloadByteNamesFrameAndOffset() throws {
        let directory = try TemporaryDirectory()
        let (_, bytes) = try makeStream(in: directory)
        let offsets = frameOffsets(bytes)
        #expect(offsets.count == 1 + 3 + 1)
        var damaged = bytes
        damaged[offsets[2] + 20 + 5] ^= 0x40
        let path = directory.path("damaged.ipgz")
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        let (traces, error) = readCountingTraces(path)
        #expect(traces == 2, "frame 1's two traces come before the damage")
        let found = try #require(error)
        #expect(found.file == path)
        #expect(found.frame == 2)
        #expect(found.offset == offsets[2])
        #expect(found.description.contains("checksum mismatch"))
        #expect(found.description.contains("damaged.ipgz: frame 2 at byte \(offsets[2])"))
    }

    @Test func damagedHeaderFrameIsReportedAsFrameZero() throws {
        let directory = try TemporaryDirectory()
        var (_, bytes) = try makeStream(in: directory)
        bytes[8 + 20 + 1] ^= 0xFF
        let path = directory.path("header.ipgz")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let (_, error) = readCountingTraces(path)
        #expect(error?.frame == 0)
        #expect(error?.offset == 8)
    }

    @Test(arguments: [3, 8, 17, 40, -30, -21, -1])
    func truncationIsDetected(cut: Int) throws {
        let directory = try TemporaryDirectory()
        let (_, bytes) = try makeStream(in: directory)
        let length = cut > 0 ? cut : bytes.count + cut
        let path = directory.path("cut.ipgz")
        try Data(bytes[0..<length]).write(to: URL(fileURLWithPath: path))
        let (traces, error) = readCountingTraces(path)
        let found = try #require(error, "a stream cut at \(length) of \(bytes.count) bytes must not read as complete")
        #expect(found.file == path)
        #expect(found.description.contains("truncated") || found.description.contains("not a DeepProv trace stream")
                || found.description.contains("no header frame"), "\(found)")
        if cut < 0 { #expect(traces == 6 || traces == 4, "traces before the cut are delivered (\(traces))") }
    }

    @Test func otherFilesAreNotStreams() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("model.onnx")
        try Data("PK\u{3}\u{4} not a stream at all".utf8).write(to: URL(fileURLWithPath: path))
        let (_, error) = readCountingTraces(path)
        #expect(error?.description == "\(path): byte 0: not a DeepProv trace stream (it does not start with 'IPGZ')")
        let (_, missing) = readCountingTraces(directory.path("absent.ipgz"))
        #expect(missing?.description.contains("absent.ipgz: cannot open: No such file or directory") == true)
    }

    @Test func newerFormatVersionIsRefused() throws {
        let directory = try TemporaryDirectory()
        var (_, bytes) = try makeStream(in: directory)
        bytes[4] = 5
        let path = directory.path("v5.ipgz")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let (_, error) = readCountingTraces(path)
        #expect(error?.description.contains("format version 5; this build reads versions 1, 2, 3 and 4") == true)
    }

    @Test func appendingTracesOfAnotherModelFails() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("w.ipgz")
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: StreamSamples.topology))
        var trace = StreamSamples.trace(0)
        trace.layerValues.removeLast()
        #expect(throws: TraceStreamError.self) { try writer.append(trace) }
        var short = StreamSamples.trace(1)
        short.layerValues[2].removeLast()
        let error = #expect(throws: TraceStreamError.self) { try writer.append(short) }
        #expect(error?.description.contains("layer 2 has 31 values, the layer table says 32") == true)
        // nothing of a refused trace is kept: the stream holds the traces appended after it
        try writer.append(StreamSamples.trace(2))
        #expect(try writer.finish().traceCount == 1)
        #expect(try Self.traces(path) == [StreamSamples.trace(2)])
    }

    /// A trace or batch that does not fit the layer table is refused when it is appended, with
    /// the file and the frame it was to go into, before anything of it is queued; the unfinished
    /// file is not left in place.
    @Test func aBadTraceIsRefusedNamingFileAndFrame() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("w.ipgz")
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: StreamSamples.topology), frameCapacity: 1)
        try writer.append(StreamSamples.trace(0))
        var short = StreamSamples.trace(1)
        short.layerValues[3].removeLast()
        let error = #expect(throws: TraceStreamError.self) { try writer.append(short) }
        #expect(error?.file == path)
        #expect(error?.frame == 2)
        #expect(error?.message == "input 3: layer 3 has 7 values, the layer table says 8", "\(String(describing: error))")
        var batch = TraceBatch(traces: (2..<4).map(StreamSamples.trace))
        batch.layerValues[3].removeLast()
        let batchError = #expect(throws: TraceStreamError.self) { try writer.append(batch) }
        #expect(batchError?.frame == 2)
        #expect(batchError?.message == "layer 3 has 15 values for 2 traces, the layer table says 8 each", "\(String(describing: batchError))")
        writer.abandon()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }

    static func traces(_ path: String) throws -> [Trace] {
        let reader = try TraceStreamReader(path: path)
        var traces: [Trace] = []
        while let trace = try reader.next() { traces.append(trace) }
        return traces
    }
}
