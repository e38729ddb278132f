import Foundation
import IPG
import Testing
import TestSupport

/// Writing traces to a `.ipgz` stream and reading them back gives the same header and traces.
@Suite struct TraceStreamRoundTripTests {
    private func write(_ traces: [Trace], to path: String, encoding: ValueEncoding = .float32, frameCapacity: Int? = nil) throws -> TraceStreamWriter.Summary {
        let header = StreamHeader(topology: StreamSamples.topology, valueEncoding: encoding, attributes: [KeyValue("producer", "test"), KeyValue("scale", "0.5")])
        let writer = try TraceStreamWriter(path: path, header: header, frameCapacity: frameCapacity)
        for trace in traces { try writer.append(trace) }
        return try writer.finish()
    }

    private func readAll(_ path: String) throws -> (StreamHeader, [Trace]) {
        let reader = try TraceStreamReader(path: path)
        var traces: [Trace] = []
        while let trace = try reader.next() { traces.append(trace) }
        #expect(reader.reachedEnd)
        #expect(reader.tracesRead == traces.count)
        return (reader.header, traces)
    }

    @Test func float32RoundTripIsExactAcrossFrames() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("t.ipgz")
        let traces = (0..<10).map(StreamSamples.trace)
        let summary = try write(traces, to: path, frameCapacity: 3)
        #expect(summary.traceCount == 10)
        #expect(summary.frameCount == 1 + 4 + 1, "header, ⌈10/3⌉ traces frames, end")
        #expect(summary.bytesWritten == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        let (header, read) = try readAll(path)
        #expect(header.topology == StreamSamples.topology)
        #expect(header.attribute("scale") == "0.5")
        #expect(header.valueEncoding == .float32)
        #expect(read == traces)
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }

    @Test func abandonedStreamLeavesTheEarlierFileAndNoPartial() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("t.ipgz")
        let earlier = (0..<3).map(StreamSamples.trace)
        _ = try write(earlier, to: path)
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: StreamSamples.topology), frameCapacity: 2)
        for trace in (0..<7).map(StreamSamples.trace) { try writer.append(trace) }
        writer.abandon()
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        #expect(try readAll(path).1 == earlier, "the stream written before is untouched")
        writer.abandon()  // again, and after a finished stream: nothing to remove
        let finished = try TraceStreamWriter(path: path, header: StreamHeader(topology: StreamSamples.topology))
        try finished.finish()
        finished.abandon()
        #expect(try readAll(path).1.isEmpty, "a committed stream is not removed")
    }

    @Test func float16StoresHalfPrecisionValues() throws {
        let directory = try TemporaryDirectory()
        let traces = (0..<5).map(StreamSamples.trace)
        try write(traces, to: directory.path("h.ipgz"), encoding: .float16)
        let (header, read) = try readAll(directory.path("h.ipgz"))
        #expect(header.valueEncoding == .float16)
        for (original, stored) in zip(traces, read) {
            #expect(stored.metadata == original.metadata)
            #expect(stored.explicitEdges == original.explicitEdges)
            let expected = original.layerValues.map { $0.map { Float(Float16($0)) } }
            #expect(stored.layerValues == expected)
        }
        #expect(read[1].layerValues[5][0] == .infinity, "1e6 is beyond float16's range")
    }

    @Test func emptyStreamHasHeaderAndNoTraces() throws {
        let directory = try TemporaryDirectory()
        try write([], to: directory.path("e.ipgz"))
        let (header, read) = try readAll(directory.path("e.ipgz"))
        #expect(header.topology.layers.count == StreamSamples.topology.layers.count)
        #expect(read.isEmpty)
    }

    @Test func shuffledStorageCompressesReluZerosWell() throws {
        let directory = try TemporaryDirectory()
        let traces = (0..<200).map { number -> Trace in
            var trace = StreamSamples.trace(number)
            trace.layerValues[1] = trace.layerValues[1].map { $0 > 1.5 ? $0 : 0 }
            return trace
        }
        let summary = try write(traces, to: directory.path("z.ipgz"))
        let rawValueBytes = traces.count * StreamSamples.topology.layers.reduce(0) { $0 + $1.valueCount } * 4
        #expect(summary.bytesWritten < rawValueBytes, "\(summary.bytesWritten) bytes for \(rawValueBytes) raw value bytes")
    }

    @Test func readsFromAPipeWithoutSeeking() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("p.ipgz")
        let traces = (0..<7).map(StreamSamples.trace)
        try write(traces, to: file, frameCapacity: 2)
        let fifo = directory.path("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let feeder = Thread {
            let handle = FileHandle(forWritingAtPath: fifo)!
            for start in stride(from: 0, to: bytes.count, by: 100) {
                handle.write(bytes[start..<min(start + 100, bytes.count)])
            }
            handle.closeFile()
        }
        feeder.start()
        let (_, read) = try readAll(fifo)
        #expect(read == traces)
    }
}
