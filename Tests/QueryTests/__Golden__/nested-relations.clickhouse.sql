SELECT t.input_index AS "input"
FROM traces AS t
WHERE t.id GLOBAL IN (SELECT min(t.id)
FROM traces AS t
WHERE (t.model_id, t.tag, t.input_index) GLOBAL IN (SELECT t.model_id, t.parent_tag, t.parent_index
FROM traces AS t
WHERE t.parent_index >= 0 AND (t.model_id, t.parent_tag, t.parent_index) GLOBAL IN (SELECT t.model_id, t.tag, t.input_index
FROM traces AS t
GROUP BY t.model_id, t.tag, t.input_index HAVING argMin(ifNull(toUInt8((if(has(t.attribute_keys, ?), t.attribute_values[indexOf(t.attribute_keys, ?)], NULL) = ?)), 0), t.id) = 1))
GROUP BY t.model_id, t.tag, t.input_index)
-- arguments: 'cam', 'cam', 'x'
