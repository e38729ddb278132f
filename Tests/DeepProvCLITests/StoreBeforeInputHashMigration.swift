import Foundation
import GRDB
@testable import Store

/// Puts a store of this build back to its layout before migration 0012: `traces` with
/// migration 0009's columns, `input_hash` set to every trace's hash as this build reads it
/// (`coalesce(explicit_input_hash, ipg_input_hash(value_block, value_row))`), no record of 0012.
enum StoreBeforeInputHashMigration {
    static func revert(_ database: String) throws {
        let hashes = try ProvenanceStore(path: database).read { db in
            try Row.fetchAll(db, sql: "SELECT id, coalesce(explicit_input_hash, ipg_input_hash(value_block, value_row)) AS hash FROM traces")
                .map { ($0["id"] as Int64, $0["hash"] as Data) }
        }
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
