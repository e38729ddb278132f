SELECT a.layer AS layer, a.mean AS mean_a, a.b_mean AS mean_b, a.d_mean AS mean_diff, a.d_absolute_mean AS distance
FROM (SELECT r.model_id AS model_id, r.layer AS layer, MAX(r.traces) AS traces, SUM(r.n) AS n, SUM(r.n * r.mean) / SUM(r.n) AS mean, SUM(r.m2) + SUM(r.n * r.mean * r.mean) - SUM(r.n * r.mean) * SUM(r.n * r.mean) / SUM(r.n) AS m2, SUM(r.active) AS active, MIN(r.minimum) AS minimum, MAX(r.maximum) AS maximum, MAX(r.b_traces) AS b_traces, SUM(r.b_n) AS b_n, SUM(r.b_n * r.b_mean) / SUM(r.b_n) AS b_mean, SUM(r.b_m2) + SUM(r.b_n * r.b_mean * r.b_mean) - SUM(r.b_n * r.b_mean) * SUM(r.b_n * r.b_mean) / SUM(r.b_n) AS b_m2, SUM(r.b_active) AS b_active, MIN(r.b_minimum) AS b_minimum, MAX(r.b_maximum) AS b_maximum, MAX(r.d_traces) AS d_traces, SUM(r.d_n) AS d_n, SUM(r.d_n * r.d_mean) / SUM(r.d_n) AS d_mean, SUM(r.d_m2) + SUM(r.d_n * r.d_mean * r.d_mean) - SUM(r.d_n * r.d_mean) * SUM(r.d_n * r.d_mean) / SUM(r.d_n) AS d_m2, SUM(r.d_active) AS d_active, MIN(r.d_minimum) AS d_minimum, MAX(r.d_maximum) AS d_maximum, SUM(r.d_n * r.d_absolute_mean) / SUM(r.d_n) AS d_absolute_mean
FROM (SELECT g.model_id AS model_id, g.layer AS layer, CAST(j.key AS INTEGER) AS node, json_extract(j.value, '$[0]') AS traces, json_extract(j.value, '$[0]') AS n, json_extract(j.value, '$[1]') AS mean, json_extract(j.value, '$[2]') AS m2, json_extract(j.value, '$[3]') AS active, json_extract(j.value, '$[4]') AS minimum, json_extract(j.value, '$[5]') AS maximum, json_extract(j.value, '$[6]') AS b_traces, json_extract(j.value, '$[6]') AS b_n, json_extract(j.value, '$[7]') AS b_mean, json_extract(j.value, '$[8]') AS b_m2, json_extract(j.value, '$[9]') AS b_active, json_extract(j.value, '$[10]') AS b_minimum, json_extract(j.value, '$[11]') AS b_maximum, json_extract(j.value, '$[12]') AS d_traces, json_extract(j.value, '$[12]') AS d_n, json_extract(j.value, '$[13]') AS d_mean, json_extract(j.value, '$[14]') AS d_m2, json_extract(j.value, '$[15]') AS d_active, json_extract(j.value, '$[16]') AS d_minimum, json_extract(j.value, '$[17]') AS d_maximum, json_extract(j.value, '$[18]') AS d_absolute_mean
FROM (SELECT t.model_id AS model_id, l.layer AS layer, ipg_node_pair_stats(t.value_block, t.value_row, p.value_block, p.value_row, l.layer, l.node_size, l.threshold) AS stats
FROM traces t
JOIN traces p ON p.id = (SELECT MIN(q.id)
FROM traces q INDEXED BY traces_by_input
WHERE q.tag = t.parent_tag AND q.input_index = t.parent_index AND q.model_id = t.model_id)
JOIN layers l ON l.model_id = t.model_id AND l.layer = ?
WHERE (t.tag = ?)
GROUP BY +t.model_id, l.layer) AS g, json_each(g.stats) AS j) AS r
GROUP BY r.model_id, r.layer) AS a
ORDER BY layer
-- arguments: 2, 'fgsm'
