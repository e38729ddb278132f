SELECT *
FROM (SELECT "label", count() AS "count", avg("correct") AS "mean_correct", min("confidence") AS "min_confidence"
FROM (SELECT t.true_label AS "label", t.confidence AS "confidence", (t.predicted_label = t.true_label) AS "correct"
FROM traces AS t
WHERE (t.tag = ?))
GROUP BY "label")
WHERE ("count" > ?)
ORDER BY "label" ASC NULLS FIRST
-- arguments: 'fgsm', 1
