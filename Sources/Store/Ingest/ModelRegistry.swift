import Crypto
import Foundation
import GRDB
import IPG

/// Registers a model's layer table (its layers, every layer's sources, dense weights, conv and
/// channel-scale kernels) once, by fingerprint.
enum ModelRegistry {
    /// The model's id, inserting it on first sight; a known fingerprint with another layer
    /// table is refused.
    static func register(_ topology: ModelTopology, in db: Database, source: String, storePath: String) throws -> Int64 {
        if let row = try Row.fetchOne(db, sql: "SELECT id, layer_table FROM models WHERE fingerprint = ?", arguments: [topology.fingerprint]) {
            let stored = try StreamHeader(serialized: [UInt8](row["layer_table"] as Data)).topology
            guard stored == topology else {
                throw StoreError(path: storePath, reason: .conflictingModel(fingerprint: topology.fingerprint, source: source))
            }
            return row["id"]
        }
        let table = try StreamHeader(topology: topology).serialized()
        try db.execute(
            sql: """
                INSERT INTO models (fingerprint, name, layer_table, layer_count, node_count, value_count, added_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [topology.fingerprint, topology.name, Data(table), topology.layers.count, topology.nodeCount,
                        topology.layers.reduce(0) { $0 + $1.valueCount }, ISO8601DateFormatter().string(from: Date())])
        let modelID = db.lastInsertedRowID
        let layerStatement = try db.makeStatement(sql: """
            INSERT INTO layers (model_id, layer, name, kind, activation, threshold, node_count, node_size, source_layer, edge_rule)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let weightStatement = try db.makeStatement(sql: "INSERT INTO dense_weights (model_id, layer, target, source, weight) VALUES (?, ?, ?, ?, ?)")
        let sourceStatement = try db.makeStatement(sql: """
            INSERT INTO layer_sources (model_id, layer, position, source_layer, edge_rule, channel_offset) VALUES (?, ?, ?, ?, ?, ?)
            """)
        let kernelStatement = try db.makeStatement(sql: "INSERT INTO layer_kernels (model_id, layer, geometry, weights) VALUES (?, ?, ?, ?)")
        for layer in topology.layers {
            try layerStatement.execute(arguments: [
                modelID, layer.index, layer.name, layer.kind.rawValue, layer.activation.rawValue, Double(layer.threshold),
                layer.nodeCount, layer.nodeSize, layer.source, layer.edgeRule.kind.rawValue,
            ])
            for (position, source) in layer.sources.enumerated() {
                var offset = 0
                if case .concat(let channelOffset) = source.edgeRule { offset = channelOffset }
                try sourceStatement.execute(arguments: [modelID, layer.index, position, source.layer, source.edgeRule.kind.rawValue, offset])
            }
            if let kernel = LayerKernel(rule: layer.edgeRule) {
                try kernelStatement.execute(arguments: [modelID, layer.index, kernel.geometryJSON, kernel.weightsBlob])
            }
            if case .dense(let weights) = layer.edgeRule, let source = layer.source {
                let sources = topology.layers[source].nodeCount
                for target in 0..<layer.nodeCount {
                    for sourceNode in 0..<sources {
                        try weightStatement.execute(arguments: [modelID, layer.index, target, sourceNode, Double(weights[target * sources + sourceNode])])
                    }
                }
            }
        }
        return modelID
    }

    /// Keeps `onnx` as the model's bytes when it has none yet; bytes whose sha256 is not the
    /// model's fingerprint (a file changed since it was loaded) are refused.
    static func keepBytes(_ onnx: Data, of topology: ModelTopology, modelID: Int64, in db: Database, storePath: String) throws {
        let digest = Hex.string(SHA256.hash(data: onnx))
        guard digest == topology.fingerprint else {
            throw StoreError(path: storePath, reason: .damaged(detail: "the ONNX bytes given for model \(topology.fingerprint.prefix(12)) hash to \(digest.prefix(12)) (did the file change?)"))
        }
        try db.execute(sql: "UPDATE models SET onnx = ? WHERE id = ? AND onnx IS NULL", arguments: [onnx, modelID])
    }
}
