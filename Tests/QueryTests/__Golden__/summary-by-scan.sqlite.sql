SELECT a.layer AS layer, a.node AS node, a.mean AS mean, a.maximum AS max
FROM (SELECT g.model_id AS model_id, g.layer AS layer, CAST(j.key AS INTEGER) AS node, json_extract(j.value, '$[0]') AS traces, json_extract(j.value, '$[0]') AS n, json_extract(j.value, '$[1]') AS mean, json_extract(j.value, '$[2]') AS m2, json_extract(j.value, '$[3]') AS active, json_extract(j.value, '$[4]') AS minimum, json_extract(j.value, '$[5]') AS maximum
FROM (SELECT t.model_id AS model_id, l.layer AS layer, ipg_node_stats(t.value_block, t.value_row, l.layer, l.node_size, l.threshold) AS stats
FROM traces t
JOIN layers l ON l.model_id = t.model_id AND l.layer = ?
WHERE ((t.tag = ?) AND NOT ((t.predicted_label = t.true_label)))
GROUP BY +t.model_id, l.layer) AS g, json_each(g.stats) AS j) AS a
ORDER BY mean DESC, node
LIMIT ?
-- arguments: 2, 'clean', 1
