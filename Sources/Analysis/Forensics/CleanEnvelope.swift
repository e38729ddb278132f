import Store

/// Per hidden node, the mean and population standard deviation of its value over the traces
/// of one tag whose true label is one class: read from the per-label statistics the store
/// keeps at ingest (`node_label_statistics`), so no trace is scanned. The language's
/// `from traces where tag = T and label = C | nodes of layer N | summarize count, mean, stddev
/// by node` gives the same numbers by a scan (the tests compare them).
struct CleanEnvelope {
    /// Per layer, per node: (count, mean, stddev).
    private var nodes: [Int: [Int: (count: Int, mean: Double, stddev: Double)]] = [:]

    init(backend: any ProvenanceBackend, fingerprint: String, tag: String, label: Int, layers: ClosedRange<Int>) throws {
        let table = try backend.run(sql: """
            SELECT s.layer, s.node, s.count, s.mean, s.m2 FROM node_label_statistics s JOIN models m ON m.id = s.model_id
            WHERE m.fingerprint = ? AND s.tag = ? AND s.label = ? AND s.layer BETWEEN ? AND ?
            """, arguments: [.text(fingerprint), .text(tag), .integer(Int64(label)), .integer(Int64(layers.lowerBound)), .integer(Int64(layers.upperBound))])
        for row in table.rows {
            guard let layer = row[0].number.map(Int.init), let node = row[1].number.map(Int.init), let count = row[2].number,
                  let mean = row[3].number, let m2 = row[4].number, count > 0
            else { continue }
            nodes[layer, default: [:]][node] = (Int(count), mean, (max(0, m2) / count).squareRoot())
        }
    }

    /// `(value − mean) / stddev`, nil when the clean values do not spread or there are none.
    func z(_ value: Double, layer: Int, node: Int) -> Double? {
        guard let statistics = nodes[layer]?[node], statistics.stddev > 0 else { return nil }
        return (value - statistics.mean) / statistics.stddev
    }
}
