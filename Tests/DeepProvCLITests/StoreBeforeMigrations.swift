import Foundation
import GRDB
@testable import Store

/// Puts a store of this build back to its layout before a migration, as the builds before it
/// left stores, with nothing else changed.
enum StoreBeforeMigrations {
    /// Before migration 0013: `value_block_norms` in migration 0009's layout (each trace's L1
    /// norm and sum of squares, as `trace_layer_norms` computes them from the values) and 0009's
    /// view `trace_layer_norms` over it.
    static func revertNorms(_ database: String) throws {
        try ProvenanceStore(path: database).write { db in
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
