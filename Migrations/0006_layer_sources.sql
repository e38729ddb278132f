-- Every source of every layer, in operand order. Most layers read one earlier layer (position
-- 0, the same as layers.source_layer and layers.edge_rule); a merge layer (kind add: Add/Sum of
-- several layers' outputs; kind concat: Concat along channels) reads several, and only this
-- table lists them all: layers.source_layer is its first source. Edges from a source follow
-- its edge_rule (none, dense, conv, channel_scale, channel_output, reshape, concat, explicit):
-- an addend's channel c feeds the layer's channel c with the sum of its map (channel_scale,
-- all scales 1); a concatenated source's node c became the layer's node channel_offset + c.
CREATE TABLE layer_sources (
    model_id INTEGER NOT NULL,
    layer INTEGER NOT NULL,
    position INTEGER NOT NULL,
    source_layer INTEGER NOT NULL,
    edge_rule TEXT NOT NULL,
    channel_offset INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (model_id, layer, position)
) WITHOUT ROWID;

CREATE INDEX layer_sources_by_source ON layer_sources (model_id, source_layer);

-- The models already registered have single-source layers only.
INSERT INTO layer_sources (model_id, layer, position, source_layer, edge_rule)
SELECT model_id, layer, 0, source_layer, edge_rule FROM layers WHERE source_layer IS NOT NULL;
