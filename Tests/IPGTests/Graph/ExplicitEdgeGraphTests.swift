import Foundation
import IPG
import Testing
import TestSupport

/// A stream may carry explicit edges from any earlier layer (the reader checks only that they
/// name a node pair of the layer table); the graph tells their sources' activity by their own layer.
@Suite struct ExplicitEdgeGraphTests {
    @Test func edgeFromAnotherLayerThanTheSource() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("edges.ipgz")
        var trace = StreamSamples.trace(0)
        trace.layerValues[4][7] = 3
        trace.layerValues[6][2] = 3
        // Layer 6's source is layer 5 (3 nodes); node 7 of layer 4 exists, node 7 of layer 5 does not.
        let edge = Edge(source: NodeID(layer: 4, index: 7), target: NodeID(layer: 6, index: 2), weight: 0.25)
        trace.explicitEdges = [6: [edge]]
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: StreamSamples.topology))
        try writer.append(trace)
        try writer.finish()
        let outcome = StreamReadOutcome(reading: path)
        #expect(outcome.error == nil)
        let read = try #require(outcome.traces.first)
        let graph = InferenceProvenanceGraph(topology: StreamSamples.topology, trace: read)
        #expect(graph.edges.filter { $0.target.layer == 6 } == [edge])
    }
}
