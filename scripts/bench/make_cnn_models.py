"""Builds the models and inputs of scripts/bench-cnn with onnx.helper (no PyTorch):

- small_cnn.onnx: input [N, 3, 32, 32] → Conv 16 (3×3, pad 1) + Relu → MaxPool 2 → Conv 32 + Relu
  → MaxPool 2 → Flatten → Gemm 64 + Relu → Gemm 10.
- resnet18.onnx: torchvision's ResNet-18 adapted to 3×32×32 (as in CIFAR-10 work): a 3×3 stem
  conv (64, stride 1, no max pool) + BatchNormalization + Relu, four stages of two BasicBlocks
  (64, 128, 256, 512 channels; the first block of stages 2–4 has stride 2 and a 1×1 stride-2
  conv + BatchNormalization shortcut), Add then Relu closing each block, GlobalAveragePool,
  Flatten, Gemm 10. Convolutions have no bias, as torchvision's.
- inputs.npy (float32 [count, 3, 32, 32], uniform in [-1, 1]) and labels.npy (int64).

Weights are seeded random (He-scaled; BN statistics near identity) — timing does not depend on them.
usage: make_cnn_models.py --out DIR --count N [--seed S]
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from make_models import cnn_graph, he  # noqa: E402  (the fixtures' He init and CNN shape)


def small_cnn(rng: np.random.Generator) -> onnx.GraphProto:
    return cnn_graph(rng, channels=3, size=32, widths=(16, 32), name="small_cnn")


class ResNetBuilder:
    """Appends nodes and initializers of a torchvision-shaped ResNet-18 graph."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.nodes = []
        self.initializers = []

    def parameter(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(value.astype(np.float32), name))
        return name

    def conv_bn(self, name: str, source: str, channels_in: int, channels_out: int, kernel: int, stride: int) -> str:
        weight = self.parameter(f"{name}.weight", he(self.rng, channels_in * kernel * kernel, (channels_out, channels_in, kernel, kernel)))
        pad = kernel // 2
        self.nodes.append(helper.make_node(
            "Conv", [source, weight], [name], name=name,
            kernel_shape=[kernel, kernel], strides=[stride, stride], pads=[pad] * 4))
        bn = name.replace("conv", "bn").replace("downsample.0", "downsample.1")
        scale = self.parameter(f"{bn}.weight", 1 + 0.1 * self.rng.standard_normal(channels_out))
        bias = self.parameter(f"{bn}.bias", 0.1 * self.rng.standard_normal(channels_out))
        mean = self.parameter(f"{bn}.running_mean", 0.1 * self.rng.standard_normal(channels_out))
        variance = self.parameter(f"{bn}.running_var", 1 + 0.1 * np.abs(self.rng.standard_normal(channels_out)))
        self.nodes.append(helper.make_node(
            "BatchNormalization", [name, scale, bias, mean, variance], [bn], name=bn, epsilon=1e-5))
        return bn

    def relu(self, name: str, source: str) -> str:
        self.nodes.append(helper.make_node("Relu", [source], [name], name=name))
        return name

    def basic_block(self, name: str, source: str, channels_in: int, channels_out: int, stride: int) -> str:
        branch = self.relu(f"{name}.relu1", self.conv_bn(f"{name}.conv1", source, channels_in, channels_out, 3, stride))
        branch = self.conv_bn(f"{name}.conv2", branch, channels_out, channels_out, 3, 1)
        shortcut = source
        if stride != 1 or channels_in != channels_out:
            shortcut = self.conv_bn(f"{name}.downsample.0", source, channels_in, channels_out, 1, stride)
        self.nodes.append(helper.make_node("Add", [branch, shortcut], [f"{name}.add"], name=f"{name}.add"))
        return self.relu(f"{name}.relu2", f"{name}.add")

    def graph(self) -> onnx.GraphProto:
        value = self.relu("relu", self.conv_bn("conv1", "input", 3, 64, 3, 1))
        channels = 64
        for stage, width in enumerate([64, 128, 256, 512], start=1):
            for block in range(2):
                stride = 2 if stage > 1 and block == 0 else 1
                value = self.basic_block(f"layer{stage}.{block}", value, channels, width, stride)
                channels = width
        self.nodes.append(helper.make_node("GlobalAveragePool", [value], ["avgpool"], name="avgpool"))
        self.nodes.append(helper.make_node("Flatten", ["avgpool"], ["flatten"], name="flatten", axis=1))
        weight = self.parameter("fc.weight", he(self.rng, 512, (10, 512)))
        bias = self.parameter("fc.bias", 0.01 * self.rng.standard_normal(10))
        self.nodes.append(helper.make_node("Gemm", ["flatten", weight, bias], ["logits"], name="fc", transB=1))
        return helper.make_graph(
            self.nodes, "resnet18",
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 32, 32])],
            [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
            self.initializers)


def save(graph: onnx.GraphProto, path: str) -> None:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    save(small_cnn(np.random.default_rng(args.seed)), os.path.join(args.out, "small_cnn.onnx"))
    save(ResNetBuilder(np.random.default_rng(args.seed + 1)).graph(), os.path.join(args.out, "resnet18.onnx"))
    rng = np.random.default_rng(args.seed + 2)
    inputs = rng.uniform(-1, 1, (args.count, 3, 32, 32)).astype(np.float32)
    np.save(os.path.join(args.out, "inputs.npy"), inputs)
    np.save(os.path.join(args.out, "labels.npy"), rng.integers(0, 10, args.count).astype(np.int64))
    print(f"wrote small_cnn.onnx, resnet18.onnx and {args.count} inputs to {args.out} (seed {args.seed})")


if __name__ == "__main__":
    main()
