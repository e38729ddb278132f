SELECT r.input AS "input", r.prob_label AS "p", r.margin AS "margin", r.entropy_1 AS "entropy_1", r.distance_2_parent AS "distance_2_parent"
FROM (SELECT t.input_index AS input, (SELECT ipg_probability(t.value_block, t.value_row, ml.layer, ml.node_size, t.true_label)
FROM layers ml
WHERE ml.model_id = t.model_id
ORDER BY ml.layer DESC
LIMIT 1) AS prob_label, (SELECT ipg_margin(t.value_block, t.value_row, ml.layer, ml.node_size, NULL)
FROM layers ml
WHERE ml.model_id = t.model_id
ORDER BY ml.layer DESC
LIMIT 1) AS margin, (SELECT ipg_entropy(t.value_block, t.value_row, ml.layer, ml.node_size)
FROM layers ml
WHERE ml.model_id = t.model_id AND ml.layer = ?) AS entropy_1, (SELECT ipg_distance(t.value_block, t.value_row, mq.value_block, mq.value_row, ml.layer, ml.node_size)
FROM layers ml
JOIN traces mq ON mq.id = (SELECT MIN(q.id)
FROM traces q INDEXED BY traces_by_input
WHERE q.tag = t.parent_tag AND q.input_index = t.parent_index AND q.model_id = t.model_id)
WHERE ml.model_id = t.model_id AND ml.layer = ?) AS distance_2_parent
FROM traces t
WHERE ((t.tag = ?) AND ((SELECT ipg_probability(t.value_block, t.value_row, ml.layer, ml.node_size, t.true_label)
FROM layers ml
WHERE ml.model_id = t.model_id
ORDER BY ml.layer DESC
LIMIT 1) < ?))) AS r
ORDER BY r.distance_2_parent DESC
-- arguments: 1, 2, 'fgsm', 0.5
