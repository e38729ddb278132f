import Dispatch
import Foundation
import IPG

/// A trace made ready for the database off the writing thread: its node values as stored
/// (compressed per block of traces, `ValueBlocks`), its explicit edges, and the per-node summary
/// statistics need (node value = mean element, and activity).
struct PreparedTrace: Sendable {
    var metadata: TraceMetadata
    /// Per layer, the values stored: the full map, a summary's means, maxima and shares active
    /// (`LayerSummary.storedValues`), or nothing for a derived layer.
    var storedRows: [[Float]]
    var explicitEdges: Data?
    /// The input hash unless its layer 0 values, kept exactly, give it back
    /// (`traces.explicit_input_hash`, `InputHash`).
    var explicitInputHash: Data?
    /// Per node of the layer table, in order.
    var nodeMeans: [Double]
    var nodeActive: [Bool]
    /// Per layer, the L1 norm and the sum of squares of its node values.
    var layerNorms: [(l1: Double, sumOfSquares: Double)]

    /// `resolutions` (one per layer; every layer full when nil) say how each layer is kept. A
    /// summarised layer's node values are its summary's means, whether the trace comes with the
    /// summary (read from a stream) or with the full map (from a capture), so both store the same.
    /// Layer 0 gives the input hash back when kept full at `encoding` float32.
    init(_ trace: Trace, topology: ModelTopology, resolutions: [LayerResolution]? = nil, encoding: ValueEncoding = .float32) {
        let resolutions = resolutions ?? Array(repeating: .full, count: topology.layers.count)
        metadata = trace.metadata
        explicitEdges = ExplicitEdgesCodec.encode(trace.explicitEdges)
        let keepsInput = encoding == .float32 && resolutions.first == .full && !trace.layerValues.isEmpty
        explicitInputHash = InputHash.explicit(trace.metadata.storedInputHash, input: keepsInput ? trace.layerValues[0] : nil)
        storedRows = []
        storedRows.reserveCapacity(topology.layers.count)
        nodeMeans = []
        nodeMeans.reserveCapacity(topology.nodeCount)
        nodeActive = []
        nodeActive.reserveCapacity(topology.nodeCount)
        for layer in topology.layers {
            let values = trace.layerValues[layer.index]
            switch resolutions[layer.index] {
            case .summary:
                let summary = trace.summaries[layer.index] ?? LayerSummary(layer: layer, values: values)
                storedRows.append(summary.storedValues)
                nodeActive += summary.activeNodes
                nodeMeans += summary.means.map { 0.0 + Double($0) }
            case .full, .derived:
                storedRows.append(resolutions[layer.index] == .full ? values : [])
                nodeActive += Layer.activeNodes(in: values, nodeSize: layer.nodeSize, threshold: layer.threshold)
                nodeMeans += NodeValues.means(values, nodeSize: layer.nodeSize)
            }
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

    /// `traces`' value blocks, each layer kept as `resolutions` say, with their layer norms.
    static func blocks(of traces: [PreparedTrace], topology: ModelTopology, resolutions: [LayerResolution],
                       encoding: ValueEncoding) throws -> [ValueBlocks.Encoded] {
        try ValueBlocks.encode(traces.map(\.storedRows), kept: ValueBlocks.KeptLayer.layers(of: topology, at: resolutions),
                               norms: traces.map(\.layerNorms), encoding: encoding, codec: LayerBlockCodec())
    }
}

/// Prepares a batch on a background thread, with the statistics and the value blocks of all
/// its traces (what the writer stores when every trace is new); `wait()` returns it (or its
/// error).
final class PreparedBatch: @unchecked Sendable {
    typealias Prepared = (traces: [PreparedTrace], statistics: BatchStatistics, blocks: [ValueBlocks.Encoded])
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Prepared, any Error>

    init(_ traces: [Trace], topology: ModelTopology, resolutions: [LayerResolution], encoding: ValueEncoding) {
        result = .success(([], BatchStatistics(topology: topology), []))
        DispatchQueue.global().async { [self] in
            result = Result {
                let prepared = traces.map { PreparedTrace($0, topology: topology, resolutions: resolutions, encoding: encoding) }
                var statistics = BatchStatistics(topology: topology)
                for trace in prepared { statistics.add(trace) }
                let blocks = try PreparedTrace.blocks(of: prepared, topology: topology, resolutions: resolutions, encoding: encoding)
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
