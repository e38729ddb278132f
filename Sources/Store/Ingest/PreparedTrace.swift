import Dispatch
import Foundation
import IPG

/// A trace made ready for the database off the writing thread: its node values (compressed
/// per block of traces, `ValueBlocks`), its explicit edges, and the per-node summary
/// statistics need (node value = mean element, and activity).
struct PreparedTrace: Sendable {
    var metadata: TraceMetadata
    var layerValues: [[Float]]
    var explicitEdges: Data?
    /// Per node of the layer table, in order.
    var nodeMeans: [Double]
    var nodeActive: [Bool]
    /// Per layer, the L1 norm and the sum of squares of its node values.
    var layerNorms: [(l1: Double, sumOfSquares: Double)]

    init(_ trace: Trace, topology: ModelTopology) {
        metadata = trace.metadata
        layerValues = trace.layerValues
        explicitEdges = ExplicitEdgesCodec.encode(trace.explicitEdges)
        nodeMeans = []
        nodeMeans.reserveCapacity(topology.nodeCount)
        nodeActive = []
        nodeActive.reserveCapacity(topology.nodeCount)
        for layer in topology.layers {
            let values = trace.layerValues[layer.index]
            nodeActive += Layer.activeNodes(in: values, nodeSize: layer.nodeSize, threshold: layer.threshold)
            nodeMeans += NodeValues.means(values, nodeSize: layer.nodeSize)
        }
        var norms: [(l1: Double, sumOfSquares: Double)] = []
        var start = 0
        for layer in topology.layers {
            var l1 = 0.0, sumOfSquares = 0.0
            for value in nodeMeans[start..<(start + layer.nodeCount)] {
                l1 += abs(value)
                sumOfSquares += value * value
            }
            start += layer.nodeCount
            norms.append((l1, sumOfSquares))
        }
        layerNorms = norms
    }
}

/// Prepares a batch on a background thread, with the statistics and the value blocks of all
/// its traces (what the writer stores when every trace is new); `wait()` returns it (or its
/// error).
final class PreparedBatch: @unchecked Sendable {
    typealias Prepared = (traces: [PreparedTrace], statistics: BatchStatistics, blocks: [ValueBlocks.Encoded])
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Prepared, any Error>

    init(_ traces: [Trace], topology: ModelTopology, encoding: ValueEncoding) {
        result = .success(([], BatchStatistics(topology: topology), []))
        DispatchQueue.global().async { [self] in
            result = Result {
                let prepared = traces.map { PreparedTrace($0, topology: topology) }
                var statistics = BatchStatistics(topology: topology)
                for trace in prepared { statistics.add(trace) }
                let blocks = try ValueBlocks.encode(prepared.map(\.layerValues), norms: prepared.map(\.layerNorms), encoding: encoding, codec: LayerBlockCodec())
                return (prepared, statistics, blocks)
            }
            done.signal()
        }
    }

    func wait() throws -> Prepared {
        done.wait()
        return try result.get()
    }
}
