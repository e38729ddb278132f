import Foundation
import IPG
import Testing
import TestSupport

/// A frame that fails while it is encoded in the background (after `append` has returned)
/// still fails the stream: the error names the file and the frame, and giving the stream up
/// leaves no partial file and whatever stood at the path before.
@Suite struct TraceStreamWriterFailureTests {
    @Test func aFrameFailingInTheBackgroundFailsTheStream() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("failing.ipgz")
        let earlier = Data("an earlier stream".utf8)
        try earlier.write(to: URL(fileURLWithPath: path))
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: StreamSamples.topology), frameCapacity: 2)
        // Trace 3's explicit edge names node -1: the layer table check at `append` leaves edges
        // to the encoder, which cannot write -1 as a u32. Frames: 0 header, 1 traces 0–1, 2 traces 2–3.
        var traces = (0..<6).map(StreamSamples.trace)
        traces[3].explicitEdges[6]![0].source.index = -1
        let error = #expect(throws: TraceStreamError.self) {
            for trace in traces { try writer.append(trace) }
            try writer.finish()
        }
        #expect(error?.file == path)
        #expect(error?.frame == 2)
        #expect(error?.message == "-1 does not fit in 32 bits")
        writer.abandon()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == earlier)
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }
}
