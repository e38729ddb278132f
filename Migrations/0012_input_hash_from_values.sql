-- traces.input_hash dropped (issue 13, store growth per trace: its 32 bytes were about 33 of a
-- trace's 1,174 bytes of growth). A trace's input hash is the sha256 of its input as the model
-- saw it (float32, little-endian): its layer 0 values, which the store keeps losslessly, so
-- reading a trace and ingest's check for a trace already stored recompute it from the value
-- block. Only a hash that cannot be recomputed so is kept, in explicit_input_hash: one of
-- another kind (a producer's own), or of an input kept at float16 or summary resolution; NULL
-- otherwise. Ingest still keeps a trace once per (model, tag, input hash, input index,
-- parent), comparing it with the traces of its (tag, input_index). Columns keep their order
-- but for input_hash; explicit_input_hash comes last; the indexes stay as they were.
CREATE TABLE traces_rebuilt (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models(id),
    run_id INTEGER NOT NULL REFERENCES runs(id),
    tag TEXT NOT NULL,
    input_index INTEGER NOT NULL,
    true_label INTEGER,
    predicted_label INTEGER NOT NULL,
    confidence REAL NOT NULL,
    parent_tag TEXT NOT NULL DEFAULT '',       -- '' and -1: no parent
    parent_index INTEGER NOT NULL DEFAULT -1,
    explicit_edges BLOB,
    value_block INTEGER NOT NULL DEFAULT -1,   -- the trace's values: row value_row of value_blocks' block
    value_row INTEGER NOT NULL DEFAULT -1,
    explicit_input_hash BLOB                   -- NULL: the input hash is sha256 of the trace's layer 0 values
);
-- Copies every trace (in id order, decoding each value block's layer 0 once; progress on
-- standard error), its input_hash kept only where the values do not give it back.
SELECT ipg_copy_traces_without_input_hash();
DROP VIEW trace_layer_norms;
DROP TABLE traces;
ALTER TABLE traces_rebuilt RENAME TO traces;
CREATE INDEX traces_by_input ON traces (tag, input_index);
CREATE INDEX traces_by_parent ON traces (model_id, parent_tag, parent_index) WHERE parent_index >= 0;  -- adversarial traces only
CREATE VIEW trace_layer_norms AS
SELECT t.id AS trace_id, n.layer, ipg_block_norm(n.norms, t.value_row, 1) AS l1, ipg_block_norm(n.norms, t.value_row, 2) AS sum_of_squares
FROM traces t JOIN value_block_norms n ON n.block = t.value_block;
