-- traces_by_prediction (model_id, tag, predicted_label, true_label) dropped (issue 13, store
-- growth per trace): it held about 21 of a trace's 1,195 bytes and no query needs it. The
-- lowering groups scans by `+t.model_id`, so no GROUP BY walks it, and every filter on a tag
-- finds its traces through traces_by_input (tag, input_index) as well; label filters read the
-- labels from the traces' rows, which a scan of a tag's traces visits anyway.
DROP INDEX IF EXISTS traces_by_prediction;
