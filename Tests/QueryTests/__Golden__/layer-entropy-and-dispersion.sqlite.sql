WITH a AS MATERIALIZED (SELECT r.model_id AS model_id, r.layer AS layer, MAX(r.traces) AS traces, SUM(r.n) AS n, SUM(r.n * r.mean) / SUM(r.n) AS mean, SUM(r.m2) + SUM(r.n * r.mean * r.mean) - SUM(r.n * r.mean) * SUM(r.n * r.mean) / SUM(r.n) AS m2, SUM(r.active) AS active, MIN(r.minimum) AS minimum, MAX(r.maximum) AS maximum, MAX(r.entropy) AS entropy
FROM (SELECT g.model_id AS model_id, g.layer AS layer, CAST(j.key AS INTEGER) AS node, json_extract(j.value, '$[0]') AS traces, json_extract(j.value, '$[0]') AS n, json_extract(j.value, '$[1]') AS mean, json_extract(j.value, '$[2]') AS m2, json_extract(j.value, '$[3]') AS active, json_extract(j.value, '$[4]') AS minimum, json_extract(j.value, '$[5]') AS maximum, g.entropy AS entropy
FROM (SELECT t.model_id AS model_id, l.layer AS layer, ipg_node_stats(t.value_block, t.value_row, l.layer, l.node_size, l.threshold) AS stats, AVG(ipg_entropy(t.value_block, t.value_row, l.layer, l.node_size)) AS entropy
FROM traces t
JOIN layers l ON l.model_id = t.model_id AND l.layer = ?
WHERE (t.tag = ?)
GROUP BY +t.model_id, l.layer) AS g, json_each(g.stats) AS j) AS r
GROUP BY r.model_id, r.layer), b AS MATERIALIZED (SELECT r.model_id AS model_id, r.layer AS layer, MAX(r.traces) AS traces, SUM(r.n) AS n, SUM(r.n * r.mean) / SUM(r.n) AS mean, SUM(r.m2) + SUM(r.n * r.mean * r.mean) - SUM(r.n * r.mean) * SUM(r.n * r.mean) / SUM(r.n) AS m2, SUM(r.active) AS active, MIN(r.minimum) AS minimum, MAX(r.maximum) AS maximum, MAX(r.entropy) AS entropy
FROM (SELECT g.model_id AS model_id, g.layer AS layer, CAST(j.key AS INTEGER) AS node, json_extract(j.value, '$[0]') AS traces, json_extract(j.value, '$[0]') AS n, json_extract(j.value, '$[1]') AS mean, json_extract(j.value, '$[2]') AS m2, json_extract(j.value, '$[3]') AS active, json_extract(j.value, '$[4]') AS minimum, json_extract(j.value, '$[5]') AS maximum, g.entropy AS entropy
FROM (SELECT t.model_id AS model_id, l.layer AS layer, ipg_node_stats(t.value_block, t.value_row, l.layer, l.node_size, l.threshold) AS stats, AVG(ipg_entropy(t.value_block, t.value_row, l.layer, l.node_size)) AS entropy
FROM traces t
JOIN layers l ON l.model_id = t.model_id AND l.layer = ?
WHERE (t.tag = ?)
GROUP BY +t.model_id, l.layer) AS g, json_each(g.stats) AS j) AS r
GROUP BY r.model_id, r.layer)
SELECT a.layer AS layer, a.entropy AS entropy_a, b.entropy AS entropy_b, a.entropy - b.entropy AS entropy_diff, (a.m2 / a.n) / NULLIF(a.mean, 0) AS dispersion_a, (b.m2 / b.n) / NULLIF(b.mean, 0) AS dispersion_b, (a.m2 / a.n) / NULLIF(a.mean, 0) - (b.m2 / b.n) / NULLIF(b.mean, 0) AS dispersion_diff
FROM a
JOIN b ON b.model_id = a.model_id AND b.layer = a.layer
ORDER BY layer
-- arguments: 2, $a, 2, $b
