SELECT r.model AS "model", r.input AS "input", r.prob_label AS "p", r.margin AS "margin", r.margin_1 AS "margin_1", r.l1_1 AS "l1_1", r.active_2 AS "active_2"
FROM (SELECT (SELECT m.name
FROM models m
WHERE m.id = t.model_id) AS model, t.input_index AS input, (SELECT ipg_probability(t.value_block, t.value_row, ml.layer, ml.node_size, t.true_label)
FROM layers ml
WHERE ml.model_id = t.model_id
ORDER BY ml.layer DESC
LIMIT 1) AS prob_label, (SELECT ipg_margin(t.value_block, t.value_row, ml.layer, ml.node_size, NULL)
FROM layers ml
WHERE ml.model_id = t.model_id
ORDER BY ml.layer DESC
LIMIT 1) AS margin, (SELECT ipg_margin(t.value_block, t.value_row, ml.layer, ml.node_size, ?)
FROM layers ml
WHERE ml.model_id = t.model_id
ORDER BY ml.layer DESC
LIMIT 1) AS margin_1, (SELECT ipg_l1(t.value_block, t.value_row, ml.layer, ml.node_size)
FROM layers ml
WHERE ml.model_id = t.model_id AND ml.layer = ?) AS l1_1, (SELECT ipg_active_count(t.value_block, t.value_row, ml.layer, ml.node_size, ml.threshold)
FROM layers ml
WHERE ml.model_id = t.model_id AND ml.layer = ?) AS active_2
FROM traces t
WHERE ((t.tag = ?) AND ((SELECT ipg_entropy(t.value_block, t.value_row, ml.layer, ml.node_size)
FROM layers ml
WHERE ml.model_id = t.model_id AND ml.layer = ?) > ?))) AS r
ORDER BY r.prob_label DESC
-- arguments: 1, 1, 2, 'fgsm', 1, $e
