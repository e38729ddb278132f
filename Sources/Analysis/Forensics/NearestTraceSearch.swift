import Store

/// The exact k nearest traces of one model, by Euclidean distance of node values in one layer,
/// among the correctly classified traces of one class (any tag). Every candidate is read
/// (`ipg_nodes` decodes one layer of each) and ranked; ties go to the smaller id.
struct NearestTraceSearch {
    let backend: any ProvenanceBackend
    let fingerprint: String
    let layer: Int
    /// The layer's node size (values per node), for `ipg_nodes`.
    let nodeSize: Int

    func nearest(to values: [Double], ofClass label: Int, count: Int, excluding excluded: Int64) throws -> [Neighbour] {
        let table = try backend.run(sql: """
            SELECT t.id, ipg_nodes(t.node_values, t.value_encoding, ?, ?) AS nodes
            FROM traces t JOIN models m ON m.id = t.model_id
            WHERE m.fingerprint = ? AND t.true_label = ? AND t.predicted_label = t.true_label AND t.id != ?
            """, arguments: [.integer(Int64(layer)), .integer(Int64(nodeSize)), .text(fingerprint), .integer(Int64(label)), .integer(excluded)])
        var neighbours: [Neighbour] = []
        for row in table.rows {
            guard case .integer(let id) = row[0], let text = row[1].text else { continue }
            let candidate = Self.numbers(text)
            guard candidate.count == values.count else { continue }
            neighbours.append(Neighbour(trace: id, distance: Self.distance(values, candidate)))
        }
        neighbours.sort { ($0.distance, $0.trace) < ($1.distance, $1.trace) }
        return Array(neighbours.prefix(count))
    }

    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for index in a.indices {
            let difference = a[index] - b[index]
            sum += difference * difference
        }
        return sum.squareRoot()
    }

    /// `[1.5,2,…]` (what `ipg_nodes` writes) as numbers.
    static func numbers(_ text: String) -> [Double] {
        text.utf8.split { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") || $0 == UInt8(ascii: ",") }
            .compactMap { Double(Substring($0)) }
    }
}
