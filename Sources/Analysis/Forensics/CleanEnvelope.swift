import Store

/// Per hidden node, the mean and population standard deviation of its value over the traces
/// of one tag whose true label is one class, as the backend computes them
/// (`classNodeStatistics`: SQLite reads the per-label statistics it keeps at ingest, so no
/// trace is scanned; ClickHouse sums over the class's traces). The language's
/// `from traces where tag = T and label = C | nodes of layer N | summarize count, mean, stddev
/// by node` gives the same numbers by a scan (the tests compare them).
struct CleanEnvelope {
    /// Per layer, per node: (count, mean, stddev).
    private var nodes: [Int: [Int: (count: Int, mean: Double, stddev: Double)]] = [:]

    init(backend: any ProvenanceBackend, fingerprint: String, tag: String, label: Int, layers: ClosedRange<Int>) throws {
        for node in try backend.classNodeStatistics(model: fingerprint, tag: tag, label: label, layers: layers) where node.count > 0 {
            nodes[node.layer, default: [:]][node.node] = (node.count, node.mean, (max(0, node.m2) / Double(node.count)).squareRoot())
        }
    }

    /// `(value − mean) / stddev`, nil when the clean values do not spread or there are none.
    func z(_ value: Double, layer: Int, node: Int) -> Double? {
        guard let statistics = nodes[layer]?[node], statistics.stddev > 0 else { return nil }
        return (value - statistics.mean) / statistics.stddev
    }
}
