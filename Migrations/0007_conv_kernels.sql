-- The weights a layer's edges need beyond its source's node values, once per model: a
-- convolution's kernel with its geometry, a batch-norm (or activation-only) layer's scale per
-- channel. Dense weights stay in dense_weights; pooling and reshape layers need none. A conv
-- edge c→k of a trace is Σ over kernel offsets of W[k, c, offset] times the sum, over output
-- positions, of the source map element that offset sees (ipg_edges derives a layer's edges).
CREATE TABLE layer_kernels (
    model_id INTEGER NOT NULL,
    layer INTEGER NOT NULL,                    -- the target layer (edge_rule conv or channel_scale)
    geometry TEXT,                             -- conv: JSON {input_channels, output_channels, groups, kernel_shape,
                                               -- strides, dilations, pads_begin, pads_end, input_spatial,
                                               -- output_spatial}, one number per spatial axis; NULL for scales
    weights BLOB NOT NULL,                     -- little-endian float32; conv: W[output channel][input channel
                                               -- of its group][kernel offset, row-major]; else one per channel
    PRIMARY KEY (model_id, layer)
) WITHOUT ROWID;

-- The models already stored: their layer table (models.layer_table) holds every rule's weights.
INSERT INTO layer_kernels (model_id, layer, geometry, weights)
SELECT l.model_id, l.layer, ipg_kernel_geometry(m.layer_table, l.layer), ipg_kernel_weights(m.layer_table, l.layer)
FROM layers l JOIN models m ON m.id = l.model_id
WHERE l.edge_rule IN ('conv', 'channel_scale');
