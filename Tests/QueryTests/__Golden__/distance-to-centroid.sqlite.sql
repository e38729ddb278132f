SELECT t.input_index AS input, (SELECT ipg_distance(t.value_block, t.value_row, mq.value_block, mq.value_row, ml.layer, ml.node_size)
FROM layers ml
JOIN traces mq ON mq.id = (SELECT MIN(q.id)
FROM traces q INDEXED BY traces_by_input
WHERE q.tag = t.parent_tag AND q.input_index = t.parent_index AND q.model_id = t.model_id)
WHERE ml.model_id = t.model_id AND ml.layer = ?) AS distance_2_parent
FROM traces t
WHERE ((t.tag = ?) AND ((SELECT ipg_centroid_distance(t.value_block, t.value_row, ml.layer, ml.node_size, (SELECT json_group_object(model_id, json(stats))
FROM (SELECT centroid1.model_id AS model_id, ipg_node_means(centroid1.value_block, centroid1.value_row, cl.layer, cl.node_size) AS stats
FROM traces centroid1
JOIN layers cl ON cl.model_id = centroid1.model_id AND cl.layer = ?
WHERE ((centroid1.tag = ?) AND (centroid1.true_label = ?))
GROUP BY centroid1.model_id)), t.model_id, ?)
FROM layers ml
WHERE ml.model_id = t.model_id AND ml.layer = ?) < ?))
-- arguments: 2, 'fgsm', 2, 'clean', $label, 'cosine', 2, 0.5
