import Crypto
import Foundation
import GRDB
import IPG

/// Registers a model's layer table (its layers with their resolutions, every layer's sources,
/// dense weights, conv and channel-scale kernels) once, by fingerprint.
enum ModelRegistry {
    /// The model's id, inserting it on first sight; a known fingerprint with another layer
    /// table is refused, and so are other `resolutions` than its stored traces'.
    static func register(_ topology: ModelTopology, resolutions: [LayerResolution], in db: Database, source: String, storePath: String) throws -> Int64 {
        if let row = try Row.fetchOne(db, sql: "SELECT id, layer_table FROM models WHERE fingerprint = ?", arguments: [topology.fingerprint]) {
            let stored = try StreamHeader(serialized: [UInt8](row["layer_table"] as Data)).topology
            guard stored == topology else {
                throw StoreError(path: storePath, reason: .conflictingModel(fingerprint: topology.fingerprint, source: source))
            }
            try keepResolutions(resolutions, of: topology, modelID: row["id"], in: db, source: source, storePath: storePath)
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
            INSERT INTO layers (model_id, layer, name, kind, activation, threshold, node_count, node_size, source_layer, edge_rule, resolution)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let weightStatement = try db.makeStatement(sql: "INSERT INTO dense_weight_rows (model_id, layer, target, weights) VALUES (?, ?, ?, ?)")
        let sourceStatement = try db.makeStatement(sql: """
            INSERT INTO layer_sources (model_id, layer, position, source_layer, edge_rule, channel_offset) VALUES (?, ?, ?, ?, ?, ?)
            """)
        let kernelStatement = try db.makeStatement(sql: "INSERT INTO layer_kernels (model_id, layer, geometry, weights) VALUES (?, ?, ?, ?)")
        for layer in topology.layers {
            try layerStatement.execute(arguments: [
                modelID, layer.index, layer.name, layer.kind.rawValue, layer.activation.rawValue, Double(layer.threshold),
                layer.nodeCount, layer.nodeSize, layer.source, layer.edgeRule.kind.rawValue, resolutions[layer.index].rawValue,
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
                    let row = weights[(target * sources)..<((target + 1) * sources)].lazy.map(Double.init)
                    try weightStatement.execute(arguments: [modelID, layer.index, target, PackedArray.pack(row, as: .float32)])
                }
            }
        }
        return modelID
    }

    /// A registered model's traces all have its layers' recorded resolutions: a model without
    /// traces takes `resolutions`; one with traces refuses other resolutions, naming the first
    /// layer that differs.
    private static func keepResolutions(_ resolutions: [LayerResolution], of topology: ModelTopology, modelID: Int64,
                                        in db: Database, source: String, storePath: String) throws {
        let stored = try Row.fetchAll(db, sql: "SELECT layer, resolution FROM layers WHERE model_id = ? ORDER BY layer", arguments: [modelID])
        let recorded = Dictionary(uniqueKeysWithValues: stored.map { ($0["layer"] as Int, $0["resolution"] as String) })
        guard let differing = topology.layers.first(where: { recorded[$0.index] != resolutions[$0.index].rawValue }) else { return }
        let hasTraces = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM traces WHERE model_id = ?)", arguments: [modelID]) ?? false
        guard !hasTraces else {
            throw StoreError(path: storePath, reason: .conflictingResolution(
                source: source, layer: differing.index, layerName: differing.name,
                stored: recorded[differing.index] ?? "unknown", given: resolutions[differing.index].rawValue))
        }
        let update = try db.makeStatement(sql: "UPDATE layers SET resolution = ? WHERE model_id = ? AND layer = ?")
        for layer in topology.layers {
            try update.execute(arguments: [resolutions[layer.index].rawValue, modelID, layer.index])
        }
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
