"""Writes tiny_cnn.onnx, the small CNN the onnx-to-graph lit tests import.

Run with the repository's venv: `.venv/bin/python lit/onnx-to-graph/Inputs/gen_tiny_cnn.py`.
Weights are fixed small patterns, so the file is deterministic.
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def const(name, shape):
    n = int(np.prod(shape))
    data = (np.arange(n, dtype=np.float32) % 7 - 3) / 8
    return numpy_helper.from_array(data.reshape(shape).astype(np.float32), name)


inits = [
    const("c1.w", (4, 3, 3, 3)),
    const("c1.b", (4,)),
    const("c2.w", (4, 2, 3, 3)),
    const("bn.scale", (4,)),
    const("bn.bias", (4,)),
    const("bn.mean", (4,)),
    numpy_helper.from_array(np.full((4,), 1.5, np.float32), "bn.var"),
    const("fc.w", (4, 5)),
    const("fc.b", (5,)),
]
nodes = [
    helper.make_node("Conv", ["x", "c1.w", "c1.b"], ["c1"], name="conv1",
                     kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
    helper.make_node("Conv", ["r1", "c2.w"], ["c2"], name="conv2", group=2,
                     auto_pad="SAME_UPPER", strides=[2, 2]),
    helper.make_node("BatchNormalization",
                     ["c2", "bn.scale", "bn.bias", "bn.mean", "bn.var"], ["bn"],
                     name="bn", epsilon=1e-3),
    helper.make_node("Relu", ["bn"], ["r2"], name="relu2"),
    helper.make_node("MaxPool", ["r2"], ["p1"], name="pool1", kernel_shape=[2, 2],
                     strides=[2, 2], ceil_mode=1),
    helper.make_node("AveragePool", ["p1"], ["p2"], name="pool2", kernel_shape=[3, 3],
                     pads=[1, 1, 1, 1], count_include_pad=1),
    helper.make_node("GlobalAveragePool", ["p2"], ["g"], name="gap"),
    helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
    helper.make_node("Gemm", ["f", "fc.w", "fc.b"], ["fc"], name="fc", alpha=0.5,
                     beta=2.0),
    helper.make_node("Softmax", ["fc"], ["y"], name="softmax", axis=1),
]
graph = helper.make_graph(
    nodes, "tiny_cnn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 9, 9])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_cnn.onnx"))

# Reference input and output (onnxruntime) for the Rust numerics test.
here = os.path.dirname(os.path.abspath(__file__))
x = ((np.arange(243) * 37 % 17).astype(np.float32) - 8) / 8
x = x.reshape(1, 3, 9, 9).astype(np.float32)
np.save(os.path.join(here, "tiny_cnn.input.npy"), x)
try:
    import onnxruntime as ort
except ImportError:
    ort = None
if ort is not None:
    sess = ort.InferenceSession(os.path.join(here, "tiny_cnn.onnx"),
                                providers=["CPUExecutionProvider"])
    np.save(os.path.join(here, "tiny_cnn.output.npy"), sess.run(None, {"x": x})[0])
