SELECT t.input_index AS "input", t.confidence AS "confidence", if(parent_found = 1, "parent_column_parent_confidence", NULL) AS "parent_confidence", if(parent_found = 1, "parent_column_parent_correct", NULL) AS "parent_correct"
FROM traces AS t GLOBAL ANY LEFT
JOIN (SELECT model_id, found_tag AS parent_tag, found_index AS parent_index, parent_found, "parent_column_parent_confidence", "parent_column_parent_correct"
FROM (SELECT DISTINCT t.model_id AS model_id, t.parent_tag AS found_tag, t.parent_index AS found_index
FROM traces AS t
WHERE (t.tag = ?)) ANY LEFT
JOIN (SELECT t.model_id AS model_id, t.tag AS found_tag, t.input_index AS found_index, 1 AS parent_found, argMin(t.confidence, t.id) AS "parent_column_parent_confidence", argMin((t.predicted_label = t.true_label), t.id) AS "parent_column_parent_correct"
FROM traces AS t
WHERE (t.model_id, t.tag, t.input_index) GLOBAL IN (SELECT model_id, found_tag, found_index
FROM (SELECT DISTINCT t.model_id AS model_id, t.parent_tag AS found_tag, t.parent_index AS found_index
FROM traces AS t
WHERE (t.tag = ?))
WHERE found_index >= 0)
GROUP BY t.model_id, t.tag, t.input_index) USING model_id, found_tag, found_index) USING model_id, parent_tag, parent_index
WHERE (t.tag = ?)
ORDER BY "parent_confidence" DESC NULLS LAST
-- arguments: 'fgsm', 'fgsm', 'fgsm'
