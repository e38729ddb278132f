-- Node values per block of traces and layer, so that a scan reads and decodes only the layers it
-- names, once per block: a block holds up to 64 traces of one model stored in one ingest batch,
-- one row per (block, layer) coded by IPG's LayerBlockCodec (lossless float32 by default: a
-- value dictionary where values repeat, a bitmap of nonzero values, or byte-shuffled values;
-- then zstd). A trace finds its values at (value_block, value_row): row value_row of each of
-- its block's layers.
CREATE TABLE value_blocks (
    id INTEGER PRIMARY KEY,
    block INTEGER NOT NULL,                    -- traces.value_block
    layer INTEGER NOT NULL,
    trace_count INTEGER NOT NULL,
    value_count INTEGER NOT NULL,              -- values per trace in the layer
    encoding INTEGER NOT NULL,                 -- 0 float32, 1 float16
    layout INTEGER NOT NULL,                   -- 0 byte-shuffled, 1 nonzero bitmap, 2 dictionary (8-bit codes), 3 dictionary (16-bit codes)
    data BLOB NOT NULL,
    UNIQUE (block, layer)
);

ALTER TABLE traces ADD COLUMN value_block INTEGER NOT NULL DEFAULT -1;
ALTER TABLE traces ADD COLUMN value_row INTEGER NOT NULL DEFAULT -1;

-- The traces already stored: their per-trace blobs rewritten into blocks (in id order, per
-- model, 64 at a time; progress on standard error), then the blob columns dropped.
SELECT ipg_rewrite_values_into_blocks();
ALTER TABLE traces DROP COLUMN node_values;
ALTER TABLE traces DROP COLUMN value_encoding;
