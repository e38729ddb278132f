SELECT t.input_index AS input
FROM traces t
WHERE ((t.tag = ?) AND EXISTS (SELECT 1
FROM traces parent1
WHERE parent1.id = (SELECT MIN(q.id)
FROM traces q INDEXED BY traces_by_input
WHERE q.tag = t.parent_tag AND q.input_index = t.parent_index AND q.model_id = t.model_id) AND ((parent1.predicted_label = parent1.true_label) AND (parent1.confidence > ?))))
-- arguments: 'fgsm', $c
