-- Dense weights and per-label node statistics packed, one row per dense layer's target and one
-- per (model, tag, label, layer) (issue 13, store size: on the 1M-trace mix dense_weights and its
-- index dense_weights_by_source took 13.7 bytes per trace, one 47-byte row per weight twice, and
-- node_label_statistics 14.1, one 62-byte row per node). Packed columns hold one little-endian
-- value per position (ipg_float32_at, ipg_float64_at and ipg_int32_at read one in place; see
-- PackedArrayFunctions). Views of the old names give the old rows, exactly.

-- A dense layer's weights into one target node: float32, one per source node in order. The
-- weights are float32 in the model, so nothing is lost. Rows fit a page (blobs up to about
-- 1,000 sources), so a weight is read in place, by target (the key) or, for a walk forward
-- from a source, from each target's row of the layer.
CREATE TABLE dense_weight_rows (
    model_id INTEGER NOT NULL,
    layer INTEGER NOT NULL,                    -- the target layer
    target INTEGER NOT NULL,
    weights BLOB NOT NULL,                     -- float32 little-endian, one per source node
    PRIMARY KEY (model_id, layer, target)
);
INSERT INTO dense_weight_rows (model_id, layer, target, weights)
SELECT model_id, layer, target, ipg_pack_float32(source, weight) FROM dense_weights GROUP BY model_id, layer, target;
DROP VIEW dense_edge_statistics;
DROP INDEX dense_weights_by_source;
DROP TABLE dense_weights;
-- The old table's rows, for reading (the language's queries read dense_weight_rows).
CREATE VIEW dense_weights AS
SELECT w.model_id, w.layer, w.target, j.key AS source, ipg_float32_at(w.weights, j.key) AS weight
FROM dense_weight_rows w, json_each(ipg_positions(length(w.weights) / 4)) j;
CREATE VIEW dense_edge_statistics AS
SELECT w.model_id, s.tag, w.layer, w.source, w.target, s.count,
       w.weight * s.mean AS mean,
       CASE WHEN s.count > 1 THEN w.weight * w.weight * s.m2 / (s.count - 1) ELSE 0 END AS variance
FROM dense_weights w
JOIN layers l ON l.model_id = w.model_id AND l.layer = w.layer
JOIN node_statistics s ON s.model_id = w.model_id AND s.layer = l.source_layer AND s.node = w.source;

-- Per (model, tag, true label, layer) the statistics of every node of the layer: count is the
-- traces counted (the same for every node), the other columns one value per node in order.
-- Ingest merges a batch into a row as it merged it into each node's (Chan et al.).
CREATE TABLE node_label_layer_statistics (
    model_id INTEGER NOT NULL,
    tag TEXT NOT NULL,
    label INTEGER NOT NULL,
    layer INTEGER NOT NULL,
    count INTEGER NOT NULL,
    active_counts BLOB NOT NULL,               -- int32 little-endian, per node
    means BLOB NOT NULL,                       -- float64 little-endian, per node: Welford's mean
    m2s BLOB NOT NULL,                         -- and sum of squared deviations
    minima BLOB NOT NULL,
    maxima BLOB NOT NULL,
    PRIMARY KEY (model_id, tag, label, layer)
);
-- A group whose nodes counted different numbers of traces cannot be packed: count is then
-- NULL and the migration fails.
INSERT INTO node_label_layer_statistics (model_id, tag, label, layer, count, active_counts, means, m2s, minima, maxima)
SELECT model_id, tag, label, layer, CASE WHEN MIN(count) = MAX(count) THEN MAX(count) END,
       ipg_pack_int32(node, active_count), ipg_pack_float64(node, mean), ipg_pack_float64(node, m2),
       ipg_pack_float64(node, minimum), ipg_pack_float64(node, maximum)
FROM node_label_statistics GROUP BY model_id, tag, label, layer;
DROP TABLE node_label_statistics;
CREATE VIEW node_label_statistics AS
SELECT s.model_id, s.tag, s.label, s.layer, j.key AS node, s.count,
       ipg_int32_at(s.active_counts, j.key) AS active_count,
       ipg_float64_at(s.means, j.key) AS mean, ipg_float64_at(s.m2s, j.key) AS m2,
       ipg_float64_at(s.minima, j.key) AS minimum, ipg_float64_at(s.maxima, j.key) AS maximum
FROM node_label_layer_statistics s, json_each(ipg_positions(length(s.means) / 8)) j;
