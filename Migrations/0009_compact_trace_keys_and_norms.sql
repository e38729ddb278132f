-- The traces table rebuilt without its UNIQUE (model_id, tag, input_hash, input_index,
-- parent_tag, parent_index) constraint, whose index held every trace's 32-byte input hash
-- again (about 64 of a trace's 1,441 bytes). Ingest keeps a trace once per that key by
-- comparing it in full with the traces of its (tag, input_index), found through
-- traces_by_input. Columns, their order and the other indexes stay as they were.
CREATE TABLE traces_rebuilt (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models(id),
    run_id INTEGER NOT NULL REFERENCES runs(id),
    tag TEXT NOT NULL,
    input_index INTEGER NOT NULL,
    input_hash BLOB NOT NULL,                  -- sha256 of the input as the model saw it (32 bytes)
    true_label INTEGER,
    predicted_label INTEGER NOT NULL,
    confidence REAL NOT NULL,
    parent_tag TEXT NOT NULL DEFAULT '',       -- '' and -1: no parent
    parent_index INTEGER NOT NULL DEFAULT -1,
    explicit_edges BLOB,
    value_block INTEGER NOT NULL DEFAULT -1,   -- the trace's values: row value_row of value_blocks' block
    value_row INTEGER NOT NULL DEFAULT -1
);
INSERT INTO traces_rebuilt (id, model_id, run_id, tag, input_index, input_hash, true_label, predicted_label,
    confidence, parent_tag, parent_index, explicit_edges, value_block, value_row)
SELECT id, model_id, run_id, tag, input_index, input_hash, true_label, predicted_label,
    confidence, parent_tag, parent_index, explicit_edges, value_block, value_row
FROM traces ORDER BY id;
DROP TABLE traces;
ALTER TABLE traces_rebuilt RENAME TO traces;
CREATE INDEX traces_by_input ON traces (tag, input_index);
CREATE INDEX traces_by_prediction ON traces (model_id, tag, predicted_label, true_label);
CREATE INDEX traces_by_parent ON traces (model_id, parent_tag, parent_index) WHERE parent_index >= 0;  -- adversarial traces only

-- Per-trace layer norms (L1 and sum of squares of a layer's node values; migration 0005) kept
-- per value block and layer, 16 bytes per trace and layer (BlockNorms: row by row, two float64
-- little-endian) instead of a row of about 31 in trace_layer_norms; read with
-- ipg_block_norm(norms, value_row, p). A view of the old name and columns reads them per trace.
-- A rowid table: a WITHOUT ROWID row of 64 traces' norms (1 KB) would spill into an overflow
-- page of its own at the store's 4 KB pages.
CREATE TABLE value_block_norms (
    id INTEGER PRIMARY KEY,
    block INTEGER NOT NULL,                    -- value_blocks.block
    layer INTEGER NOT NULL,
    norms BLOB NOT NULL,
    UNIQUE (block, layer)
);
INSERT INTO value_block_norms (block, layer, norms)
SELECT t.value_block, n.layer, ipg_pack_norms(t.value_row, n.l1, n.sum_of_squares)
FROM trace_layer_norms n JOIN traces t ON t.id = n.trace_id
GROUP BY t.value_block, n.layer;
DROP TABLE trace_layer_norms;
CREATE VIEW trace_layer_norms AS
SELECT t.id AS trace_id, n.layer, ipg_block_norm(n.norms, t.value_row, 1) AS l1, ipg_block_norm(n.norms, t.value_row, 2) AS sum_of_squares
FROM traces t JOIN value_block_norms n ON n.block = t.value_block;
