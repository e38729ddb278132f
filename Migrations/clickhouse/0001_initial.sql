-- DeepProv on ClickHouse, schema version 1 (SQL that ClickHouse 18.16 and current versions accept).
-- Applied by StoreClickHouse's ClickHouseMigrator, statement by statement (each ends with `;` at
-- the end of a line): `{database}` is the store's database. A statement under `-- sharded by
-- EXPRESSION` defines a table that holds traces: on a single server it is created as written;
-- with `?cluster=NAME` it is created as `<table>_local` on every shard of the cluster, and a
-- `Distributed` table of the written name over those, sharded by EXPRESSION, on every shard.
-- Other tables (models, layers, runs, analyses: small) live on the server the URL names.
-- Weights once per model; per trace its metadata and its node values as one array per layer;
-- statistics are computed by array aggregates (sumForEach, …) over the traces, which merge
-- across shards. Edges are derived. Statements say IF NOT EXISTS: ClickHouse has no
-- transactional DDL, so a migration cut short is applied again from its start.

-- Applied migrations with the hash of their text and the layout they were applied with
-- ('single' or 'cluster:NAME'); a store whose recorded text differs from this build's is refused.
CREATE TABLE IF NOT EXISTS {database}.migrations (
    version UInt32,
    name String,
    sha256 String,
    layout String,
    applied_at String
) ENGINE = MergeTree ORDER BY version;

-- id: the fingerprint's first 15 hex digits as a number (the same on every writer).
-- Registered once; ReplacingMergeTree folds the rows of two writers registering it at once.
CREATE TABLE IF NOT EXISTS {database}.models (
    id UInt64,
    fingerprint String,                -- sha256 of the ONNX bytes
    name String,
    layer_table String,                -- the stream header's binary form (IPG StreamHeader)
    layer_count UInt32,
    node_count UInt64,
    value_count UInt64,                -- values per trace, all layers
    added_at String,
    added_order UInt64                 -- nanoseconds since 1970 at registration: models list in this order
) ENGINE = ReplacingMergeTree ORDER BY id;

-- The model itself, when known.
CREATE TABLE IF NOT EXISTS {database}.model_bytes (
    model_id UInt64,
    onnx String
) ENGINE = ReplacingMergeTree ORDER BY model_id;

CREATE TABLE IF NOT EXISTS {database}.layers (
    model_id UInt64,
    layer UInt32,
    name String,
    kind String,
    activation String,
    threshold Float64,
    node_count UInt64,
    node_size UInt64,
    source_layer Nullable(Int32),
    edge_rule String
) ENGINE = ReplacingMergeTree ORDER BY (model_id, layer);

CREATE TABLE IF NOT EXISTS {database}.layer_sources (
    model_id UInt64,
    layer UInt32,
    position UInt32,
    source_layer Int32,
    edge_rule String,
    channel_offset UInt64
) ENGINE = ReplacingMergeTree ORDER BY (model_id, layer, position);

-- A dense layer's weights, one row per target node: weights[s + 1] weighs source node s.
CREATE TABLE IF NOT EXISTS {database}.dense_weights (
    model_id UInt64,
    layer UInt32,
    target UInt32,
    weights Array(Float32)
) ENGINE = ReplacingMergeTree ORDER BY (model_id, layer, target);

-- One row per state of a run: the latest version is the run (read with FINAL).
CREATE TABLE IF NOT EXISTS {database}.runs (
    id UInt64,
    sources String,
    started_at String,
    finished_at Nullable(String),
    status String,
    process_id Nullable(Int32),
    host Nullable(String),
    traces_read UInt64,
    traces_added UInt64,
    traces_skipped UInt64,
    message Nullable(String),
    version UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY id;

-- Named analysis results, one per (kind, name): the latest version is kept (read with FINAL).
CREATE TABLE IF NOT EXISTS {database}.analyses (
    kind String,
    name String,
    model_fingerprint Nullable(String),
    created_at String,
    parameters String,
    result String,
    version UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY (kind, name);

-- One row per trace: the metadata columns SQLite's traces table keeps, the attributes, and
-- layer_values[L + 1], the node values of layer L (float32, as captured). id: the run's id
-- times 2^32 plus the trace's place among the run's new traces (storage order). A trace is
-- stored once per (model, tag, input hash, input index, parent): ingest compares a new trace
-- in full with the stored traces of its (model, tag, input index), which the sorting key finds.
-- sharded by intHash64(id)
CREATE TABLE IF NOT EXISTS {database}.traces (
    id UInt64,
    model_id UInt64,
    run_id UInt64,
    tag String,
    input_index Int64,
    input_hash String,                 -- sha256 of the input as the model saw it (32 bytes)
    true_label Nullable(Int64),
    predicted_label Int64,
    confidence Float32,
    parent_tag String,                 -- '' and -1: no parent
    parent_index Int64,
    attribute_keys Array(String),
    attribute_values Array(String),
    layer_values Array(Array(Float32))
) ENGINE = MergeTree ORDER BY (model_id, tag, input_index, id);
