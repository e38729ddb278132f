import Foundation
import GRDB

/// One row of `node_label_layer_statistics` (migration 0014): per (model, tag, true label,
/// layer), every node's running statistics packed in node order, the count shared by all.
struct LabelLayerStatistics {
    var count: Int
    var activeCounts: [Double], means: [Double], m2s: [Double], minima: [Double], maxima: [Double]

    /// The statistics of a layer's nodes, all of one group (so all of one count).
    init(_ nodes: ArraySlice<RunningNodeStatistics>) {
        count = nodes.first?.count ?? 0
        activeCounts = nodes.map { Double($0.activeCount) }
        means = nodes.map(\.mean)
        m2s = nodes.map(\.m2)
        minima = nodes.map(\.minimum)
        maxima = nodes.map(\.maximum)
    }

    /// A stored row, nil when its columns are not packed columns of one length.
    init?(row: Row) {
        guard let active = PackedArray.unpack(row["active_counts"], as: .int32),
              let means = PackedArray.unpack(row["means"], as: .float64), let m2s = PackedArray.unpack(row["m2s"], as: .float64),
              let minima = PackedArray.unpack(row["minima"], as: .float64), let maxima = PackedArray.unpack(row["maxima"], as: .float64),
              Set([active.count, means.count, m2s.count, minima.count, maxima.count]).count == 1
        else { return nil }
        count = row["count"]
        activeCounts = active
        self.means = means
        self.m2s = m2s
        self.minima = minima
        self.maxima = maxima
    }

    /// Adds the traces `other` summarises, node by node, with the arithmetic of the per-node
    /// upsert this row replaces (so the numbers are those the unpacked table kept):
    /// mean = (mean·n + mean′·n′) / (n + n′), m2 = m2 + m2′ + (mean′ − mean)²·n·n′ / (n + n′).
    mutating func merge(_ other: LabelLayerStatistics) {
        let n = Double(count), m = Double(other.count), total = Double(count + other.count)
        for node in means.indices {
            let mean = means[node], otherMean = other.means[node]
            means[node] = (mean * n + otherMean * m) / total
            m2s[node] = m2s[node] + other.m2s[node] + (otherMean - mean) * (otherMean - mean) * n * m / total
            activeCounts[node] += other.activeCounts[node]
            minima[node] = min(minima[node], other.minima[node])
            maxima[node] = max(maxima[node], other.maxima[node])
        }
        count += other.count
    }

    /// Merges `batch` (the statistics of the layer's nodes over a batch's traces of one tag and
    /// label) into the stored row, inserting it on first sight.
    static func merge(_ batch: LabelLayerStatistics, modelID: Int64, tag: String, label: Int, layer: Int, in db: Database) throws {
        let key: StatementArguments = [modelID, tag, label, layer]
        var merged = batch
        if let row = try Row.fetchOne(db, sql: """
            SELECT count, active_counts, means, m2s, minima, maxima FROM node_label_layer_statistics
            WHERE model_id = ? AND tag = ? AND label = ? AND layer = ?
            """, arguments: key) {
            guard var stored = LabelLayerStatistics(row: row), stored.means.count == batch.means.count else {
                throw DatabaseError(message: "node_label_layer_statistics: the row of tag \(tag), label \(label), layer \(layer) does not hold \(batch.means.count) nodes' statistics")
            }
            stored.merge(batch)
            merged = stored
        }
        guard merged.activeCounts.allSatisfy({ $0 <= Double(Int32.max) }) else {
            throw DatabaseError(message: "node_label_layer_statistics: an active count of tag \(tag), label \(label), layer \(layer) exceeds int32")
        }
        try db.execute(sql: """
            INSERT OR REPLACE INTO node_label_layer_statistics (model_id, tag, label, layer, count, active_counts, means, m2s, minima, maxima)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: key + [merged.count, PackedArray.pack(merged.activeCounts, as: .int32),
                                   PackedArray.pack(merged.means, as: .float64), PackedArray.pack(merged.m2s, as: .float64),
                                   PackedArray.pack(merged.minima, as: .float64), PackedArray.pack(merged.maxima, as: .float64)])
    }
}
