SELECT *
FROM (WITH a AS MATERIALIZED (SELECT g.model_id AS model_id, g.layer AS layer, CAST(j.key AS INTEGER) AS node, json_extract(j.value, '$[0]') AS traces, json_extract(j.value, '$[0]') AS n, json_extract(j.value, '$[1]') AS mean, json_extract(j.value, '$[2]') AS m2, json_extract(j.value, '$[3]') AS active, json_extract(j.value, '$[4]') AS minimum, json_extract(j.value, '$[5]') AS maximum
FROM (SELECT t.model_id AS model_id, l.layer AS layer, ipg_node_stats(t.value_block, t.value_row, l.layer, l.node_size, l.threshold) AS stats
FROM traces t
JOIN layers l ON l.model_id = t.model_id AND l.layer = ?
WHERE (((t.tag = ?) AND (t.predicted_label = t.true_label)) AND (t.true_label = ?))
GROUP BY +t.model_id, l.layer) AS g, json_each(g.stats) AS j), b AS MATERIALIZED (SELECT g.model_id AS model_id, g.layer AS layer, CAST(j.key AS INTEGER) AS node, json_extract(j.value, '$[0]') AS traces, json_extract(j.value, '$[0]') AS n, json_extract(j.value, '$[1]') AS mean, json_extract(j.value, '$[2]') AS m2, json_extract(j.value, '$[3]') AS active, json_extract(j.value, '$[4]') AS minimum, json_extract(j.value, '$[5]') AS maximum
FROM (SELECT t.model_id AS model_id, l.layer AS layer, ipg_node_stats(t.value_block, t.value_row, l.layer, l.node_size, l.threshold) AS stats
FROM traces t
JOIN layers l ON l.model_id = t.model_id AND l.layer = ?
WHERE (((t.tag = ?) AND (t.predicted_label = t.true_label)) AND (t.true_label = ?))
GROUP BY +t.model_id, l.layer) AS g, json_each(g.stats) AS j)
SELECT a.layer AS layer, a.node AS node, a.mean AS mean_a, b.mean AS mean_b, a.mean - b.mean AS mean_diff, CAST(a.active AS REAL) / a.n AS freq_a, CAST(b.active AS REAL) / b.n AS freq_b, CAST(a.active AS REAL) / a.n - CAST(b.active AS REAL) / b.n AS freq_diff, (a.mean - b.mean) / NULLIF(sqrt((a.m2 + b.m2) / (a.n + b.n - 2)), 0) AS effect
FROM a
JOIN b ON b.model_id = a.model_id AND b.layer = a.layer AND b.node = a.node) AS r
ORDER BY abs(r.effect) DESC, r.node
LIMIT ?
-- arguments: $layer, $tag, $a, $layer, $tag, $b, $k
