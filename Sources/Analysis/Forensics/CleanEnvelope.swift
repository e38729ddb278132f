import Query
import Store

/// Per hidden node, the mean and population standard deviation of its value over the traces
/// of one tag whose true label is one class, asked in the query language:
/// `from traces where tag = $tag and label = $label | nodes of layer $layer | summarize count, mean, stddev by node`.
struct CleanEnvelope {
    /// Per layer, per node: (count, mean, stddev); a layer without such traces has no entry.
    private(set) var layers: [Int: [(count: Int, mean: Double, stddev: Double)]] = [:]

    static let query = SourceText(
        "from traces where tag = $tag and label = $label | nodes of layer $layer | summarize count, mean, stddev by node",
        name: "<forensics envelope>")

    init(session: QuerySession, tag: String, label: Int, layers hidden: [Int]) throws {
        for layer in hidden {
            let parameters = QueryParameters(given: ["tag": tag, "label": "\(label)", "layer": "\(layer)"])
            let table = try session.run(session.prepare(Self.query, parameters: parameters)).table
            guard !table.rows.isEmpty else { continue }
            var nodes = [(count: Int, mean: Double, stddev: Double)]()
            for row in table.rows.indices {
                guard let node = table.value(row, "node")?.number.map(Int.init) else { continue }
                while nodes.count <= node { nodes.append((0, 0, 0)) }
                nodes[node] = (Int(table.value(row, "count")?.number ?? 0), table.value(row, "mean")?.number ?? 0,
                               table.value(row, "stddev")?.number ?? 0)
            }
            layers[layer] = nodes
        }
    }

    /// `(value − mean) / stddev`, nil when the clean values do not spread or there are none.
    func z(_ value: Double, layer: Int, node: Int) -> Double? {
        guard let nodes = layers[layer], nodes.indices.contains(node) else { return nil }
        let statistics = nodes[node]
        guard statistics.count > 0, statistics.stddev > 0 else { return nil }
        return (value - statistics.mean) / statistics.stddev
    }
}
