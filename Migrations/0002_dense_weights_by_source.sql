-- Forward lineage walks from a source node to its targets: find a dense layer's weights by
-- source as well as by target (the primary key). The index carries the weight, so a walk
-- reads it without a second lookup.
CREATE INDEX dense_weights_by_source ON dense_weights(model_id, layer, source, target, weight);
