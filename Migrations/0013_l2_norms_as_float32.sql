-- value_block_norms keeps per trace and layer only the L2 norm of its node values, one float32
-- (issue 13, store growth per trace: 4 bytes per trace and layer where migration 0009's L1
-- norm and sum of squares, two float64, took 16 — about 48 of an MLP trace's bytes). The
-- nearest-neighbour search orders its candidates by it, a lower bound of their distance less
-- float32's rounding; computing it from the values instead decodes the whole layer of every
-- candidate (on a store of 1.06M MLP traces, 1.3 to 5 times the time of reading it: 2 times
-- for the last hidden layer, the one forensics searches by default). The view
-- trace_layer_norms (trace_id, layer, l1, sum_of_squares) now computes both norms from the
-- value blocks (ipg_layer_norm), as exactly as ingest did.
UPDATE value_block_norms SET norms = ipg_norms_from_pairs(norms);
DROP VIEW trace_layer_norms;
CREATE VIEW trace_layer_norms AS
SELECT t.id AS trace_id, l.layer,
    ipg_layer_norm(t.value_block, t.value_row, l.layer, l.node_size, 1) AS l1,
    ipg_layer_norm(t.value_block, t.value_row, l.layer, l.node_size, 2) AS sum_of_squares
FROM traces t JOIN layers l ON l.model_id = t.model_id;
