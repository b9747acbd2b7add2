#!/usr/bin/env python3
"""Generates whole-size ONNX models for dlc, with seeded inputs and
onnxruntime reference outputs (issue 4, item 4).

Models (written to test-suite/models/, or --out; all gitignored there):
  resnet50.onnx          ResNet-50 v1.5 (stride 2 in the bottleneck's 3x3
                         conv), input `input` 1x3x224x224, Conv (no bias) +
                         BatchNormalization + Relu as separate nodes, MaxPool,
                         Add residuals, GlobalAveragePool, Flatten, Gemm (1000)
  resnet50_dyn.onnx      the same graph and weights, batch dim `batch` symbolic
  mobilenetv2.onnx       MobileNetV2 (width 1.0, 224x224, batch 1): inverted
                         residuals with depthwise Conv (group = channels),
                         Clip(0, 6) as ReLU6 (min/max as inputs),
                         BatchNormalization, Add, GlobalAveragePool, Flatten,
                         Gemm (1000); no Dropout (inference)
  mobilenetv2_dyn.onnx   the same, batch dim `batch` symbolic
  bert_layer.onnx        one BERT-base encoder layer (hidden 768, 12 heads,
                         FFN 3072) on `hidden_states` [batch, seq, 768] with
                         `batch` and `seq` symbolic: MatMul+Add projections,
                         Reshape [0, 0, 12, 64], Transpose, MatMul, Div by
                         sqrt(64), Softmax(-1), MatMul, Transpose, Reshape
                         [0, 0, 768], residual Add, LayerNormalization
                         (epsilon 1e-12), Gelu as x * 0.5 * (1 + Erf(x /
                         sqrt(2))) in torch's export order (Div, Erf, Add,
                         Mul, Mul). No attention mask input.
  bert_layer_s128.onnx   the same layer and weights with batch 1, seq 128 fixed

Inputs and references, next to each model:
  <model>.b<batch>[.s<seq>].input.npy / .output.npy
for batch 1 and 4 (image models with a symbolic batch; the static ones only
at batch 1), and for BERT: batch 1 at seq 16, 128, 384 and batch 4 at seq
128 (bert_layer_s128: only b1.s128). Each model has one input and one output.

Weights: numpy's seeded generator (He-style normal for convolutions,
1/sqrt(fan_in) for the linear layers, BN statistics with var in [0.5, 1.5]),
all initializers in raw_data; opset 17, IR version 8 (onnxruntime 1.31
reads IR <= 13). Inputs are seeded per file name: standard normal for BERT,
image-like noise (see image()) for the image models.
"""

import argparse
import os
import time
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

IR_VERSION = 8
OPSET = 17
HERE = os.path.dirname(os.path.abspath(__file__))
F32 = TensorProto.FLOAT


def make_model(graph):
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="dlc-gen-big-models",
    )
    model.ir_version = IR_VERSION
    return model


class Builder:
    """Collects nodes and initializers; names follow torch's export style."""

    def __init__(self, rng):
        self.rng = rng
        self.nodes = []
        self.inits = []

    def const(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def normal(self, name, shape, std):
        return self.const(name, (self.rng.standard_normal(shape) * std).astype(np.float32))

    def node(self, op, inputs, output, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [output], name=name, **attrs))
        return output

    # -- convolutional pieces ------------------------------------------------

    def conv(self, x, p, cin, cout, k, stride=1, group=1):
        """Conv without bias, He-normal weights (fan_in = cin/group * k * k)."""
        fan_in = cin // group * k * k
        w = self.normal(f"{p}.weight", [cout, cin // group, k, k], np.sqrt(2.0 / fan_in))
        pad = k // 2
        return self.node("Conv", [x, w], f"/{p}/Conv_output_0", f"/{p}/Conv",
                         kernel_shape=[k, k], strides=[stride, stride],
                         pads=[pad, pad, pad, pad], dilations=[1, 1], group=group)

    def bn(self, x, p, c, gamma=1.0):
        rng = self.rng
        s = self.const(f"{p}.weight", (gamma * (1.0 + 0.1 * rng.standard_normal(c))).astype(np.float32))
        b = self.const(f"{p}.bias", (0.1 * rng.standard_normal(c)).astype(np.float32))
        m = self.const(f"{p}.running_mean", (0.1 * rng.standard_normal(c)).astype(np.float32))
        v = self.const(f"{p}.running_var", (0.5 + rng.random(c)).astype(np.float32))
        return self.node("BatchNormalization", [x, s, b, m, v],
                         f"/{p}/BatchNormalization_output_0", f"/{p}/BatchNormalization",
                         epsilon=1e-5, momentum=0.9)

    def relu(self, x, p):
        return self.node("Relu", [x], f"/{p}/Relu_output_0", f"/{p}/Relu")

    def relu6(self, x, p):
        if "clip.min" not in {t.name for t in self.inits}:
            self.const("clip.min", np.array(0.0, dtype=np.float32))
            self.const("clip.max", np.array(6.0, dtype=np.float32))
        return self.node("Clip", [x, "clip.min", "clip.max"], f"/{p}/Clip_output_0", f"/{p}/Clip")

    def head(self, x, cin, classes=1000):
        x = self.node("GlobalAveragePool", [x], "/avgpool/GlobalAveragePool_output_0",
                      "/avgpool/GlobalAveragePool")
        x = self.node("Flatten", [x], "/Flatten_output_0", "/Flatten", axis=1)
        w = self.normal("fc.weight", [classes, cin], 1.0 / np.sqrt(cin))
        b = self.normal("fc.bias", [classes], 0.1)
        return self.node("Gemm", [x, w, b], "output", "/fc/Gemm", alpha=1.0, beta=1.0, transB=1)

    def graph(self, name, inp, in_shape, out_shape):
        return helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info(inp, F32, in_shape)],
            [helper.make_tensor_value_info("output", F32, out_shape)],
            self.inits)


def resnet50(seed, batch):
    b = Builder(np.random.default_rng(seed))
    x = b.conv("input", "conv1", 3, 64, 7, stride=2)
    x = b.bn(x, "bn1", 64)
    x = b.relu(x, "relu")
    x = b.node("MaxPool", [x], "/maxpool/MaxPool_output_0", "/maxpool/MaxPool",
               kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=0)
    cin = 64
    for li, (blocks, width, stride) in enumerate([(3, 64, 1), (4, 128, 2), (6, 256, 2), (3, 512, 2)]):
        for bi in range(blocks):
            p = f"layer{li + 1}.{bi}"
            s = stride if bi == 0 else 1
            cout = width * 4
            idn = x
            y = b.relu(b.bn(b.conv(x, f"{p}.conv1", cin, width, 1), f"{p}.bn1", width), f"{p}.relu")
            # v1.5: the stride sits in the 3x3 conv.
            y = b.relu(b.bn(b.conv(y, f"{p}.conv2", width, width, 3, stride=s), f"{p}.bn2", width),
                       f"{p}.relu_1")
            # A smaller gamma on the last BN of the residual branch keeps the
            # activations from growing over 16 residual adds.
            y = b.bn(b.conv(y, f"{p}.conv3", width, cout, 1), f"{p}.bn3", cout, gamma=0.5)
            if bi == 0:
                idn = b.bn(b.conv(x, f"{p}.downsample.0", cin, cout, 1, stride=s),
                           f"{p}.downsample.1", cout)
            y = b.node("Add", [y, idn], f"/{p}/Add_output_0", f"/{p}/Add")
            x = b.relu(y, f"{p}.relu_2")
            cin = cout
    b.head(x, cin)
    g = b.graph("resnet50", "input", [batch, 3, 224, 224], [batch, 1000])
    return make_model(g)


def mobilenetv2(seed, batch):
    b = Builder(np.random.default_rng(seed))
    x = b.relu6(b.bn(b.conv("input", "features.0.0", 3, 32, 3, stride=2), "features.0.1", 32),
                "features.0.2")
    cin = 32
    idx = 1
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                       (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = cin * t
            p = f"features.{idx}.conv"
            y, j = x, 0
            if t != 1:
                y = b.relu6(b.bn(b.conv(y, f"{p}.{j}.0", cin, hidden, 1), f"{p}.{j}.1", hidden),
                            f"{p}.{j}.2")
                j += 1
            # Depthwise 3x3: group = channels.
            y = b.relu6(b.bn(b.conv(y, f"{p}.{j}.0", hidden, hidden, 3, stride=stride, group=hidden),
                             f"{p}.{j}.1", hidden), f"{p}.{j}.2")
            j += 1
            # Linear bottleneck (no activation); smaller gamma on residual blocks.
            res = stride == 1 and cin == c
            y = b.bn(b.conv(y, f"{p}.{j}", hidden, c, 1), f"{p}.{j + 1}", c, gamma=0.5 if res else 1.0)
            if res:
                y = b.node("Add", [x, y], f"/features.{idx}/Add_output_0", f"/features.{idx}/Add")
            x, cin = y, c
            idx += 1
    x = b.relu6(b.bn(b.conv(x, f"features.{idx}.0", cin, 1280, 1), f"features.{idx}.1", 1280),
                f"features.{idx}.2")
    b.head(x, 1280)
    g = b.graph("mobilenetv2", "input", [batch, 3, 224, 224], [batch, 1000])
    return make_model(g)


def bert_layer(seed, batch, seq, hidden=768, heads=12, ffn=3072):
    b = Builder(np.random.default_rng(seed))
    dh = hidden // heads
    p = "encoder.layer.0"

    def linear(x, name, cin, cout):
        # torch exports nn.Linear on a 3-D input as MatMul by W^T, then Add.
        w = b.normal(f"onnx::MatMul_{name}", [cin, cout], 1.0 / np.sqrt(cin))
        bias = b.normal(f"{name}.bias", [cout], 0.1)
        y = b.node("MatMul", [x, w], f"/{name}/MatMul_output_0", f"/{name}/MatMul")
        return b.node("Add", [bias, y], f"/{name}/Add_output_0", f"/{name}/Add")

    def layer_norm(x, name):
        s = b.const(f"{name}.weight", (1.0 + 0.1 * b.rng.standard_normal(hidden)).astype(np.float32))
        bias = b.const(f"{name}.bias", (0.1 * b.rng.standard_normal(hidden)).astype(np.float32))
        return b.node("LayerNormalization", [x, s, bias], f"/{name}/LayerNormalization_output_0",
                      f"/{name}/LayerNormalization", axis=-1, epsilon=1e-12)

    heads_shape = b.const("heads_shape", np.array([0, 0, heads, dh], dtype=np.int64))
    merge_shape = b.const("merge_shape", np.array([0, 0, hidden], dtype=np.int64))
    x = "hidden_states"
    a = f"{p}.attention.self"
    q = linear(x, f"{a}.query", hidden, hidden)
    k = linear(x, f"{a}.key", hidden, hidden)
    v = linear(x, f"{a}.value", hidden, hidden)
    q = b.node("Reshape", [q, heads_shape], f"/{a}/Reshape_output_0", f"/{a}/Reshape")
    q = b.node("Transpose", [q], f"/{a}/Transpose_output_0", f"/{a}/Transpose", perm=[0, 2, 1, 3])
    k = b.node("Reshape", [k, heads_shape], f"/{a}/Reshape_1_output_0", f"/{a}/Reshape_1")
    k = b.node("Transpose", [k], f"/{a}/Transpose_1_output_0", f"/{a}/Transpose_1", perm=[0, 2, 3, 1])
    v = b.node("Reshape", [v, heads_shape], f"/{a}/Reshape_2_output_0", f"/{a}/Reshape_2")
    v = b.node("Transpose", [v], f"/{a}/Transpose_2_output_0", f"/{a}/Transpose_2", perm=[0, 2, 1, 3])
    sc = b.node("MatMul", [q, k], f"/{a}/MatMul_output_0", f"/{a}/MatMul")
    sqrt_dh = b.const("sqrt_head_dim", np.array(np.sqrt(dh), dtype=np.float32))
    sc = b.node("Div", [sc, sqrt_dh], f"/{a}/Div_output_0", f"/{a}/Div")
    pr = b.node("Softmax", [sc], f"/{a}/Softmax_output_0", f"/{a}/Softmax", axis=-1)
    ctx = b.node("MatMul", [pr, v], f"/{a}/MatMul_1_output_0", f"/{a}/MatMul_1")
    ctx = b.node("Transpose", [ctx], f"/{a}/Transpose_3_output_0", f"/{a}/Transpose_3", perm=[0, 2, 1, 3])
    ctx = b.node("Reshape", [ctx, merge_shape], f"/{a}/Reshape_3_output_0", f"/{a}/Reshape_3")
    o = f"{p}.attention.output"
    y = linear(ctx, f"{o}.dense", hidden, hidden)
    y = b.node("Add", [y, x], f"/{o}/Add_1_output_0", f"/{o}/Add_1")
    att = layer_norm(y, f"{o}.LayerNorm")
    i = f"{p}.intermediate"
    h = linear(att, f"{i}.dense", hidden, ffn)
    sqrt2 = b.const("sqrt2", np.array(np.sqrt(2.0), dtype=np.float32))
    one = b.const("one", np.array(1.0, dtype=np.float32))
    half = b.const("half", np.array(0.5, dtype=np.float32))
    g = b.node("Div", [h, sqrt2], f"/{i}/intermediate_act_fn/Div_output_0", f"/{i}/intermediate_act_fn/Div")
    g = b.node("Erf", [g], f"/{i}/intermediate_act_fn/Erf_output_0", f"/{i}/intermediate_act_fn/Erf")
    g = b.node("Add", [g, one], f"/{i}/intermediate_act_fn/Add_output_0", f"/{i}/intermediate_act_fn/Add")
    g = b.node("Mul", [h, g], f"/{i}/intermediate_act_fn/Mul_output_0", f"/{i}/intermediate_act_fn/Mul")
    g = b.node("Mul", [g, half], f"/{i}/intermediate_act_fn/Mul_1_output_0", f"/{i}/intermediate_act_fn/Mul_1")
    o2 = f"{p}.output"
    y = linear(g, f"{o2}.dense", ffn, hidden)
    y = b.node("Add", [y, att], f"/{o2}/Add_1_output_0", f"/{o2}/Add_1")
    out = layer_norm(y, f"{o2}.LayerNorm")
    b.nodes[-1].output[0] = "output"
    del out
    gr = helper.make_graph(
        b.nodes, "bert_layer",
        [helper.make_tensor_value_info("hidden_states", F32, [batch, seq, hidden])],
        [helper.make_tensor_value_info("output", F32, [batch, seq, hidden])],
        b.inits)
    return make_model(gr)


# Weight seeds per model family (static and dynamic variants share them).
SEEDS = {"resnet50": 50, "mobilenetv2": 2, "bert_layer": 768}


def specs():
    """(file stem, builder of seed, list of (batch, seq)) for every model."""
    return [
        ("resnet50", lambda s: resnet50(s, 1), [(1, None)]),
        ("resnet50_dyn", lambda s: resnet50(s, "batch"), [(1, None), (4, None)]),
        ("mobilenetv2", lambda s: mobilenetv2(s, 1), [(1, None)]),
        ("mobilenetv2_dyn", lambda s: mobilenetv2(s, "batch"), [(1, None), (4, None)]),
        ("bert_layer", lambda s: bert_layer(s, "batch", "seq"),
         [(1, 16), (1, 128), (1, 384), (4, 128)]),
        ("bert_layer_s128", lambda s: bert_layer(s, 1, 128), [(1, 128)]),
    ]


def seed_key(stem):
    return stem.split("_dyn")[0].split("_s128")[0]


def case_name(stem, batch, seq):
    return f"{stem}.b{batch}" + (f".s{seq}" if seq is not None else "")


def cases():
    """Every (stem, batch, seq) with its file names, for run_big.py."""
    return [(stem, bt, sq, case_name(stem, bt, sq)) for stem, _, shapes in specs() for bt, sq in shapes]


def image(rng, shape):
    """A seeded image-like input: blocky low-frequency noise (14x14 upsampled
    16x) + white noise + a per-sample, per-channel offset. With i.i.d. noise
    alone, a random ResNet's logits barely depend on the input (every noise
    image has the same statistics); this makes the samples differ more."""
    n, c, h, w = shape
    lo = rng.standard_normal((n, c, h // 16, w // 16))
    x = np.kron(lo, np.ones((1, 1, 16, 16))) + 0.5 * rng.standard_normal(shape)
    x += 0.5 * rng.standard_normal((n, c, 1, 1))
    return x.astype(np.float32)


def write(out_dir, stem, model, shapes, seed):
    import onnxruntime as ort

    t0 = time.time()
    onnx.checker.check_model(model)  # < 2 GB, so the in-memory check works
    path = os.path.join(out_dir, f"{stem}.onnx")
    onnx.save(model, path)
    so = ort.SessionOptions()
    so.log_severity_level = 3
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    in_name = sess.get_inputs()[0].name
    for bt, sq in shapes:
        name = case_name(stem, bt, sq)
        shape = (bt, sq, 768) if sq is not None else (bt, 3, 224, 224)
        rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
        x = image(rng, shape) if sq is None else rng.standard_normal(shape).astype(np.float32)
        y = sess.run(None, {in_name: x})[0]
        if not np.all(np.isfinite(y)):
            raise SystemExit(f"{name}: non-finite reference output")
        np.save(os.path.join(out_dir, f"{name}.input.npy"), x)
        np.save(os.path.join(out_dir, f"{name}.output.npy"), y)
        print(f"  {name}: input {x.shape}, output {y.shape}, max|y| {np.abs(y).max():.3g}, "
              f"std {y.std():.3g}", flush=True)
    print(f"wrote {path} ({os.path.getsize(path) / 2**20:.1f} MiB, {len(model.graph.node)} nodes, "
          f"{len(model.graph.initializer)} initializers) in {time.time() - t0:.1f}s", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=HERE, help="output folder (default: this folder)")
    ap.add_argument("--seed", type=int, default=0, help="added to each model's fixed seed")
    ap.add_argument("--only", nargs="*", help="model stems to write (default: all)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    for stem, build, shapes in specs():
        if args.only and stem not in args.only:
            continue
        seed = SEEDS[seed_key(stem)] + args.seed
        # Static and dynamic variants share their weights (same seed, same
        # construction order).
        write(args.out, stem, build(seed), shapes, seed)
    print(f"total {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
