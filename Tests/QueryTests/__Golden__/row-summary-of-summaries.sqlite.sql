SELECT MAX(r."count") AS "max_count"
FROM (SELECT r."label" AS "label", r."predicted" AS "predicted", COUNT(*) AS "count"
FROM (SELECT t.true_label AS label, t.predicted_label AS predicted
FROM traces t) AS r
GROUP BY r."label", r."predicted") AS r
-- arguments: 
