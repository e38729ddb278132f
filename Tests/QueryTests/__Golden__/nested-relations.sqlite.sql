SELECT t.input_index AS input
FROM traces t
WHERE t.id IN (SELECT COALESCE((SELECT MIN(q.id)
FROM traces q INDEXED BY traces_by_input
WHERE q.tag = child1.parent_tag AND q.input_index = child1.parent_index AND q.model_id = child1.model_id), -1)
FROM traces child1
WHERE child1.parent_index >= 0 AND EXISTS (SELECT 1
FROM traces parent2
WHERE parent2.id = (SELECT MIN(q.id)
FROM traces q INDEXED BY traces_by_input
WHERE q.tag = child1.parent_tag AND q.input_index = child1.parent_index AND q.model_id = child1.model_id) AND ((SELECT a.value
FROM trace_attributes a
WHERE a.trace_id = parent2.id AND a.key = ?
ORDER BY a.position
LIMIT 1) = ?)))
-- arguments: 'cam', 'x'
