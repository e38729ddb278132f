-- DeepProv store, schema version 1.
-- Weights once per model; per trace its metadata and its node values compressed in one blob
-- (IPG TraceValueCodec: per layer plain or byte-shuffled, float32/float16, zstd); statistics per (model, tag, …)
-- kept current in the same transaction as the traces they summarise. Edges are derived.

-- Applied migrations with the hash of their text; a store whose recorded text differs from
-- this build's is refused.
CREATE TABLE migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    applied_at TEXT NOT NULL
);

CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,          -- sha256 of the ONNX bytes
    name TEXT NOT NULL,
    layer_table BLOB NOT NULL,                 -- the stream header's binary form (IPG StreamHeader)
    layer_count INTEGER NOT NULL,
    node_count INTEGER NOT NULL,
    value_count INTEGER NOT NULL,              -- values per trace, all layers
    onnx BLOB,                                 -- the model itself, when known
    added_at TEXT NOT NULL
);

CREATE TABLE layers (
    model_id INTEGER NOT NULL REFERENCES models(id),
    layer INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,                        -- input, dense, conv, pool, batchNorm, reshape, activation
    activation TEXT NOT NULL,
    threshold REAL NOT NULL,
    node_count INTEGER NOT NULL,
    node_size INTEGER NOT NULL,                -- values per node (1 for units)
    source_layer INTEGER,
    edge_rule TEXT NOT NULL,                   -- none, dense, conv, channel_scale, channel_output, reshape, explicit
    PRIMARY KEY (model_id, layer)
) WITHOUT ROWID;

-- Dense layers' weights (alpha folded in): edge source→target carries weight · a_source.
CREATE TABLE dense_weights (
    model_id INTEGER NOT NULL,
    layer INTEGER NOT NULL,                    -- the target layer
    target INTEGER NOT NULL,
    source INTEGER NOT NULL,
    weight REAL NOT NULL,
    PRIMARY KEY (model_id, layer, target, source)
) WITHOUT ROWID;

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    sources TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
    traces_read INTEGER NOT NULL DEFAULT 0,
    traces_added INTEGER NOT NULL DEFAULT 0,
    traces_skipped INTEGER NOT NULL DEFAULT 0,
    message TEXT
);

CREATE TABLE traces (
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
    value_encoding INTEGER NOT NULL,           -- 0 float32, 1 float16
    node_values BLOB NOT NULL,
    explicit_edges BLOB,
    UNIQUE (model_id, tag, input_hash, input_index, parent_tag, parent_index)
);
CREATE INDEX traces_by_input ON traces (tag, input_index);
CREATE INDEX traces_by_prediction ON traces (model_id, tag, predicted_label, true_label);
CREATE INDEX traces_by_parent ON traces (model_id, parent_tag, parent_index) WHERE parent_index >= 0;  -- adversarial traces only

CREATE TABLE trace_attributes (
    trace_id INTEGER NOT NULL REFERENCES traces(id),
    position INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (trace_id, position)
) WITHOUT ROWID;

-- Per node: its value is the node's mean element (a unit's value, a channel map's mean).
-- mean and m2 are Welford's running mean and sum of squared deviations (merged per batch).
CREATE TABLE node_statistics (
    model_id INTEGER NOT NULL,
    tag TEXT NOT NULL,
    layer INTEGER NOT NULL,
    node INTEGER NOT NULL,
    count INTEGER NOT NULL,
    active_count INTEGER NOT NULL,
    mean REAL NOT NULL,
    m2 REAL NOT NULL,
    minimum REAL NOT NULL,
    maximum REAL NOT NULL,
    PRIMARY KEY (model_id, tag, layer, node)
) WITHOUT ROWID;

CREATE TABLE layer_statistics (
    model_id INTEGER NOT NULL,
    tag TEXT NOT NULL,
    layer INTEGER NOT NULL,
    count INTEGER NOT NULL,
    active_nodes_sum INTEGER NOT NULL,         -- Σ over traces of active nodes
    activation_sum REAL NOT NULL,              -- Σ over traces and nodes of node values
    PRIMARY KEY (model_id, tag, layer)
) WITHOUT ROWID;

-- A dense edge's contribution weight · a_source over all traces of a tag (0 where the source
-- is 0): exactly the source node's statistics scaled by the weight.
CREATE VIEW dense_edge_statistics AS
SELECT w.model_id, s.tag, w.layer, w.source, w.target, s.count,
       w.weight * s.mean AS mean,
       CASE WHEN s.count > 1 THEN w.weight * w.weight * s.m2 / (s.count - 1) ELSE 0 END AS variance
FROM dense_weights w
JOIN layers l ON l.model_id = w.model_id AND l.layer = w.layer
JOIN node_statistics s ON s.model_id = w.model_id AND s.layer = l.source_layer AND s.node = w.source;

CREATE VIEW node_summary AS
SELECT model_id, tag, layer, node, count, active_count, mean,
       CASE WHEN count > 1 THEN m2 / (count - 1) ELSE 0 END AS variance, minimum, maximum
FROM node_statistics;
