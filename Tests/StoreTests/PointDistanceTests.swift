import Foundation
import GRDB
import IPG
@testable import Store
import Testing
import TestSupport

/// `ipg_point_distance`: a stored trace's Euclidean distance in a layer from a point handed over
/// as float64 bytes, bit for bit the sum of squared node differences computed from the captured
/// trace.
@Suite struct PointDistanceTests {
    @Test func equalsTheDistanceComputedFromTheCapturedTraces() throws {
        let directory = try TemporaryDirectory()
        let (topology, traces) = try StoreFixtures.traces(count: 20, seed: 21)
        let store = try StoreFixtures.store(at: directory.path("s.sqlite"), count: 20, seed: 21)
        let layer = try #require(topology.layers.first { $0.index > 0 })
        let point = NodeValues.means(traces[3].layerValues[layer.index], nodeSize: layer.nodeSize).map { $0 + 0.25 }
        var bytes = Data()
        for value in point { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        let stored = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT input_index, ipg_point_distance(value_block, value_row, ?, ?, ?) FROM traces ORDER BY input_index",
                             arguments: [layer.index, layer.nodeSize, bytes])
        }
        #expect(stored.count == traces.count)
        for row in stored {
            let nodes = NodeValues.means(traces[row[0] as Int].layerValues[layer.index], nodeSize: layer.nodeSize)
            var sum = 0.0
            for node in nodes.indices { sum += (point[node] - nodes[node]) * (point[node] - nodes[node]) }
            #expect((row[1] as Double) == sum.squareRoot())
        }
        let wrongLength = try store.read { db in
            try Row.fetchOne(db, sql: "SELECT ipg_point_distance(value_block, value_row, ?, ?, ?) FROM traces", arguments: [layer.index, layer.nodeSize, bytes.prefix(8)])
        }
        #expect(wrongLength?[0] == nil as Double?)
        #expect(throws: (any Error).self) {
            try store.read { db in try Row.fetchAll(db, sql: "SELECT ipg_point_distance(value_block, value_row, ?, ?, 'x') FROM traces", arguments: [layer.index, layer.nodeSize]) }
        }
    }
}
