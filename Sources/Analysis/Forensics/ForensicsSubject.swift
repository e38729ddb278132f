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
        let columns = """
            SELECT t.id, t.tag, t.input_index, m.fingerprint,
                   (SELECT MIN(u.id) FROM traces u WHERE u.model_id = t.model_id AND u.tag = t.tag AND u.input_index = t.input_index) AS first_id,
                   (SELECT MIN(p.id) FROM traces p WHERE p.model_id = t.model_id AND p.tag = t.parent_tag AND p.input_index = t.parent_index) AS parent_id
            FROM traces t JOIN models m ON m.id = t.model_id
            """
        let table: ResultTable
        switch choice {
        case .id(let id):
            table = try backend.run(sql: columns + " WHERE t.id = ?", arguments: [.integer(id)])
            guard !table.rows.isEmpty else { throw ForensicsError.noSuchTraceID(id, store: backend.location) }
        case .input(let tag, let index):
            table = try backend.run(sql: columns + " WHERE t.tag = ? AND t.input_index = ? ORDER BY t.id", arguments: [.text(tag), .integer(Int64(index))])
            guard !table.rows.isEmpty else { throw ForensicsError.noSuchTrace(tag: tag, input: index, store: backend.location) }
            guard table.rows.count == 1 else {
                throw ForensicsError.ambiguousTrace(tag: tag, input: index, traces: table.rows.indices.map { table.integer($0, "id") ?? 0 })
            }
        }
        let id = table.integer(0, "id") ?? 0, tag = table.value(0, "tag")?.text ?? ""
        let input = Int(table.integer(0, "input_index") ?? 0)
        // The store reads a trace by tag and input; a second trace at the same address (one
        // input stored twice) is told apart by id only.
        guard table.integer(0, "first_id") == id else {
            throw ForensicsError.sharedAddress(trace: id, earlier: table.integer(0, "first_id") ?? 0, tag: tag, input: input)
        }
        let (topology, trace) = try backend.trace(tag: tag, inputIndex: input, model: table.value(0, "fingerprint")?.text)
        return ForensicsSubject(id: id, topology: topology, trace: trace, parentID: table.integer(0, "parent_id"))
    }
}

extension ResultTable {
    /// The whole number in `row` of the column named `name`, nil when it is null or missing.
    func integer(_ row: Int, _ name: String) -> Int64? {
        if case .integer(let number)? = value(row, name) { return number }
        return nil
    }
}
