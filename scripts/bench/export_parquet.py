"""Exports DeepProv trace streams to Parquet for DuckDB, the comparison in scripts/bench-query.

usage: export_parquet.py OUT_DIR MODEL.onnx STREAM...   (streams in the order they were ingested)

Writes OUT_DIR/traces.parquet, one row per trace in ingest order: trace_id (1, 2, … as the
store numbers them), tag, input, label, predicted, confidence, parent_tag, parent_index, and
one FLOAT list column per layer (l0, l1, …: the node values, one per unit of these dense
models); OUT_DIR/weights.parquet: the dense weights (layer, target, source, weight, with each
Gemm's alpha folded in, as the store keeps them) read from the ONNX file; and
OUT_DIR/layers.parquet: layer, nodes, threshold. Streams are read with the spec-only reader
in scripts/fixtures/read_ipgz.py. Progress goes to standard error.
"""
import os
import sys
import time

import numpy as np
import onnx
import onnx.numpy_helper
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures"))
from read_ipgz import read_stream  # noqa: E402


def float_lists(values: np.ndarray) -> pa.ListArray:
    count, width = values.shape
    offsets = pa.array(np.arange(0, (count + 1) * width, width, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, pa.array(values.reshape(-1), type=pa.float32()))


def export_traces(out_dir: str, streams: list) -> list:
    writer, next_id, layers, started = None, 1, None, time.time()
    for path in streams:
        model, frames = read_stream(path)
        layers = model["layers"]
        for records, values in frames:
            count = len(records)
            columns = {
                "trace_id": pa.array(np.arange(next_id, next_id + count, dtype=np.int64)),
                "tag": pa.array([r["tag"] for r in records]),
                "input": pa.array([r["input"] for r in records], type=pa.int64()),
                "label": pa.array([r["true"] for r in records], type=pa.int64()),
                "predicted": pa.array([r["predicted"] for r in records], type=pa.int64()),
                "confidence": pa.array([r["confidence"] for r in records], type=pa.float64()),
                "parent_tag": pa.array([r["parent"][0] if r["parent"] else None for r in records], type=pa.string()),
                "parent_index": pa.array([r["parent"][1] if r["parent"] else None for r in records], type=pa.int64()),
            }
            for index, layer_values in enumerate(values):
                columns[f"l{index}"] = float_lists(layer_values)
            table = pa.table(columns)
            if writer is None:
                writer = pq.ParquetWriter(os.path.join(out_dir, "traces.parquet"), table.schema, compression="zstd")
            writer.write_table(table)
            next_id += count
        print(f"  {next_id - 1:,} traces exported ({time.time() - started:.0f} s)", file=sys.stderr)
    writer.close()
    return layers


def export_weights(out_dir: str, model_path: str) -> None:
    """Dense layers in order: Gemm nodes (weights as target × source, alpha folded in)."""
    graph = onnx.load(model_path).graph
    initializers = {tensor.name: onnx.numpy_helper.to_array(tensor) for tensor in graph.initializer}
    rows = {"layer": [], "target": [], "source": [], "weight": []}
    layer = 0
    for node in graph.node:
        if node.op_type != "Gemm":
            continue
        layer += 1
        attributes = {attribute.name: onnx.helper.get_attribute_value(attribute) for attribute in node.attribute}
        weights = initializers[node.input[1]].astype(np.float64)
        if not attributes.get("transB", 0):
            weights = weights.T  # stored as source × target
        weights = weights * attributes.get("alpha", 1.0)
        targets, sources = np.meshgrid(np.arange(weights.shape[0]), np.arange(weights.shape[1]), indexing="ij")
        rows["layer"].append(np.full(weights.size, layer))
        rows["target"].append(targets.reshape(-1))
        rows["source"].append(sources.reshape(-1))
        rows["weight"].append(weights.reshape(-1))
    pq.write_table(pa.table({name: np.concatenate(parts) for name, parts in rows.items()}), os.path.join(out_dir, "weights.parquet"))


def main() -> None:
    out_dir, model_path, streams = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(out_dir, exist_ok=True)
    export_weights(out_dir, model_path)
    layers = export_traces(out_dir, streams)
    pq.write_table(pa.table({"layer": list(range(len(layers))), "nodes": [layer["nodes"] for layer in layers],
                             "threshold": [layer["threshold"] for layer in layers]}), os.path.join(out_dir, "layers.parquet"))


if __name__ == "__main__":
    main()
