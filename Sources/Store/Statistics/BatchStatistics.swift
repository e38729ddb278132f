import GRDB
import IPG

/// Statistics of one batch's new traces, per tag: per node count, active count, Welford mean
/// and m2 of the node value (a node's mean element), min and max; per layer active nodes and
/// the sum of node values; per tag and true label, per node the same as per tag. A labelled
/// trace's node values are added once, to its label's statistics; a tag's are those of its
/// unlabelled traces merged with its labels' (one merge per label and node per batch, instead of
/// a second update per node and trace). `merge(into:)` folds them into the stored rows (Chan et
/// al.'s parallel update), in the ingest's transaction: per node for tags, per layer's packed
/// row for labels (`LabelLayerStatistics`).
struct BatchStatistics {
    let topology: ModelTopology
    /// Per tag, per node of the layer table: its unlabelled traces only.
    private var nodes: StatisticsByKey<String>
    /// Per tag (at the same positions as `nodes`), per layer.
    private var layers: [[(count: Int, activeNodes: Int, activationSum: Double)]] = []
    /// Per (tag, true label), per node of the layer table.
    private var labelNodes: StatisticsByKey<LabelKey>

    private struct LabelKey: Hashable {
        var tag: String
        var label: Int
    }

    init(topology: ModelTopology) {
        self.topology = topology
        nodes = StatisticsByKey(nodeCount: topology.nodeCount)
        labelNodes = StatisticsByKey(nodeCount: topology.nodeCount)
    }

    mutating func add(_ trace: PreparedTrace) {
        let tag = trace.metadata.tag
        let position = nodes.position(of: tag)
        if position == layers.count {
            layers.append([(count: Int, activeNodes: Int, activationSum: Double)](repeating: (0, 0, 0), count: topology.layers.count))
        }
        let labelled = trace.metadata.trueLabel.map { labelNodes.position(of: LabelKey(tag: tag, label: $0)) }
        var node = 0
        for layer in topology.layers {
            var activeNodes = 0, activationSum = 0.0
            for _ in 0..<layer.nodeCount {
                let value = trace.nodeMeans[node], active = trace.nodeActive[node]
                if let labelled {
                    labelNodes.rows[labelled][node].add(value, active: active)
                } else {
                    nodes.rows[position][node].add(value, active: active)
                }
                if active { activeNodes += 1 }
                activationSum += value
                node += 1
            }
            layers[position][layer.index].count += 1
            layers[position][layer.index].activeNodes += activeNodes
            layers[position][layer.index].activationSum += activationSum
        }
    }

    /// Adds this batch to the stored statistics of `modelID`.
    func merge(into db: Database, modelID: Int64) throws {
        let nodeStatement = try db.makeStatement(sql: Self.upsert(table: "node_statistics", keys: ["model_id", "tag", "layer", "node"]))
        let layerStatement = try db.makeStatement(sql: """
            INSERT INTO layer_statistics (model_id, tag, layer, count, active_nodes_sum, activation_sum) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (model_id, tag, layer) DO UPDATE SET
                count = count + excluded.count,
                active_nodes_sum = active_nodes_sum + excluded.active_nodes_sum,
                activation_sum = activation_sum + excluded.activation_sum
            """)
        for (position, tag) in nodes.keys.enumerated() {
            try write(tagNodes(position)) { try nodeStatement.execute(arguments: [modelID, tag] + $0) }
            for (layer, totals) in layers[position].enumerated() where totals.count > 0 {
                try layerStatement.execute(arguments: [modelID, tag, layer, totals.count, totals.activeNodes, totals.activationSum])
            }
        }
        for (position, key) in labelNodes.keys.enumerated() {
            var first = 0
            for layer in topology.layers {
                let nodes = labelNodes.rows[position][first..<(first + layer.nodeCount)]
                first += layer.nodeCount
                // Every trace of a (tag, label) adds to each of its nodes: all or none counted.
                guard nodes.contains(where: { $0.count > 0 }) else { continue }
                try LabelLayerStatistics.merge(LabelLayerStatistics(nodes), modelID: modelID, tag: key.tag, label: key.label, layer: layer.index, in: db)
            }
        }
    }

    /// A tag's per-node statistics: its unlabelled traces' merged with each of its labels'.
    private func tagNodes(_ position: Int) -> [RunningNodeStatistics] {
        var merged = nodes.rows[position]
        for (label, key) in labelNodes.keys.enumerated() where key.tag == nodes.keys[position] {
            for node in merged.indices { merged[node].merge(labelNodes.rows[label][node]) }
        }
        return merged
    }

    /// Calls `execute` with `layer, node, count, active_count, mean, m2, minimum, maximum` of
    /// every node of the layer table that saw a value.
    private func write(_ row: [RunningNodeStatistics], execute: (StatementArguments) throws -> Void) throws {
        var node = 0
        for layer in topology.layers {
            for index in 0..<layer.nodeCount {
                let a = row[node]
                if a.count > 0 { try execute([layer.index, index, a.count, a.activeCount, a.mean, a.m2, a.minimum, a.maximum]) }
                node += 1
            }
        }
    }

    /// An insert of per-node statistics keyed by `keys` (ending in `layer, node`) that, on a
    /// stored row, merges the two (Chan et al.).
    private static func upsert(table: String, keys: [String]) -> String {
        let columns = keys + ["count", "active_count", "mean", "m2", "minimum", "maximum"]
        return """
            INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))
            ON CONFLICT (\(keys.joined(separator: ", "))) DO UPDATE SET
                count = count + excluded.count,
                active_count = active_count + excluded.active_count,
                mean = (mean * count + excluded.mean * excluded.count) / (count + excluded.count),
                m2 = m2 + excluded.m2 + (excluded.mean - mean) * (excluded.mean - mean) * count * excluded.count / (count + excluded.count),
                minimum = min(minimum, excluded.minimum),
                maximum = max(maximum, excluded.maximum)
            """
    }
}

/// Running per-node statistics for each key, in order of first sight.
private struct StatisticsByKey<Key: Hashable> {
    let nodeCount: Int
    private(set) var keys: [Key] = []
    private var positions: [Key: Int] = [:]
    /// Per key (at its position), per node.
    var rows: [[RunningNodeStatistics]] = []

    init(nodeCount: Int) {
        self.nodeCount = nodeCount
    }

    /// The key's position, adding an empty row the first time it is seen.
    mutating func position(of key: Key) -> Int {
        if let known = positions[key] { return known }
        positions[key] = keys.count
        keys.append(key)
        rows.append([RunningNodeStatistics](repeating: RunningNodeStatistics(), count: nodeCount))
        return keys.count - 1
    }
}
