import GRDB
import IPG

/// Statistics of one batch's new traces, per tag: per node count, active count, Welford mean
/// and m2 of the node value (a node's mean element), min and max; per layer active nodes and
/// the sum of node values; per tag and true label, per node the same as per tag. A labelled
/// trace's node values are added once, to its label's statistics; a tag's are those of its
/// unlabelled traces merged with its labels' (one merge per label and node per batch, instead of
/// a second update per node and trace). `merge(into:)` folds them into the stored rows (Chan et
/// al.'s parallel update), in the ingest's transaction.
struct BatchStatistics {
    let topology: ModelTopology
    /// Per tag (in order of first sight), its position in `nodes` and `layers`.
    private var tagPositions: [String: Int] = [:]
    private var tags: [String] = []
    /// Per tag, per node of the layer table (its unlabelled traces only); per tag, per layer.
    /// Updated in place.
    private var nodes: [[RunningNodeStatistics]] = []
    private var layers: [[(count: Int, activeNodes: Int, activationSum: Double)]] = []
    /// Per (tag, true label), in order of first sight, per node of the layer table.
    private var labelPositions: [LabelKey: Int] = [:]
    private var labels: [LabelKey] = []
    private var labelNodes: [[RunningNodeStatistics]] = []

    private struct LabelKey: Hashable {
        var tag: String
        var label: Int
    }

    init(topology: ModelTopology) {
        self.topology = topology
    }

    mutating func add(_ trace: PreparedTrace) {
        let tag = trace.metadata.tag
        let position: Int
        if let known = tagPositions[tag] {
            position = known
        } else {
            position = tags.count
            tagPositions[tag] = position
            tags.append(tag)
            nodes.append([RunningNodeStatistics](repeating: RunningNodeStatistics(), count: topology.nodeCount))
            layers.append([(count: Int, activeNodes: Int, activationSum: Double)](repeating: (0, 0, 0), count: topology.layers.count))
        }
        let labelled = trace.metadata.trueLabel.map { labelPosition(LabelKey(tag: tag, label: $0)) }
        var node = 0
        for layer in topology.layers {
            var activeNodes = 0, activationSum = 0.0
            for _ in 0..<layer.nodeCount {
                let value = trace.nodeMeans[node], active = trace.nodeActive[node]
                if let labelled {
                    labelNodes[labelled][node].add(value, active: active)
                } else {
                    nodes[position][node].add(value, active: active)
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

    /// The position of `key` in `labelNodes`, added when new.
    private mutating func labelPosition(_ key: LabelKey) -> Int {
        if let known = labelPositions[key] { return known }
        labelPositions[key] = labels.count
        labels.append(key)
        labelNodes.append([RunningNodeStatistics](repeating: RunningNodeStatistics(), count: topology.nodeCount))
        return labels.count - 1
    }

    /// A tag's per-node statistics: its unlabelled traces' merged with each of its labels'.
    private func tagNodes(_ position: Int) -> [RunningNodeStatistics] {
        var merged = nodes[position]
        for (label, key) in labels.enumerated() where key.tag == tags[position] {
            for node in merged.indices { merged[node].merge(labelNodes[label][node]) }
        }
        return merged
    }

    /// Adds this batch to the stored statistics of `modelID`.
    func merge(into db: Database, modelID: Int64) throws {
        let nodeStatement = try db.makeStatement(sql: """
            INSERT INTO node_statistics (model_id, tag, layer, node, count, active_count, mean, m2, minimum, maximum)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (model_id, tag, layer, node) DO UPDATE SET
                count = count + excluded.count,
                active_count = active_count + excluded.active_count,
                mean = (mean * count + excluded.mean * excluded.count) / (count + excluded.count),
                m2 = m2 + excluded.m2 + (excluded.mean - mean) * (excluded.mean - mean) * count * excluded.count / (count + excluded.count),
                minimum = min(minimum, excluded.minimum),
                maximum = max(maximum, excluded.maximum)
            """)
        let layerStatement = try db.makeStatement(sql: """
            INSERT INTO layer_statistics (model_id, tag, layer, count, active_nodes_sum, activation_sum) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (model_id, tag, layer) DO UPDATE SET
                count = count + excluded.count,
                active_nodes_sum = active_nodes_sum + excluded.active_nodes_sum,
                activation_sum = activation_sum + excluded.activation_sum
            """)
        for (position, tag) in tags.enumerated() {
            let tagNodes = tagNodes(position)
            var node = 0
            for layer in topology.layers {
                for index in 0..<layer.nodeCount {
                    let a = tagNodes[node]
                    if a.count > 0 {
                        try nodeStatement.execute(arguments: [modelID, tag, layer.index, index, a.count, a.activeCount, a.mean, a.m2, a.minimum, a.maximum])
                    }
                    node += 1
                }
            }
            for (layer, totals) in layers[position].enumerated() where totals.count > 0 {
                try layerStatement.execute(arguments: [modelID, tag, layer, totals.count, totals.activeNodes, totals.activationSum])
            }
        }
        try mergeByLabel(into: db, modelID: modelID)
    }

    private func mergeByLabel(into db: Database, modelID: Int64) throws {
        let statement = try db.makeStatement(sql: """
            INSERT INTO node_label_statistics (model_id, tag, label, layer, node, count, active_count, mean, m2, minimum, maximum)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (model_id, tag, label, layer, node) DO UPDATE SET
                count = count + excluded.count,
                active_count = active_count + excluded.active_count,
                mean = (mean * count + excluded.mean * excluded.count) / (count + excluded.count),
                m2 = m2 + excluded.m2 + (excluded.mean - mean) * (excluded.mean - mean) * count * excluded.count / (count + excluded.count),
                minimum = min(minimum, excluded.minimum),
                maximum = max(maximum, excluded.maximum)
            """)
        for (position, key) in labels.enumerated() {
            var node = 0
            for layer in topology.layers {
                for index in 0..<layer.nodeCount {
                    let a = labelNodes[position][node]
                    if a.count > 0 {
                        try statement.execute(arguments: [modelID, key.tag, key.label, layer.index, index, a.count, a.activeCount, a.mean, a.m2, a.minimum, a.maximum])
                    }
                    node += 1
                }
            }
        }
    }
}
