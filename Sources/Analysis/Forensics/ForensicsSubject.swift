import IPG
import Store

/// Which trace a forensic report is about: its id in the store, or its tag and input index.
public enum TraceChoice: Sendable, Equatable {
    case id(Int64)
    case input(tag: String, index: Int)
}

/// One trace as forensics reads it: its id, metadata, model and node values (each node's
/// value as the store's statistics see it: a unit's value, a channel map's mean).
struct ForensicsSubject {
    var id: Int64
    var topology: ModelTopology
    var trace: Trace
    /// The id of its parent trace, when it has a parent the store holds.
    var parentID: Int64?
    /// Per layer, per node.
    var nodeValues: [[Double]]

    var label: Int? { trace.metadata.trueLabel }
    var predicted: Int { trace.metadata.predictedLabel }
    var outputLayer: Int { topology.layers.count - 1 }

    init(id: Int64, topology: ModelTopology, trace: Trace, parentID: Int64?) {
        self.id = id
        self.topology = topology
        self.trace = trace
        self.parentID = parentID
        nodeValues = topology.layers.map { layer in
            // A layer kept at summary resolution gives its stored means.
            if let summary = trace.summaries[layer.index] { return summary.means.map(Double.init) }
            let values = trace.layerValues[layer.index], size = layer.nodeSize
            return (0..<layer.nodeCount).map { node in
                var sum = 0.0
                for position in (node * size)..<((node + 1) * size) { sum += Double(values[position]) }
                return sum / Double(size)
            }
        }
    }

    /// Reads the chosen trace (and finds its parent's id) from `backend`.
    static func read(_ choice: TraceChoice, from backend: any ProvenanceBackend) throws -> ForensicsSubject {
        let location: TraceLocation
        switch choice {
        case .id(let id):
            guard let found = try backend.traceLocations(.id(id)).first else { throw ForensicsError.noSuchTraceID(id, store: backend.location) }
            location = found
        case .input(let tag, let index):
            let found = try backend.traceLocations(.address(tag: tag, inputIndex: index))
            guard let first = found.first else { throw ForensicsError.noSuchTrace(tag: tag, input: index, store: backend.location) }
            guard found.count == 1 else { throw ForensicsError.ambiguousTrace(tag: tag, input: index, traces: found.map(\.id)) }
            location = first
        }
        // The store reads a trace by tag and input; a second trace at the same address (one
        // input stored twice) is told apart by id only.
        guard location.firstID == location.id else {
            throw ForensicsError.sharedAddress(trace: location.id, earlier: location.firstID, tag: location.tag, input: location.inputIndex)
        }
        let (topology, trace) = try backend.trace(tag: location.tag, inputIndex: location.inputIndex, model: location.modelFingerprint)
        return ForensicsSubject(id: location.id, topology: topology, trace: trace, parentID: location.parentID)
    }
}
