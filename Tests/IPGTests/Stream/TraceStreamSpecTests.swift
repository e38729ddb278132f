import Foundation
import IPG
import Testing
import TestSupport

/// A reader written in Python from the format spec alone (scripts/fixtures/read_ipgz.py) reads
/// what DeepProv writes: the spec is complete enough for a third party.
@Suite struct TraceStreamSpecTests {
    @Test(arguments: [ValueEncoding.float32, .float16])
    func independentReaderAgrees(encoding: ValueEncoding) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("spec.ipgz")
        let traces = (0..<9).map(StreamSamples.trace)
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: StreamSamples.topology, valueEncoding: encoding), frameCapacity: 4)
        for trace in traces { try writer.append(trace) }
        try writer.finish()

        let result = try PythonScript.run("fixtures/read_ipgz.py", arguments: [path])
        #expect(result.status == 0, "\(result.errorOutput)")
        let decoded = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
        #expect(decoded["model"] as? String == "every-rule")
        #expect(decoded["encoding"] as? Int == Int(encoding.rawValue))
        let layers = decoded["layers"] as! [[Any]]
        #expect(layers.map { $0[0] as! String } == StreamSamples.topology.layers.map(\.name))
        #expect(layers.map { $0[2] as! Int } == StreamSamples.topology.layers.map(\.nodeCount))
        #expect(layers.map { $0[3] as! [Int] } == StreamSamples.topology.layers.map { $0.sources.map(\.layer) })
        #expect(StreamSamples.topology.layers.contains { $0.isMerge }, "the sample has merge layers")
        let records = decoded["traces"] as! [[String: Any]]
        #expect(records.count == traces.count)
        for (record, trace) in zip(records, traces) {
            #expect(record["input"] as? Int == trace.metadata.inputIndex)
            #expect(record["tag"] as? String == trace.metadata.tag)
            #expect(record["true"] as? Int == trace.metadata.trueLabel)
            #expect(record["predicted"] as? Int == trace.metadata.predictedLabel)
            #expect((record["parent"] as? [Any])?.last as? Int == trace.metadata.parent?.inputIndex)
            #expect(record["explicit_edges"] as? Int == 1)
            let stored = trace.layerValues.map { encoding == .float32 ? $0 : $0.map { Float(Float16($0)) } }
            #expect(record["layer_crc32"] as? [Int] == stored.map(layerChecksum), "input \(trace.metadata.inputIndex): bit for bit")
            let sums = record["layer_sums"] as! [Any]
            for (layer, values) in trace.layerValues.enumerated() {
                let stored = encoding == .float32 ? values : values.map { Float(Float16($0)) }
                let expected = stored.reduce(0.0) { $0 + Double($1) }
                if expected.isFinite {
                    let found = try #require(sums[layer] as? Double)
                    #expect(abs(found - expected) <= 1e-9 * max(1, abs(expected)), "layer \(layer): \(found) vs \(expected)")
                } else {
                    #expect(sums[layer] as? String == "\(expected)", "layer \(layer)")
                }
            }
        }
    }
}
