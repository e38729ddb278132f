import Foundation
@testable import IPG
import Testing
import TestSupport

/// Version 2 adds the merged-sources section to the header and lays a traces frame's values out
/// per layer (`FrameValueBlock`), version 3 lets a layer's block be derived from an earlier
/// layer's (`DerivedValueBlock`); version-2 streams are still read, and version-1 streams (whose header ends after the layer table and
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
        #expect(frames.preamble[4] == 3, "this build writes version 3")
        let payload = frames.frames[0].payload
        #expect(Array(payload.suffix(4)) == [0, 0, 0, 0], "an empty merged-sources section ends the header")
        frames.preamble[4] = 1
        frames.frames[0].payload = Array(payload.dropLast(4))
        var remaining = traces[...]
        for index in frames.frames.indices where frames.frames[index].kind == 2 {
            let count = Int(frames.frames[index].itemCount)
            let version2 = frames.frames[index].payload
            let version1 = try TraceFrame.encode(Array(remaining.prefix(count)), header: StreamHeader(topology: singleSourceTopology), version: 1)
            #expect(version1 != version2, "the two versions lay values out differently")
            frames.frames[index].payload = version1
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
            #expect(version2.count > frames.frames[index].payload.count, "version 3 left derived values out")
            frames.frames[index].payload = version2
            remaining = remaining.dropFirst(count)
        }
        let outcome = try StreamReadOutcome(bytes: frames.bytes, name: "v2.ipgz", in: directory.url)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.traces == traces)
        let result = try PythonScript.run("fixtures/read_ipgz.py", arguments: [directory.url.appendingPathComponent("v2.ipgz").path])
        #expect(result.status == 0, "\(result.errorOutput)")
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
