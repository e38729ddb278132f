import Foundation
import IPG

extension ProvenanceStore {
    public func traceLocations(_ lookup: TraceLookup) throws -> [TraceLocation] {
        let columns = """
            SELECT t.id, t.tag, t.input_index, m.fingerprint,
                   (SELECT MIN(u.id) FROM traces u WHERE u.model_id = t.model_id AND u.tag = t.tag AND u.input_index = t.input_index) AS first_id,
                   (SELECT MIN(p.id) FROM traces p WHERE p.model_id = t.model_id AND p.tag = t.parent_tag AND p.input_index = t.parent_index) AS parent_id
            FROM traces t JOIN models m ON m.id = t.model_id
            """
        let table: ResultTable
        switch lookup {
        case .id(let id):
            table = try run(sql: columns + " WHERE t.id = ?", arguments: [.integer(id)])
        case .address(let tag, let index):
            table = try run(sql: columns + " WHERE t.tag = ? AND t.input_index = ? ORDER BY t.id", arguments: [.text(tag), .integer(Int64(index))])
        }
        return table.rows.map { row in
            TraceLocation(id: row[0].integerValue ?? 0, tag: row[1].text ?? "", inputIndex: Int(row[2].integerValue ?? 0),
                          modelFingerprint: row[3].text ?? "", firstID: row[4].integerValue ?? 0, parentID: row[5].integerValue)
        }
    }

    public func nodeValues(trace id: Int64, layer: Int) throws -> [Double]? {
        let table = try run(sql: """
            SELECT ipg_nodes(t.value_block, t.value_row, l.layer, l.node_size) FROM traces t
            JOIN layers l ON l.model_id = t.model_id AND l.layer = ? WHERE t.id = ?
            """, arguments: [.integer(Int64(layer)), .integer(id)])
        return table.rows.first?.first?.text.map(Self.numbers)
    }

    /// Read from the per-label statistics kept at ingest (`node_label_statistics`): no trace is scanned.
    public func classNodeStatistics(model: String, tag: String, label: Int, layers: ClosedRange<Int>) throws -> [NodeClassStatistics] {
        let table = try run(sql: """
            SELECT s.layer, s.node, s.count, s.mean, s.m2 FROM node_label_statistics s JOIN models m ON m.id = s.model_id
            WHERE m.fingerprint = ? AND s.tag = ? AND s.label = ? AND s.layer BETWEEN ? AND ? AND s.count > 0
            ORDER BY s.layer, s.node
            """, arguments: [.text(model), .text(tag), .integer(Int64(label)), .integer(Int64(layers.lowerBound)), .integer(Int64(layers.upperBound))])
        return table.rows.compactMap { row in
            guard let layer = row[0].integerValue, let node = row[1].integerValue, let count = row[2].integerValue,
                  let mean = row[3].number, let m2 = row[4].number
            else { return nil }
            return NodeClassStatistics(layer: Int(layer), node: Int(node), count: Int(count), mean: mean, m2: m2)
        }
    }

    /// `[1.5,2,…]` (what `ipg_nodes` writes) as numbers.
    static func numbers(_ text: String) -> [Double] {
        text.utf8.split { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") || $0 == UInt8(ascii: ",") }
            .compactMap { Double(Substring($0)) }
    }
}

private extension StoreValue {
    var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }
}
