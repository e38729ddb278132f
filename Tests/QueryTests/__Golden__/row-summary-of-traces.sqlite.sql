SELECT *
FROM (SELECT r."label" AS "label", COUNT(*) AS "count", AVG(r."correct") AS "mean_correct", MIN(r."confidence") AS "min_confidence"
FROM (SELECT t.true_label AS label, t.confidence AS confidence, (t.predicted_label = t.true_label) AS correct
FROM traces t
WHERE (t.tag = ?)) AS r
GROUP BY r."label") AS r
WHERE (r.count > ?)
ORDER BY r.label
-- arguments: 'fgsm', 1
