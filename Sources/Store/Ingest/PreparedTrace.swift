import Dispatch
import Foundation
import IPG

/// A trace made ready for the database off the writing thread: its compressed node values,
/// its explicit edges, and the per-node summary statistics need (node value = mean element,
/// and activity).
struct PreparedTrace: Sendable {
    var metadata: TraceMetadata
    var nodeValues: Data
    var explicitEdges: Data?
    /// Per node of the layer table, in order.
    var nodeMeans: [Double]
    var nodeActive: [Bool]
    /// Per layer, the L1 norm and the sum of squares of its node values.
    var layerNorms: [(l1: Double, sumOfSquares: Double)]

    init(_ trace: Trace, topology: ModelTopology, encoding: ValueEncoding, codec: TraceValueCodec) throws {
        metadata = trace.metadata
        nodeValues = Data(try codec.encode(trace.layerValues, encoding: encoding))
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

/// Prepares a batch on a background thread, with the statistics of all its traces (what the
/// writer merges when every trace is new); `wait()` returns it (or its error).
final class PreparedBatch: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<(traces: [PreparedTrace], statistics: BatchStatistics), any Error>

    init(_ traces: [Trace], topology: ModelTopology, encoding: ValueEncoding) {
        result = .success(([], BatchStatistics(topology: topology)))
        DispatchQueue.global().async { [self] in
            let codec = TraceValueCodec()
            result = Result {
                let prepared = try traces.map { try PreparedTrace($0, topology: topology, encoding: encoding, codec: codec) }
                var statistics = BatchStatistics(topology: topology)
                for trace in prepared { statistics.add(trace) }
                return (prepared, statistics)
            }
            done.signal()
        }
    }

    func wait() throws -> (traces: [PreparedTrace], statistics: BatchStatistics) {
        done.wait()
        return try result.get()
    }
}
