SELECT a.layer AS layer, a.node AS node, a.mean AS mean_a, a.b_mean AS mean_b, a.d_mean AS mean_diff, sqrt(a.m2 / a.n) AS stddev_a, sqrt(a.b_m2 / a.b_n) AS stddev_b, sqrt(a.m2 / a.n) - sqrt(a.b_m2 / a.b_n) AS stddev_diff, a.d_mean / NULLIF(sqrt(a.d_m2 / (a.d_n - 1)), 0) AS effect, a.d_absolute_mean AS distance, max(abs(a.d_minimum), abs(a.d_maximum)) AS max_distance
FROM (SELECT g.model_id AS model_id, g.layer AS layer, CAST(j.key AS INTEGER) AS node, json_extract(j.value, '$[0]') AS traces, json_extract(j.value, '$[0]') AS n, json_extract(j.value, '$[1]') AS mean, json_extract(j.value, '$[2]') AS m2, json_extract(j.value, '$[3]') AS active, json_extract(j.value, '$[4]') AS minimum, json_extract(j.value, '$[5]') AS maximum, json_extract(j.value, '$[6]') AS b_traces, json_extract(j.value, '$[6]') AS b_n, json_extract(j.value, '$[7]') AS b_mean, json_extract(j.value, '$[8]') AS b_m2, json_extract(j.value, '$[9]') AS b_active, json_extract(j.value, '$[10]') AS b_minimum, json_extract(j.value, '$[11]') AS b_maximum, json_extract(j.value, '$[12]') AS d_traces, json_extract(j.value, '$[12]') AS d_n, json_extract(j.value, '$[13]') AS d_mean, json_extract(j.value, '$[14]') AS d_m2, json_extract(j.value, '$[15]') AS d_active, json_extract(j.value, '$[16]') AS d_minimum, json_extract(j.value, '$[17]') AS d_maximum, json_extract(j.value, '$[18]') AS d_absolute_mean
FROM (SELECT t.model_id AS model_id, l.layer AS layer, ipg_node_pair_stats(t.value_block, t.value_row, p.value_block, p.value_row, l.layer, l.node_size, l.threshold) AS stats
FROM traces t
JOIN traces p ON p.id = (SELECT MIN(q.id)
FROM traces q INDEXED BY traces_by_input
WHERE q.tag = t.parent_tag AND q.input_index = t.parent_index AND q.model_id = t.model_id)
JOIN layers l ON l.model_id = t.model_id AND l.layer = ?
WHERE (t.tag = ?)
GROUP BY +t.model_id, l.layer) AS g, json_each(g.stats) AS j) AS a
ORDER BY node
-- arguments: 1, 'fgsm'
