SELECT *
FROM (SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, t.true_label AS label, t.predicted_label AS predicted, (t.predicted_label = t.true_label) AS correct, ipg_cosine_distance(t.value_block, t.value_row, q.value_block, q.value_row, l.layer, l.node_size) AS distance
FROM traces q
JOIN layers l ON l.model_id = q.model_id AND l.layer = ?
JOIN traces t ON t.model_id = q.model_id AND t.id != q.id
WHERE q.id = ? AND ((t.predicted_label = t.true_label) AND (t.true_label = ?))
ORDER BY distance IS NULL, distance, t.id
LIMIT ?) AS r
WHERE (r.tag != ?)
ORDER BY r.distance, r.trace
-- arguments: 2, $trace, 1, 5, 'fgsm'
