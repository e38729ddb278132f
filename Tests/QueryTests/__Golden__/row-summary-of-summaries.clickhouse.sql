SELECT max("count") AS "max_count"
FROM (SELECT "label", "predicted", count() AS "count"
FROM (SELECT t.true_label AS "label", t.predicted_label AS "predicted"
FROM traces AS t)
GROUP BY "label", "predicted")
-- arguments: 
