import Foundation
@testable import IPG
import Testing
import TestSupport

/// Version 2 adds the merged-sources section to the header and lays a traces frame's values out
/// per layer (`FrameValueBlock`), version 3 lets a layer's block be derived from an earlier
/// layer's (`DerivedValueBlock`), version 4 checks frames with XXH64 and keeps low mantissa
/// planes in a raw section; version-3 and version-2 streams are still read, and version-1 streams (whose header ends after the layer table and
/// whose values are byte-shuffled trace after trace) are still read, and a version-1 header with
/// trailing bytes is not.
@Suite struct FormatVersionTests {
    /// The sample table without its merge layers (what a version-1 stream could hold).
    static let singleSourceTopology = ModelTopology(
        fingerprint: StreamSamples.topology.fingerprint, name: "single-source",
        layers: StreamSamples.topology.layers.filter { !$0.isMerge })

    static func singleSourceTrace(_ number: Int) -> Trace {
        var trace = StreamSamples.trace(number)
        trace.layerValues = Array(trace.layerValues.prefix(singleSourceTopology.layers.count))
        return trace
    }

    /// A version-2 stream rewritten as version 1: preamble version 1, the header payload without
    /// its (empty) merged-sources section, traces frames encoded as version 1 encoded them.
    static func versionOneBytes(in directory: TemporaryDirectory, traces: [Trace]) throws -> [UInt8] {
        let path = directory.path("v2.ipgz")
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: singleSourceTopology))
        for trace in traces { try writer.append(trace) }
        try writer.finish()
        var frames = StreamFrames(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(frames.preamble[4] == 4, "this build writes version 4")
        let payload = frames.frames[0].payload
        #expect(Array(payload.suffix(4)) == [0, 0, 0, 0], "an empty merged-sources section ends the header")
        frames.preamble[4] = 1
        frames.frames[0].payload = Array(payload.dropLast(4))
        var remaining = traces[...]
        for index in frames.frames.indices where frames.frames[index].kind == 2 {
            let count = Int(frames.frames[index].itemCount)
            let version2 = frames.frames[index].payload
            let version1 = try TraceFrame.encode(Array(remaining.prefix(count)), header: StreamHeader(topology: singleSourceTopology), version: 1)
            #expect(version1.payload != version2, "the two versions lay values out differently")
            #expect(version1.raw.isEmpty)
            frames.frames[index].raw = nil
            frames.frames[index].payload = version1.payload
            remaining = remaining.dropFirst(count)
        }
        #expect(remaining.isEmpty)
        return frames.bytes
    }

    @Test func versionOneStreamIsRead() throws {
        let directory = try TemporaryDirectory()
        let traces = (0..<5).map(Self.singleSourceTrace)
        let outcome = try StreamReadOutcome(bytes: try Self.versionOneBytes(in: directory, traces: traces), name: "v1.ipgz", in: directory.url)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.header?.topology == Self.singleSourceTopology)
        #expect(outcome.traces == traces)
        // the spec-only Python reader reads it too
        let result = try PythonScript.run("fixtures/read_ipgz.py", arguments: [directory.url.appendingPathComponent("v1.ipgz").path])
        #expect(result.status == 0, "\(result.errorOutput)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect((decoded["layers"] as? [[Any]])?.map { $0[3] as! [Int] } == Self.singleSourceTopology.layers.map { $0.source.map { [$0] } ?? [] })
        let records = try #require(decoded["traces"] as? [[String: Any]])
        #expect(records.count == traces.count)
        for (record, trace) in zip(records, traces) {
            #expect(record["layer_crc32"] as? [Int] == trace.layerValues.map(layerChecksum), "input \(trace.metadata.inputIndex)")
        }
    }

    @Test func versionTwoStreamIsRead() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("v3.ipgz")
        // the pooling sample of DerivedValueBlockTests: version 3 derives two of its layers
        let topology = DerivedValueBlockTests.topology
        let traces = (0..<6).map(DerivedValueBlockTests.trace)
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: topology), frameCapacity: 4)
        for trace in traces { try writer.append(trace) }
        try writer.finish()
        var frames = StreamFrames(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        frames.preamble[4] = 2
        var remaining = traces[...]
        for index in frames.frames.indices where frames.frames[index].kind == 2 {
            let count = Int(frames.frames[index].itemCount)
            let version2 = try TraceFrame.encode(Array(remaining.prefix(count)), header: StreamHeader(topology: topology), version: 2)
            #expect(version2.payload.count > frames.frames[index].payload.count + frames.frames[index].raw!.count, "version 3 left derived values out")
            frames.frames[index].raw = nil
            frames.frames[index].payload = version2.payload
            remaining = remaining.dropFirst(count)
        }
        let outcome = try StreamReadOutcome(bytes: frames.bytes, name: "v2.ipgz", in: directory.url)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.traces == traces)
        let result = try PythonScript.run("fixtures/read_ipgz.py", arguments: [directory.url.appendingPathComponent("v2.ipgz").path])
        #expect(result.status == 0, "\(result.errorOutput)")
    }

    /// A version-4 stream of every layout (post-ReLU and dense values among them; the first
    /// frame's ReLU bitmap kept raw, as `aRandomBitmapIsKeptRaw` shows for its traces) rewritten
    /// as version 3 (CRC-32, one zstd frame per traces frame, no raw-plane masks) reads back the
    /// same traces, in this reader and the spec-only Python one.
    @Test func versionThreeStreamIsRead() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("v4.ipgz")
        let traces = (0..<11).map { FrameValueLayoutTests.trace($0, encoding: .float32) }
        let header = StreamHeader(topology: FrameValueLayoutTests.topology)
        let writer = try TraceStreamWriter(path: path, header: header, frameCapacity: 8)
        for trace in traces { try writer.append(trace) }
        try writer.finish()
        let version4 = StreamFrames(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        var frames = version4
        frames.preamble[4] = 3
        var remaining = traces[...]
        for index in frames.frames.indices where frames.frames[index].kind == 2 {
            let count = Int(frames.frames[index].itemCount)
            let version3 = try TraceFrame.encode(Array(remaining.prefix(count)), header: header, version: 3)
            #expect(version3.raw.isEmpty)
            #expect(!frames.frames[index].raw!.isEmpty, "version 4 keeps planes raw")
            frames.frames[index].raw = nil
            frames.frames[index].payload = version3.payload
            remaining = remaining.dropFirst(count)
        }
        for stream in [(frames, "v3.ipgz"), (version4, "v4-again.ipgz")] {
            let outcome = try StreamReadOutcome(bytes: stream.0.bytes, name: stream.1, in: directory.url)
            #expect(outcome.error == nil, "\(String(describing: outcome.error))")
            // bit for bit (the sample holds a NaN)
            #expect(outcome.traces.map(\.metadata) == traces.map(\.metadata))
            #expect(outcome.traces.map { $0.layerValues.map { $0.map(\.bitPattern) } } == traces.map { $0.layerValues.map { $0.map(\.bitPattern) } })
            let result = try PythonScript.run("fixtures/read_ipgz.py", arguments: [directory.url.appendingPathComponent(stream.1).path])
            #expect(result.status == 0, "\(result.errorOutput)")
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
            let records = try #require(decoded["traces"] as? [[String: Any]])
            #expect(records.map { $0["layer_crc32"] as? [Int] } == traces.map { $0.layerValues.map(layerChecksum) })
        }
    }

    /// A version-4 raw section must be taken whole by the value blocks, and a stream whose
    /// frames carry a CRC-32 instead of XXH64 is damaged.
    @Test func versionFourRawSectionAndChecksumAreChecked() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("v4.ipgz")
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: FrameValueLayoutTests.topology))
        for number in 0..<3 { try writer.append(FrameValueLayoutTests.trace(number, encoding: .float32)) }
        try writer.finish()
        let original = StreamFrames(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        var longer = original
        longer.frames[1].raw! += [0]
        longer.frames[1].storedLength += 1
        let outcome = try StreamReadOutcome(bytes: longer.bytes, name: "longer.ipgz", in: directory.url)
        #expect(outcome.streamError?.frame == 1)
        #expect(outcome.streamError?.message == "1 raw-section bytes no value block takes")
        var crc = original
        crc.preamble[4] = 3
        var bytes = crc.bytes
        bytes[4] = 4  // version 4 again, its frames sealed with CRC-32
        let sealedWrongly = try StreamReadOutcome(bytes: bytes, name: "crc.ipgz", in: directory.url)
        #expect(sealedWrongly.streamError?.frame == 0)
        #expect(sealedWrongly.streamError?.message.hasPrefix("checksum mismatch") == true)
    }

    @Test func versionOneHeaderWithAMergedSourcesSectionIsRefused() throws {
        let directory = try TemporaryDirectory()
        var frames = StreamFrames(try Self.versionOneBytes(in: directory, traces: [Self.singleSourceTrace(0)]))
        frames.frames[0].payload += littleEndian(0)
        let outcome = try StreamReadOutcome(bytes: frames.bytes, name: "v1-extra.ipgz", in: directory.url)
        #expect(outcome.streamError?.frame == 0)
        #expect(outcome.streamError?.message == "header: 4 unexpected bytes after the layer table")
    }

    @Test func mergeLayersRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("merge.ipgz")
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: StreamSamples.topology))
        try writer.append(StreamSamples.trace(1))
        try writer.finish()
        let outcome = StreamReadOutcome(reading: path)
        #expect(outcome.error == nil)
        let header = try #require(outcome.header)
        let merges = header.topology.layers.filter { $0.isMerge }
        #expect(merges.map(\.name) == ["residual", "concat"])
        #expect(merges.map { $0.sources.map(\.layer) } == [[5, 6], [3, 3]])
        #expect(merges[1].sources.map(\.edgeRule) == [.concat(channelOffset: 0), .concat(channelOffset: 2)])
    }
}
