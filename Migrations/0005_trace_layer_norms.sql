-- Per trace and layer: the L1 norm and the sum of squares of its node values (a unit's value,
-- a channel map's mean), kept at ingest. Two traces' Euclidean distance in a layer is at least
-- the difference of their L2 norms, so an exact nearest-neighbour search (forensics) decodes
-- only the traces whose norm lies close enough.
CREATE TABLE trace_layer_norms (
    trace_id INTEGER NOT NULL,
    layer INTEGER NOT NULL,
    l1 REAL NOT NULL,
    sum_of_squares REAL NOT NULL,
    PRIMARY KEY (trace_id, layer)
) WITHOUT ROWID;

-- The traces already stored (ipg_layer_norm sums |value| or value² over a layer's node values).
INSERT INTO trace_layer_norms (trace_id, layer, l1, sum_of_squares)
SELECT t.id, l.layer, ipg_layer_norm(t.node_values, t.value_encoding, l.layer, l.node_size, 1),
       ipg_layer_norm(t.node_values, t.value_encoding, l.layer, l.node_size, 2)
FROM traces t JOIN layers l ON l.model_id = t.model_id;
