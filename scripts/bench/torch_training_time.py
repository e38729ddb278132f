"""Times PyTorch (CPU) on the same work DeepProv's training benchmark does: one epoch of Adam
on the Fashion-MNIST MLP 784-350-50-10 (batch 128, 60,000 images scaled to [-1, 1]), and FGSM
at ε = 0.1 over the 10,000 test images (batch 128).

usage: torch_training_time.py --threads T
prints one JSON line: {"epoch_seconds": ..., "fgsm_seconds": ...}
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch

DATA = "/usr/share/datasets/fashion-mnist"


def load(name: str, offset: int) -> np.ndarray:
    with gzip.open(f"{DATA}/{name}", "rb") as handle:
        return np.frombuffer(handle.read(), dtype=np.uint8, offset=offset)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x = torch.tensor(load("train-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32) / 255 * 2 - 1)
    y = torch.tensor(load("train-labels-idx1-ubyte.gz", 8).astype(np.int64))
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 350), torch.nn.ReLU(), torch.nn.Linear(350, 50), torch.nn.ReLU(), torch.nn.Linear(50, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_function = torch.nn.CrossEntropyLoss()
    started = time.perf_counter()
    order = torch.randperm(len(x))
    for start in range(0, len(x), 128):
        index = order[start : start + 128]
        optimizer.zero_grad()
        loss_function(model(x[index]), y[index]).backward()
        optimizer.step()
    epoch_seconds = time.perf_counter() - started

    test_x = torch.tensor(load("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32) / 255 * 2 - 1)
    test_y = torch.tensor(load("t10k-labels-idx1-ubyte.gz", 8).astype(np.int64))
    started = time.perf_counter()
    for start in range(0, len(test_x), 128):
        batch = test_x[start : start + 128].clone().requires_grad_(True)
        loss_function(model(batch), test_y[start : start + 128]).backward()
        (batch + 0.1 * batch.grad.sign()).clamp(-1, 1)
    fgsm_seconds = time.perf_counter() - started
    print(json.dumps({"epoch_seconds": epoch_seconds, "fgsm_seconds": fgsm_seconds}))


if __name__ == "__main__":
    main()
