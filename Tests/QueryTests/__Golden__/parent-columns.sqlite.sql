SELECT t.input_index AS input, t.confidence AS confidence, pt.confidence AS parent_confidence, (pt.predicted_label = pt.true_label) AS parent_correct
FROM traces t LEFT
JOIN traces pt ON pt.id = (SELECT MIN(q.id)
FROM traces q INDEXED BY traces_by_input
WHERE q.tag = t.parent_tag AND q.input_index = t.parent_index AND q.model_id = t.model_id)
WHERE (t.tag = ?)
ORDER BY parent_confidence DESC
-- arguments: 'fgsm'
