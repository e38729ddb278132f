-- Forward lineage walks from a source node to its targets: find a dense layer's weights by
-- source as well as by target (the primary key).
CREATE INDEX dense_weights_by_source ON dense_weights(model_id, layer, source);
