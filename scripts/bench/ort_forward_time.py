"""Times onnxruntime's forward pass, single-threaded, over the same inputs and batch size
DeepProv uses, so the two can be compared side by side in one benchmark run.

usage: ort_forward_time.py MODEL.onnx INPUTS --count N --batch B --repeats R
INPUTS: IDX images (.gz; bytes mapped to [-1, 1]) or a float32 .npy used as is
prints one JSON line: {"seconds": best total forward time over R repeats, "inputs": N}
"""
import argparse
import gzip
import json
import time

import numpy as np
import onnxruntime as ort


def load_idx_images(path: str, count: int) -> np.ndarray:
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    pixels = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    return pixels[:count].astype(np.float32) / 255.0 * 2.0 - 1.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("images")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    model_input = session.get_inputs()[0]
    sample_shape = [d if isinstance(d, int) else -1 for d in model_input.shape[1:]]
    if args.images.endswith(".npy"):
        loaded = np.load(args.images)[: args.count].astype(np.float32)
    else:
        loaded = load_idx_images(args.images, args.count)
    inputs = loaded.reshape([args.count] + [d for d in sample_shape])

    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        for first in range(0, args.count, args.batch):
            session.run(None, {model_input.name: inputs[first : first + args.batch]})
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best, "inputs": args.count}))


if __name__ == "__main__":
    main()
