import Foundation
import IPG
import Store

/// Forensics' reads on ClickHouse: trace locations by a few small lookups, node values and
/// one class's node statistics by array functions and `-ForEach` aggregates over
/// `layer_values` (each node's value its elements' mean, as the SQLite store's statistics see it).
extension ClickHouseBackend {
    public func traceLocations(_ lookup: TraceLookup) throws -> [TraceLocation] {
        let condition: String
        switch lookup {
        case .id(let id):
            guard id >= 0 else { return [] }
            condition = "id = \(id)"
        case .address(let tag, let index):
            condition = "tag = \(SQLLiteral.string(tag)) AND input_index = \(index)"
        }
        let rows = TabSeparated.rows(try client.execute(
            "SELECT id, model_id, tag, input_index, parent_tag, parent_index FROM \(table("traces")) WHERE \(condition) ORDER BY id FORMAT TabSeparated"))
        guard !rows.isEmpty else { return [] }
        let fingerprints = Dictionary(try modelIDs().map { ($0.value, $0.key) }) { first, _ in first }
        return try rows.map { row in
            guard let id = Int64(row[0]), let model = UInt64(row[1]), let index = Int(row[3]), let parentIndex = Int(row[5]) else {
                throw StoreError(path: location, reason: .damaged(detail: "a traces row that does not read: \(row)"))
            }
            let first = try firstTraceID(model: model, tag: row[2], inputIndex: index) ?? id
            let parent = row[4].isEmpty ? nil : try firstTraceID(model: model, tag: row[4], inputIndex: parentIndex)
            return TraceLocation(id: id, tag: row[2], inputIndex: index, modelFingerprint: fingerprints[model] ?? "", firstID: first, parentID: parent)
        }
    }

    /// The smallest id of model `model`'s traces with `tag` and `inputIndex`, nil when there is none.
    private func firstTraceID(model: UInt64, tag: String, inputIndex: Int) throws -> Int64? {
        let rows = TabSeparated.rows(try client.execute("""
            SELECT id FROM \(table("traces")) WHERE model_id = \(model) AND tag = \(SQLLiteral.string(tag)) AND input_index = \(inputIndex)
            ORDER BY id LIMIT 1 FORMAT TabSeparated
            """))
        return rows.first.flatMap { Int64($0[0]) }
    }

    public func nodeValues(trace id: Int64, layer: Int) throws -> [Double]? {
        guard id >= 0, layer >= 0 else { return nil }
        var reader = RowBinaryReader(try client.execute("""
            SELECT model_id, layer_values[\(layer + 1)] FROM \(table("traces")) WHERE id = \(id) AND length(layer_values) > \(layer)
            LIMIT 1 FORMAT RowBinary
            """))
        guard !reader.atEnd else { return nil }
        let model = try reader.uint64(), values = try reader.float32Array()
        var topologies = TopologyCache(backend: self)
        let layers = try topologies.topology(model).layers
        guard layers.indices.contains(layer) else { return nil }
        return Self.means(values, nodeSize: layers[layer].nodeSize)
    }

    /// One scan of the class's traces' values, of sums shifted by one of them: per node `k`, the
    /// value of the class's first trace, `s1 = Σ(x − k)` and `s2 = Σ(x − k)²`, so the mean is
    /// `k + s1/n` and `m2 = s2 − s1²/n` keeps its digits however small the spread is beside the
    /// mean (`k` lies within the values). 18.16's `varPop` loses them, and its
    /// `varPopStableForEach` does not cross a `Distributed` table.
    public func classNodeStatistics(model: String, tag: String, label: Int, layers: ClosedRange<Int>) throws -> [NodeClassStatistics] {
        guard let modelID = try modelIDs()[model], let topology = try storedTopology(modelID: modelID) else { return [] }
        let chosen = layers.clamped(to: 0...max(0, topology.layers.count - 1))
        guard !topology.layers.isEmpty, !chosen.isEmpty else { return [] }
        let nodes = chosen.map { Self.nodeValuesExpression(layer: $0, in: topology) }
        // PREWHERE: the class's traces are chosen before their values are read.
        let selection = "FROM \(table("traces")) PREWHERE model_id = \(modelID) AND tag = \(SQLLiteral.string(tag)) AND true_label = \(label)"
        // The class's first trace (by id: the same shift, and the same rounding, every time).
        guard let first = TabSeparated.rows(try client.execute("SELECT min(id), count() \(selection) FORMAT TabSeparated")).first,
              first.count == 2, let firstID = UInt64(first[0]), first[1] != "0"
        else { return [] }
        var reader = RowBinaryReader(try client.execute("SELECT \(nodes.joined(separator: ", ")) \(selection) AND id = \(firstID) LIMIT 1 FORMAT RowBinary"))
        guard !reader.atEnd else { return [] }
        let shifts = try nodes.map { _ in try reader.float64Array() }
        let sums = zip(nodes, shifts).map { values, shift in
            let shifted = "arrayMap((x, k) -> x - k, \(values), \(Self.arrayLiteral(shift)))"
            return "sumForEach(\(shifted)), sumForEach(arrayMap(d -> d * d, \(shifted)))"
        }
        reader = RowBinaryReader(try client.execute("SELECT count(), \(sums.joined(separator: ", ")) \(selection) FORMAT RowBinary"))
        let count = Int(try reader.uint64())
        guard count > 0 else { return [] }
        let n = Double(count)
        return try zip(chosen, shifts).flatMap { layer, shift in
            let first = try reader.float64Array(), second = try reader.float64Array()
            return shift.indices.map { node in
                NodeClassStatistics(layer: layer, node: node, count: count, mean: shift[node] + first[node] / n,
                                    m2: max(0, second[node] - first[node] * first[node] / n))
            }
        }
    }

    /// The node values of `layer` as a Float64 array expression over a `traces` row: the
    /// stored values, or each node's elements' mean when a node has several.
    static func nodeValuesExpression(layer: Int, in topology: ModelTopology) -> String {
        let values = "layer_values[\(layer + 1)]", size = topology.layers[layer].nodeSize
        guard size > 1 else { return "arrayMap(x -> toFloat64(x), \(values))" }
        return "arrayMap(n -> arrayReduce('sum', arrayMap(x -> toFloat64(x), arraySlice(\(values), n * \(size) + 1, \(size)))) / \(size), "
            + "range(\(topology.layers[layer].nodeCount)))"
    }

    /// `[1.5, -2, …]`, each number written to read back as the same double.
    static func arrayLiteral(_ values: [Double]) -> String {
        "[" + values.map { PlaceholderBinding.literal(.real($0)) }.joined(separator: ", ") + "]"
    }

    /// One mean per `nodeSize` consecutive values, summed in order from +0.0 (as the SQLite store's statistics do).
    static func means(_ values: [Float], nodeSize: Int) -> [Double] {
        let size = max(1, nodeSize)
        return (0..<(values.count / size)).map { node in
            var sum = 0.0
            for position in (node * size)..<((node + 1) * size) { sum += Double(values[position]) }
            return size == 1 ? sum : sum / Double(size)
        }
    }
}
