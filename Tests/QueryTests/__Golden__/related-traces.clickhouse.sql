SELECT t.input_index AS "input"
FROM traces AS t
WHERE ((t.tag = ?) AND (t.model_id, t.parent_tag, t.parent_index) GLOBAL IN (SELECT t.model_id, t.tag, t.input_index
FROM traces AS t
GROUP BY t.model_id, t.tag, t.input_index HAVING argMin(ifNull(toUInt8(((t.predicted_label = t.true_label) AND (t.confidence > ?))), 0), t.id) = 1))
-- arguments: 'fgsm', $c
