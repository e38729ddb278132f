-- How each layer's values are kept (issue 13, "Resolution, so big nets fit"), as a trace
-- stream's header says (TraceStreamFormat): 'full' (every element of every node), 'summary'
-- (per node its mean element, its largest element and the share of its elements active), or
-- 'derived' (not stored: a Flatten/Reshape copy of its source, rebuilt on reading). One
-- resolution per model layer: every trace of a model is stored at the model's resolutions.
-- Node queries answer at any resolution (a summarised node's value is its mean); edges and
-- lineages need full (or derived) maps.
ALTER TABLE layers ADD COLUMN resolution TEXT NOT NULL DEFAULT 'full';

-- How a value block holds its layer, so the SQL functions read a block without its model:
-- 0 full (value_count = node_count · node_size values per trace, nodes in order); 1 summary
-- (value_count = 3 · node_count: every node's mean, then every node's max, then every node's
-- share active); 2 derived (no values: data is empty, value_count 0, and the trace's values of
-- the layer are its values of layer source_layer in the same block, element for element).
ALTER TABLE value_blocks ADD COLUMN resolution INTEGER NOT NULL DEFAULT 0;
ALTER TABLE value_blocks ADD COLUMN source_layer INTEGER;
