SELECT t.input_index AS "input", t.predicted_label AS "predicted"
FROM traces AS t
WHERE ((t.tag = ?) AND ((t.confidence < ?) OR (t.true_label = ?)))
ORDER BY "input" DESC NULLS LAST
LIMIT ?
-- arguments: 'fgsm', 0.5, 1, $k
