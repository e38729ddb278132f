import Foundation
import GRDB
import IPG
@testable import Store

/// A store as builds before value blocks made it: the migrations up to `version` (at most 5)
/// applied, the model registered, and each trace a `traces` row with its values in one blob
/// (`node_values`, coded by IPG's `TraceValueCodec`); the statistics such a build kept at
/// ingest are merged when the schema has all their tables (version 4 on).
enum LegacyLayoutStore {
    static func make(at path: String, version: Int, topology: ModelTopology, traces: [Trace], encoding: ValueEncoding = .float32) throws {
        precondition(version <= 5, "value blocks arrive later")
        let queue = try DatabaseQueue(path: path)
        try SchemaMigrator.migrate(queue, path: path, migrations: embeddedMigrations.filter { $0.version <= version })
        try queue.write { db in
            let modelID = try registerAsBefore(topology, in: db)
            try db.execute(sql: "INSERT INTO runs (sources, started_at, status) VALUES ('legacy', '', 'finished')")
            let runID = db.lastInsertedRowID
            let codec = TraceValueCodec()
            for trace in traces {
                let metadata = trace.metadata
                try db.execute(sql: """
                    INSERT INTO traces (model_id, run_id, tag, input_index, input_hash, true_label, predicted_label, confidence,
                        parent_tag, parent_index, value_encoding, node_values, explicit_edges)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        modelID, runID, metadata.tag, metadata.inputIndex, Data(Hex.bytes(metadata.inputHash) ?? Array(metadata.inputHash.utf8)),
                        metadata.trueLabel, metadata.predictedLabel, Double(metadata.confidence), metadata.parent?.tag ?? "",
                        metadata.parent?.inputIndex ?? -1, Int(encoding.rawValue), Data(try codec.encode(trace.layerValues, encoding: encoding)), nil,
                    ])
                let traceID = db.lastInsertedRowID
                for (order, pair) in metadata.attributes.enumerated() {
                    try db.execute(sql: "INSERT INTO trace_attributes (trace_id, position, key, value) VALUES (?, ?, ?, ?)",
                                   arguments: [traceID, order, pair.key, pair.value])
                }
                // Kept at ingest from the captured (float32) values, as those builds did.
                if version >= 5 {
                    for (layer, norm) in PreparedTrace(trace, topology: topology).layerNorms.enumerated() {
                        try db.execute(sql: "INSERT INTO trace_layer_norms (trace_id, layer, l1, sum_of_squares) VALUES (?, ?, ?, ?)",
                                       arguments: [traceID, layer, norm.l1, norm.sumOfSquares])
                    }
                }
            }
            if version >= 4 {
                var statistics = BatchStatistics(topology: topology)
                for trace in traces { statistics.add(PreparedTrace(trace, topology: topology)) }
                // Per label, this build merges into packed rows (migration 0014): a temporary
                // table of them, unpacked into the per-node rows those builds kept.
                try db.execute(sql: """
                    CREATE TEMP TABLE node_label_layer_statistics (model_id, tag, label, layer, count, active_counts, means, m2s, minima, maxima,
                        PRIMARY KEY (model_id, tag, label, layer))
                    """)
                try statistics.merge(into: db, modelID: modelID)
                try unpackLabelStatistics(in: db)
            }
        }
        try queue.close()
    }

    /// The temporary packed per-label statistics as `node_label_statistics` rows, one per node.
    private static func unpackLabelStatistics(in db: Database) throws {
        for row in try Row.fetchAll(db, sql: "SELECT * FROM temp.node_label_layer_statistics") {
            guard let packed = LabelLayerStatistics(row: row) else { throw DatabaseError(message: "unpacked label statistics in the legacy store") }
            for node in packed.means.indices {
                try db.execute(sql: """
                    INSERT INTO node_label_statistics (model_id, tag, label, layer, node, count, active_count, mean, m2, minimum, maximum)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [row["model_id"], row["tag"], row["label"], row["layer"], node, packed.count, Int(packed.activeCounts[node]),
                                     packed.means[node], packed.m2s[node], packed.minima[node], packed.maxima[node]])
            }
        }
        try db.execute(sql: "DROP TABLE temp.node_label_layer_statistics")
    }

    /// The model's rows as builds before `layer_sources` and `layer_kernels` wrote them: the
    /// model, its layers and its dense weights.
    private static func registerAsBefore(_ topology: ModelTopology, in db: Database) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO models (fingerprint, name, layer_table, layer_count, node_count, value_count, added_at) VALUES (?, ?, ?, ?, ?, ?, '')
            """, arguments: [topology.fingerprint, topology.name, Data(try StreamHeader(topology: topology).serialized()), topology.layers.count,
                             topology.nodeCount, topology.layers.reduce(0) { $0 + $1.valueCount }])
        let modelID = db.lastInsertedRowID
        for layer in topology.layers {
            try db.execute(sql: """
                INSERT INTO layers (model_id, layer, name, kind, activation, threshold, node_count, node_size, source_layer, edge_rule)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [modelID, layer.index, layer.name, layer.kind.rawValue, layer.activation.rawValue, Double(layer.threshold),
                                 layer.nodeCount, layer.nodeSize, layer.source, layer.edgeRule.kind.rawValue])
            guard case .dense(let weights) = layer.edgeRule, let source = layer.source else { continue }
            let sources = topology.layers[source].nodeCount
            for target in 0..<layer.nodeCount {
                for sourceNode in 0..<sources {
                    try db.execute(sql: "INSERT INTO dense_weights (model_id, layer, target, source, weight) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [modelID, layer.index, target, sourceNode, Double(weights[target * sources + sourceNode])])
                }
            }
        }
        return modelID
    }
}
