import Foundation
import GRDB
@testable import Store

/// Puts a store of this build back to its layout before a migration, as the builds before it
/// left stores, with nothing else changed.
enum StoreBeforeMigrations {
    /// Before migration 0013 (and 0014): `value_block_norms` in migration 0009's layout (each trace's L1
    /// norm and sum of squares, as `trace_layer_norms` computes them from the values) and 0009's
    /// view `trace_layer_norms` over it.
    static func revertNorms(_ database: String) throws {
        try ProvenanceStore(path: database).write { db in
            try revertPackedTables(db)
            try db.execute(sql: """
                CREATE TEMP TABLE pairs AS
                SELECT t.value_block AS block, n.layer AS layer, ipg_pack_norms(t.value_row, n.l1, n.sum_of_squares) AS norms
                FROM trace_layer_norms n JOIN traces t ON t.id = n.trace_id GROUP BY t.value_block, n.layer;
                UPDATE value_block_norms SET norms = (SELECT p.norms FROM pairs p WHERE p.block = value_block_norms.block AND p.layer = value_block_norms.layer);
                DROP TABLE pairs;
                DROP VIEW trace_layer_norms;
                CREATE VIEW trace_layer_norms AS
                SELECT t.id AS trace_id, n.layer, ipg_block_norm(n.norms, t.value_row, 1) AS l1, ipg_block_norm(n.norms, t.value_row, 2) AS sum_of_squares
                FROM traces t JOIN value_block_norms n ON n.block = t.value_block;
                DELETE FROM migrations WHERE version = 13;
                PRAGMA user_version = 12;
                """)
        }
    }

    /// Before migration 0014: `dense_weights` (with its index `dense_weights_by_source`) and
    /// `node_label_statistics` as tables of one row per weight and per node, in the layouts of
    /// migrations 0001, 0002 and 0004, holding the rows the views of this build give.
    private static func revertPackedTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TEMP TABLE weights AS SELECT model_id, layer, target, source, weight FROM dense_weights;
            CREATE TEMP TABLE label_statistics AS SELECT * FROM node_label_statistics;
            DROP VIEW dense_edge_statistics;
            DROP VIEW dense_weights;
            DROP VIEW node_label_statistics;
            DROP TABLE dense_weight_rows;
            DROP TABLE node_label_layer_statistics;
            CREATE TABLE dense_weights (
                model_id INTEGER NOT NULL,
                layer INTEGER NOT NULL,
                target INTEGER NOT NULL,
                source INTEGER NOT NULL,
                weight REAL NOT NULL,
                PRIMARY KEY (model_id, layer, target, source)
            ) WITHOUT ROWID;
            INSERT INTO dense_weights SELECT * FROM temp.weights;
            CREATE INDEX dense_weights_by_source ON dense_weights(model_id, layer, source, target, weight);
            CREATE VIEW dense_edge_statistics AS
            SELECT w.model_id, s.tag, w.layer, w.source, w.target, s.count,
                   w.weight * s.mean AS mean,
                   CASE WHEN s.count > 1 THEN w.weight * w.weight * s.m2 / (s.count - 1) ELSE 0 END AS variance
            FROM dense_weights w
            JOIN layers l ON l.model_id = w.model_id AND l.layer = w.layer
            JOIN node_statistics s ON s.model_id = w.model_id AND s.layer = l.source_layer AND s.node = w.source;
            CREATE TABLE node_label_statistics (
                model_id INTEGER NOT NULL,
                tag TEXT NOT NULL,
                label INTEGER NOT NULL,
                layer INTEGER NOT NULL,
                node INTEGER NOT NULL,
                count INTEGER NOT NULL,
                active_count INTEGER NOT NULL,
                mean REAL NOT NULL,
                m2 REAL NOT NULL,
                minimum REAL NOT NULL,
                maximum REAL NOT NULL,
                PRIMARY KEY (model_id, tag, label, layer, node)
            ) WITHOUT ROWID;
            INSERT INTO node_label_statistics SELECT * FROM temp.label_statistics;
            DROP TABLE temp.weights;
            DROP TABLE temp.label_statistics;
            DELETE FROM migrations WHERE version = 14;
            PRAGMA user_version = 13;
            """)
    }

    /// Before migration 0012 (and 0013): `traces` with migration 0009's columns, `input_hash`
    /// set to every trace's hash as this build reads it
    /// (`coalesce(explicit_input_hash, ipg_input_hash(value_block, value_row))`).
    static func revertInputHash(_ database: String) throws {
        let hashes = try ProvenanceStore(path: database).read { db in
            try Row.fetchAll(db, sql: "SELECT id, coalesce(explicit_input_hash, ipg_input_hash(value_block, value_row)) AS hash FROM traces")
                .map { ($0["id"] as Int64, $0["hash"] as Data) }
        }
        try revertNorms(database)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false  // traces is rebuilt, as migrations do
        let queue = try DatabaseQueue(path: database, configuration: configuration)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE traces_before (
                    id INTEGER PRIMARY KEY,
                    model_id INTEGER NOT NULL REFERENCES models(id),
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    tag TEXT NOT NULL,
                    input_index INTEGER NOT NULL,
                    input_hash BLOB NOT NULL,
                    true_label INTEGER,
                    predicted_label INTEGER NOT NULL,
                    confidence REAL NOT NULL,
                    parent_tag TEXT NOT NULL DEFAULT '',
                    parent_index INTEGER NOT NULL DEFAULT -1,
                    explicit_edges BLOB,
                    value_block INTEGER NOT NULL DEFAULT -1,
                    value_row INTEGER NOT NULL DEFAULT -1
                );
                CREATE TEMP TABLE hashes (id INTEGER PRIMARY KEY, hash BLOB NOT NULL);
                """)
            for (id, hash) in hashes { try db.execute(sql: "INSERT INTO hashes (id, hash) VALUES (?, ?)", arguments: [id, hash]) }
            try db.execute(sql: """
                INSERT INTO traces_before SELECT t.id, model_id, run_id, tag, input_index, h.hash, true_label, predicted_label, confidence,
                    parent_tag, parent_index, explicit_edges, value_block, value_row
                FROM traces t JOIN hashes h ON h.id = t.id ORDER BY t.id;
                DROP VIEW trace_layer_norms;
                DROP TABLE traces;
                ALTER TABLE traces_before RENAME TO traces;
                CREATE INDEX traces_by_input ON traces (tag, input_index);
                CREATE INDEX traces_by_parent ON traces (model_id, parent_tag, parent_index) WHERE parent_index >= 0;
                CREATE VIEW trace_layer_norms AS
                SELECT t.id AS trace_id, n.layer, ipg_block_norm(n.norms, t.value_row, 1) AS l1, ipg_block_norm(n.norms, t.value_row, 2) AS sum_of_squares
                FROM traces t JOIN value_block_norms n ON n.block = t.value_block;
                DELETE FROM migrations WHERE version = 12;
                PRAGMA user_version = 11;
                """)
        }
        try queue.close()
    }
}
