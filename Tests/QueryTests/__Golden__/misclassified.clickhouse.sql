SELECT t.input_index AS "input", t.true_label AS "label", t.predicted_label AS "predicted", t.confidence AS "confidence"
FROM traces AS t
WHERE ((t.tag = ?) AND NOT ((t.predicted_label = t.true_label)))
ORDER BY "input" ASC NULLS FIRST
-- arguments: $tag
