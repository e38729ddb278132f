import GRDB
import IPG

/// Statistics of one batch's new traces, per tag: per node count, active count, Welford mean
/// and m2 of the node value (a node's mean element), min and max; per layer active nodes and
/// the sum of node values. `merge(into:)` folds them into the stored rows (Chan et al.'s
/// parallel update), in the ingest's transaction.
struct BatchStatistics {
    let topology: ModelTopology
    private(set) var nodes: [String: [RunningNodeStatistics]] = [:]
    private(set) var layers: [String: [(count: Int, activeNodes: Int, activationSum: Double)]] = [:]

    init(topology: ModelTopology) {
        self.topology = topology
    }

    mutating func add(_ trace: PreparedTrace) {
        let tag = trace.metadata.tag
        var tagNodes = nodes[tag] ?? [RunningNodeStatistics](repeating: RunningNodeStatistics(), count: topology.nodeCount)
        var tagLayers = layers[tag] ?? [(count: Int, activeNodes: Int, activationSum: Double)](repeating: (0, 0, 0), count: topology.layers.count)
        var node = 0
        for layer in topology.layers {
            var activeNodes = 0, activationSum = 0.0
            for _ in 0..<layer.nodeCount {
                let value = trace.nodeMeans[node]
                tagNodes[node].add(value, active: trace.nodeActive[node])
                if trace.nodeActive[node] { activeNodes += 1 }
                activationSum += value
                node += 1
            }
            tagLayers[layer.index].count += 1
            tagLayers[layer.index].activeNodes += activeNodes
            tagLayers[layer.index].activationSum += activationSum
        }
        nodes[tag] = tagNodes
        layers[tag] = tagLayers
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
        for (tag, accumulators) in nodes {
            var node = 0
            for layer in topology.layers {
                for index in 0..<layer.nodeCount {
                    let a = accumulators[node]
                    if a.count > 0 {
                        try nodeStatement.execute(arguments: [modelID, tag, layer.index, index, a.count, a.activeCount, a.mean, a.m2, a.minimum, a.maximum])
                    }
                    node += 1
                }
            }
            for (layer, totals) in layers[tag]!.enumerated() where totals.count > 0 {
                try layerStatement.execute(arguments: [modelID, tag, layer, totals.count, totals.activeNodes, totals.activationSum])
            }
        }
    }
}
