import Foundation
import IPG
import Testing
import TestSupport

/// Damaged copies of valid streams (`StreamMutation`, seeds 1…`casesPerKind` per stream and kind,
/// so a failure names the seed that replays it). For every case, reading either gives the
/// original stream, or stops with a `TraceStreamError` naming the file, a frame and that frame's
/// offset, after delivering the original traces of the frames before the damage unchanged.
/// Frames resealed with valid checksums may decode to other traces; those must still fit the
/// header they were read with, down to their derived edges. Never a crash or a huge allocation.
@Suite struct TraceStreamFuzzTests {
    static let casesPerKind: UInt64 = 200

    struct Sample: Sendable, CustomTestStringConvertible {
        var name: String
        var encoding: ValueEncoding
        var traceCount: Int
        var frameCapacity: Int
        var testDescription: String { name }
    }

    static let samples = [
        Sample(name: "float32, 7 traces in frames of 2", encoding: .float32, traceCount: 7, frameCapacity: 2),
        Sample(name: "float16, 5 traces in frames of 3", encoding: .float16, traceCount: 5, frameCapacity: 3),
        Sample(name: "no traces", encoding: .float32, traceCount: 0, frameCapacity: 1),
    ]

    @Test(arguments: samples, StreamMutation.Kind.allCases)
    func damageIsReportedOrHarmless(sample: Sample, kind: StreamMutation.Kind) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("original.ipgz")
        let header = StreamHeader(topology: StreamSamples.topology, valueEncoding: sample.encoding, attributes: [KeyValue("producer", "fuzz")])
        let writer = try TraceStreamWriter(path: path, header: header, frameCapacity: sample.frameCapacity)
        for number in 0..<sample.traceCount { try writer.append(StreamSamples.trace(number)) }
        try writer.finish()
        let originalBytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let original = StreamReadOutcome(reading: path)
        try #require(original.error == nil)
        let originalFrames = StreamFrames(originalBytes)
        // Traces delivered once frame k has been read.
        let tracesThroughFrame = originalFrames.frames.reduce(into: [Int]()) { counts, frame in
            counts.append((counts.last ?? 0) + (frame.kind == 2 ? Int(frame.itemCount) : 0))
        }

        let peakBefore = peakResidentBytes()
        for seed in 1...Self.casesPerKind {
            let mutation = try StreamMutation(kind, of: originalBytes, header: header, seed: seed)
            let damagedPath = directory.path("damaged.ipgz")
            try Data(mutation.bytes).write(to: URL(fileURLWithPath: damagedPath))
            let outcome = StreamReadOutcome(reading: damagedPath)
            let context: Comment = "seed \(seed), \(kind.rawValue): \(mutation.description); \(String(describing: outcome.error))"

            // The frame the damage is in, and the original traces delivered before it.
            guard let damagedFrame = mutation.firstChangedFrame ?? mutation.firstChangedByte.map({ frameContaining($0, originalBytes) }) else {
                #expect(outcome.error == nil && outcome.traces == original.traces, context)
                continue
            }
            let intactTraces = damagedFrame == 0 ? 0 : tracesThroughFrame[min(damagedFrame, tracesThroughFrame.count) - 1]
            guard let error = outcome.error else {
                if mutation.firstChangedFrame == nil {
                    #expect(outcome.header == original.header && outcome.traces == original.traces, context)
                } else {
                    #expect(Array(outcome.traces.prefix(intactTraces)) == Array(original.traces.prefix(intactTraces)), context)
                    expectConsistent(outcome, context)
                }
                continue
            }
            let streamError = try #require(error as? TraceStreamError, context)
            #expect(streamError.file == damagedPath, context)
            let starts = frameStarts(mutation.bytes)
            if let frame = streamError.frame {
                if mutation.firstChangedFrame == nil {
                    #expect(frame == damagedFrame, "the frames before raw damage are intact; \(context)")
                } else {
                    #expect(frame >= damagedFrame, context)
                }
                #expect(streamError.offset == (frame < starts.count ? starts[frame] : mutation.bytes.count), context)
            } else {
                #expect(streamError.offset.map { $0 < 8 } == true, "only preamble damage names no frame; \(context)")
            }
            if mutation.firstChangedFrame == nil {
                #expect(outcome.traces == Array(original.traces.prefix(intactTraces)), context)
            } else {
                #expect(Array(outcome.traces.prefix(intactTraces)) == Array(original.traces.prefix(intactTraces)), context)
                expectConsistent(outcome, context)
            }
        }
        #expect(peakResidentBytes() - peakBefore < 256 << 20, "reading damaged streams raised the peak resident memory")
    }

    /// Traces read from resealed frames fit the header they were read with: layer sizes, and
    /// edges derived without leaving a layer.
    private func expectConsistent(_ outcome: StreamReadOutcome, _ context: Comment) {
        guard let topology = outcome.header?.topology else { return }
        for trace in outcome.traces {
            #expect(trace.layerValues.map(\.count) == topology.layers.map(\.valueCount), context)
            let graph = InferenceProvenanceGraph(topology: topology, trace: trace)
            #expect(graph.edges.allSatisfy { $0.source.layer < $0.target.layer }, context)
        }
    }

    /// Frame starts found as the reader walks them (by each header's stored length), including a
    /// last frame of which only part of the header is there.
    private func frameStarts(_ bytes: [UInt8]) -> [Int] {
        var starts: [Int] = []
        var offset = 8
        while offset < bytes.count {
            starts.append(offset)
            guard offset + 20 <= bytes.count else { break }
            offset += 20 + (0..<4).reduce(0) { $0 | Int(bytes[offset + 8 + $1]) << (8 * $1) }
        }
        return starts
    }

    /// The frame of the original stream holding `byte` (0 for the preamble; one past the last
    /// frame at the end).
    private func frameContaining(_ byte: Int, _ original: [UInt8]) -> Int {
        let starts = frameStarts(original)
        return max(0, (starts.lastIndex { $0 <= byte } ?? 0))
    }
}
