-- Per (model, tag, true label, node): the same statistics as node_statistics, over the traces
-- of one tag whose true label is one class, kept current at ingest. Forensics compares a trace
-- with the clean traces of its class (z-scores) without scanning them. Traces without a true
-- label are not counted here.
CREATE TABLE node_label_statistics (
    model_id INTEGER NOT NULL,
    tag TEXT NOT NULL,
    label INTEGER NOT NULL,
    layer INTEGER NOT NULL,
    node INTEGER NOT NULL,
    count INTEGER NOT NULL,
    active_count INTEGER NOT NULL,
    mean REAL NOT NULL,
    m2 REAL NOT NULL,
    minimum REAL NOT NULL,
    maximum REAL NOT NULL,
    PRIMARY KEY (model_id, tag, label, layer, node)
) WITHOUT ROWID;

-- The traces already stored, summarised by scanning them (ipg_node_stats gives per node
-- [count, mean, m2, active count, min, max]).
INSERT INTO node_label_statistics (model_id, tag, label, layer, node, count, active_count, mean, m2, minimum, maximum)
SELECT g.model_id, g.tag, g.label, g.layer, CAST(j.key AS INTEGER),
       json_extract(j.value, '$[0]'), json_extract(j.value, '$[3]'), json_extract(j.value, '$[1]'),
       json_extract(j.value, '$[2]'), json_extract(j.value, '$[4]'), json_extract(j.value, '$[5]')
FROM (SELECT t.model_id, t.tag, t.true_label AS label, l.layer,
             ipg_node_stats(t.node_values, t.value_encoding, l.layer, l.node_size, l.threshold) AS stats
      FROM traces t JOIN layers l ON l.model_id = t.model_id
      WHERE t.true_label IS NOT NULL
      GROUP BY t.model_id, t.tag, t.true_label, l.layer) g, json_each(g.stats) j;
