#!/usr/bin/env python3
"""Generates the ONNX models dlc is tested on, with reference outputs.

Whole models (written to test-suite/models/, or --out):
  mlp.onnx  784-512-512-10, batch 64: Gemm+Relu, Gemm+Relu, Gemm, Softmax
  cnn.onnx  2 x (Conv+BatchNormalization+Relu+MaxPool), GlobalAveragePool,
            Flatten, Gemm, Softmax on a 1x3x32x32 input
each with <name>.input.npy (seeded) and <name>.output.npy (onnxruntime).

Tiny models for lit (written to lit/onnx/Inputs/, a few KB each):
  add_relu.onnx        Add + Relu on two inputs
  unsupported.onnx     a graph using operators dlc does not support
  external_data.onnx   an initializer stored in external_data.bin
  escape_data.onnx     an external data path that leaves the model's folder
  unsorted.onnx        nodes not in topological order, with a dynamic dim
  typed_data.onnx      initializers of every data type in the typed fields

Weights come from numpy's seeded generator; models use IR version 8 so
onnxruntime 1.31 (IR <= 13) reads them.
"""

import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

IR_VERSION = 8
OPSET = 13
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def make_model(graph, opset=OPSET):
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", opset)],
        producer_name="dlc-gen-models",
    )
    model.ir_version = IR_VERSION
    return model


def init(rng, name, shape, scale=None):
    fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else shape[0]
    scale = scale if scale is not None else 1.0 / np.sqrt(max(fan_in, 1))
    arr = (rng.standard_normal(shape) * scale).astype(np.float32)
    return numpy_helper.from_array(arr, name)


def mlp(rng):
    sizes = [784, 512, 512, 10]
    batch = 64
    nodes, inits = [], []
    prev = "input"
    for i in range(3):
        w, b = f"fc{i}.weight", f"fc{i}.bias"
        # Gemm with transB=1, like PyTorch's Linear export.
        inits.append(init(rng, w, [sizes[i + 1], sizes[i]]))
        inits.append(init(rng, b, [sizes[i + 1]], 0.1))
        out = f"fc{i}"
        nodes.append(helper.make_node("Gemm", [prev, w, b], [out], name=f"/fc{i}/Gemm", transB=1))
        prev = out
        if i < 2:
            nodes.append(helper.make_node("Relu", [prev], [f"relu{i}"], name=f"/relu{i}/Relu"))
            prev = f"relu{i}"
    nodes.append(helper.make_node("Softmax", [prev], ["output"], name="/softmax/Softmax", axis=-1))
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [batch, 784])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [batch, 10])],
        inits,
    )
    return make_model(graph), {"input": rng.standard_normal((batch, 784)).astype(np.float32)}


def cnn(rng, batch=1):
    """The CNN; `batch` may be a name (a dimension known at run time)."""
    nodes, inits = [], []
    prev, ch = "input", 3
    for blk, out_ch in enumerate([8, 16]):
        p = f"block{blk}"
        inits.append(init(rng, f"{p}.conv.weight", [out_ch, ch, 3, 3]))
        inits.append(init(rng, f"{p}.conv.bias", [out_ch], 0.1))
        nodes.append(helper.make_node(
            "Conv", [prev, f"{p}.conv.weight", f"{p}.conv.bias"], [f"{p}.conv"],
            name=f"/{p}/conv/Conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]))
        inits.append(numpy_helper.from_array(
            (1.0 + 0.1 * rng.standard_normal(out_ch)).astype(np.float32), f"{p}.bn.scale"))
        inits.append(numpy_helper.from_array(
            (0.1 * rng.standard_normal(out_ch)).astype(np.float32), f"{p}.bn.bias"))
        inits.append(numpy_helper.from_array(
            (0.1 * rng.standard_normal(out_ch)).astype(np.float32), f"{p}.bn.mean"))
        inits.append(numpy_helper.from_array(
            (1.0 + 0.1 * rng.random(out_ch)).astype(np.float32), f"{p}.bn.var"))
        nodes.append(helper.make_node(
            "BatchNormalization",
            [f"{p}.conv", f"{p}.bn.scale", f"{p}.bn.bias", f"{p}.bn.mean", f"{p}.bn.var"],
            [f"{p}.bn"], name=f"/{p}/bn/BatchNormalization", epsilon=1e-5))
        nodes.append(helper.make_node("Relu", [f"{p}.bn"], [f"{p}.relu"], name=f"/{p}/relu/Relu"))
        nodes.append(helper.make_node(
            "MaxPool", [f"{p}.relu"], [f"{p}.pool"], name=f"/{p}/pool/MaxPool",
            kernel_shape=[2, 2], strides=[2, 2]))
        prev, ch = f"{p}.pool", out_ch
    nodes.append(helper.make_node("GlobalAveragePool", [prev], ["gap"], name="/gap/GlobalAveragePool"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], name="/flatten/Flatten", axis=1))
    inits.append(init(rng, "fc.weight", [10, ch]))
    inits.append(init(rng, "fc.bias", [10], 0.1))
    nodes.append(helper.make_node("Gemm", ["flat", "fc.weight", "fc.bias"], ["logits"],
                                  name="/fc/Gemm", transB=1))
    nodes.append(helper.make_node("Softmax", ["logits"], ["output"], name="/softmax/Softmax", axis=1))
    graph = helper.make_graph(
        nodes,
        "cnn",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [batch, 3, 32, 32])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [batch, 10])],
        inits,
    )
    n = batch if isinstance(batch, int) else 1
    return make_model(graph), {"input": rng.standard_normal((n, 3, 32, 32)).astype(np.float32)}


def write_whole(out_dir, name, model, feeds):
    import onnxruntime as ort

    onnx.checker.check_model(model)
    path = os.path.join(out_dir, f"{name}.onnx")
    onnx.save(model, path)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    outs = sess.run(None, feeds)
    for k, v in feeds.items():
        np.save(os.path.join(out_dir, f"{name}.{k}.npy"), v)
    np.save(os.path.join(out_dir, f"{name}.output.npy"), outs[0])
    print(f"wrote {path} ({os.path.getsize(path)} bytes), output {outs[0].shape}")


def tiny_models(inputs_dir):
    os.makedirs(inputs_dir, exist_ok=True)
    f = TensorProto.FLOAT
    # Add + Relu.
    g = helper.make_graph(
        [helper.make_node("Add", ["x", "y"], ["sum"], name="add0"),
         helper.make_node("Relu", ["sum"], ["out"], name="relu0")],
        "add_relu",
        [helper.make_tensor_value_info("x", f, [2, 3]),
         helper.make_tensor_value_info("y", f, [3])],
        [helper.make_tensor_value_info("out", f, [2, 3])],
    )
    onnx.save(make_model(g), os.path.join(inputs_dir, "add_relu.onnx"))
    # Unsupported operators (two of them, plus a supported one between):
    # Unique (data-dependent output shape) and StringNormalizer (strings).
    g = helper.make_graph(
        [helper.make_node("Unique", ["x"], ["e"], name="uniq0"),
         helper.make_node("Relu", ["e"], ["r"], name="relu0"),
         helper.make_node("StringNormalizer", ["r"], ["out"], name="strnorm0")],
        "unsupported",
        [helper.make_tensor_value_info("x", f, [4]), helper.make_tensor_value_info("s", f, [4])],
        [helper.make_tensor_value_info("out", f, [4])],
    )
    onnx.save(make_model(g, opset=17), os.path.join(inputs_dir, "unsupported.onnx"))
    # Control flow the importer inlines: an If on a run-time condition
    # (both branches, then Where), an If whose condition folds at import
    # (Size(x) == 6: only the taken branch), and a Scan (unrolled).
    b = TensorProto.BOOL
    i64 = TensorProto.INT64
    then_rt = helper.make_graph([helper.make_node("Abs", ["x"], ["t_out"])], "then_rt", [],
                                [helper.make_tensor_value_info("t_out", f, [3, 2])])
    else_rt = helper.make_graph([helper.make_node("Neg", ["x"], ["e_out"])], "else_rt", [],
                                [helper.make_tensor_value_info("e_out", f, [3, 2])])
    then_k = helper.make_graph([helper.make_node("Relu", ["x"], ["k_then"])], "then_k", [],
                               [helper.make_tensor_value_info("k_then", f, [3, 2])])
    else_k = helper.make_graph([helper.make_node("Sigmoid", ["x"], ["k_else"])], "else_k", [],
                               [helper.make_tensor_value_info("k_else", f, [3, 2])])
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "row"], ["s_out"]),
         helper.make_node("Identity", ["s_out"], ["scan_out"])],
        "scan_body",
        [helper.make_tensor_value_info("s_in", f, [2]), helper.make_tensor_value_info("row", f, [2])],
        [helper.make_tensor_value_info("s_out", f, [2]), helper.make_tensor_value_info("scan_out", f, [2])],
    )
    g = helper.make_graph(
        [helper.make_node("If", ["c"], ["out1"], name="if_rt", then_branch=then_rt, else_branch=else_rt),
         helper.make_node("Size", ["x"], ["sz"], name="size0"),
         helper.make_node("Constant", [], ["six"], name="six",
                          value=numpy_helper.from_array(np.array(6, dtype=np.int64))),
         helper.make_node("Equal", ["sz", "six"], ["known"], name="eq0"),
         helper.make_node("If", ["known"], ["out2"], name="if_known", then_branch=then_k,
                          else_branch=else_k),
         helper.make_node("Constant", [], ["init"], name="init",
                          value=numpy_helper.from_array(np.zeros(2, dtype=np.float32))),
         helper.make_node("Scan", ["init", "x"], ["total", "rows"], name="scan0", body=body,
                          num_scan_inputs=1)],
        "control_flow",
        [helper.make_tensor_value_info("x", f, [3, 2]), helper.make_tensor_value_info("c", b, [])],
        [helper.make_tensor_value_info("out1", f, [3, 2]), helper.make_tensor_value_info("out2", f, [3, 2]),
         helper.make_tensor_value_info("total", f, [2]), helper.make_tensor_value_info("rows", f, [3, 2])],
    )
    del i64
    onnx.save(make_model(g, opset=17), os.path.join(inputs_dir, "control_flow.onnx"))
    # A Loop whose trip count is an input: dl-run knows it before compiling
    # and unrolls the loop at import; s grows by x each step, every step's
    # s is a scan output.
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "x"], ["s_out"]),
         helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Identity", ["s_out"], ["step"])],
        "loop_body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", b, []),
         helper.make_tensor_value_info("s_in", f, [2])],
        [helper.make_tensor_value_info("cond_out", b, []),
         helper.make_tensor_value_info("s_out", f, [2]),
         helper.make_tensor_value_info("step", f, [2])],
    )
    g = helper.make_graph(
        [helper.make_node("Loop", ["n", "", "x"], ["s", "steps"], name="loop0", body=body)],
        "loop",
        [helper.make_tensor_value_info("n", TensorProto.INT64, []),
         helper.make_tensor_value_info("x", f, [2])],
        [helper.make_tensor_value_info("s", f, [2]), helper.make_tensor_value_info("steps", f, None)],
    )
    onnx.save(make_model(g, opset=17), os.path.join(inputs_dir, "loop.onnx"))
    np.save(os.path.join(inputs_dir, "loop.n.npy"), np.array(3, dtype=np.int64))
    np.save(os.path.join(inputs_dir, "loop.x.npy"), np.array([1.0, 2.0], dtype=np.float32))
    # External data: a 4x8 weight in external_data.bin at offset 16.
    w = np.arange(32, dtype=np.float32).reshape(4, 8) / 8
    t = numpy_helper.from_array(w, "w")
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    for k, v in [("location", "external_data.bin"), ("offset", "16"), ("length", str(w.nbytes))]:
        e = t.external_data.add()
        e.key, e.value = k, v
    with open(os.path.join(inputs_dir, "external_data.bin"), "wb") as fh:
        fh.write(b"\0" * 16 + w.tobytes())
    g = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["out"], name="mm0")],
        "external",
        [helper.make_tensor_value_info("x", f, ["batch", 4])],
        [helper.make_tensor_value_info("out", f, ["batch", 8])],
        [t],
    )
    onnx.save(make_model(g), os.path.join(inputs_dir, "external_data.onnx"))
    t2 = onnx.TensorProto()
    t2.CopyFrom(t)
    t2.external_data[0].value = "../../secret.bin"
    g = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["out"], name="mm0")],
        "escape",
        [helper.make_tensor_value_info("x", f, [1, 4])],
        [helper.make_tensor_value_info("out", f, [1, 8])],
        [t2],
    )
    onnx.save(make_model(g), os.path.join(inputs_dir, "escape_data.onnx"))
    # Nodes out of order, a dynamic dim, a Reshape with 0 and -1 and a
    # Transpose.
    shape = numpy_helper.from_array(np.array([0, -1], dtype=np.int64), "shape")
    g = helper.make_graph(
        [helper.make_node("Transpose", ["r"], ["out"], name="transpose0", perm=[1, 0]),
         helper.make_node("Reshape", ["x", "shape"], ["r"], name="reshape0")],
        "unsorted",
        [helper.make_tensor_value_info("x", f, ["n", 3, 4])],
        [helper.make_tensor_value_info("out", f, [12, "n"])],
        [shape],
    )
    onnx.save(make_model(g), os.path.join(inputs_dir, "unsorted.onnx"))
    # Initializers of every data type in the typed fields (float_data,
    # int32_data, int64_data, double_data, uint64_data), not raw_data.
    typed = [
        ("f32", TensorProto.FLOAT, [1.5, -2.0]),
        ("f64", TensorProto.DOUBLE, [1.5, -2.0]),
        ("f16", TensorProto.FLOAT16, [1.5, -2.0]),
        ("bf16", TensorProto.BFLOAT16, [1.5, -2.0]),
        ("i8", TensorProto.INT8, [-3, 4]),
        ("i16", TensorProto.INT16, [-3, 4]),
        ("i32", TensorProto.INT32, [-3, 4]),
        ("i64", TensorProto.INT64, [-3, 4]),
        ("u8", TensorProto.UINT8, [3, 250]),
        ("u16", TensorProto.UINT16, [3, 65000]),
        ("u32", TensorProto.UINT32, [3, 4000000000]),
        ("u64", TensorProto.UINT64, [3, 18000000000000000000]),
        ("b", TensorProto.BOOL, [True, False]),
    ]
    inits, nodes, outs = [], [], []
    for name, dt, vals in typed:
        inits.append(helper.make_tensor(name, dt, [2], vals, raw=False))
        nodes.append(helper.make_node("Identity", [name], [f"out_{name}"], name=f"id_{name}"))
        outs.append(helper.make_tensor_value_info(f"out_{name}", dt, [2]))
    g = helper.make_graph(nodes, "typed", [], outs, inits)
    onnx.save(make_model(g), os.path.join(inputs_dir, "typed_data.onnx"))
    print(f"wrote tiny models to {inputs_dir}")


def write_dynamic(out_dir, name, model, batches, rng):
    """A model with a run-time batch dimension, and an input and onnxruntime
    reference per batch size: NAME.bN.input.npy / NAME.bN.output.npy."""
    import onnxruntime as ort

    onnx.checker.check_model(model)
    path = os.path.join(out_dir, f"{name}.onnx")
    onnx.save(model, path)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    for n in batches:
        x = rng.standard_normal([n] + shape[1:]).astype(np.float32)
        out = sess.run(None, {model.graph.input[0].name: x})[0]
        np.save(os.path.join(out_dir, f"{name}.b{n}.input.npy"), x)
        np.save(os.path.join(out_dir, f"{name}.b{n}.output.npy"), out)
    print(f"wrote {path} ({os.path.getsize(path)} bytes), batches {batches}")


def write_detect(out_dir, rng):
    """A detection post-process whose output extents depend on the data:
    NonMaxSuppression over 50 boxes in 3 classes (at most 5 per class, IoU
    0.5, score 0.3) and the NonZero of scores > 0.9. Writes detect.onnx,
    its inputs (detect.boxes.npy, detect.scores.npy) and onnxruntime's
    outputs (detect.output_0.npy, detect.output_1.npy)."""
    import onnxruntime as ort

    n, c = 50, 3
    inits = [
        numpy_helper.from_array(np.array([5], np.int64), "max_out"),
        numpy_helper.from_array(np.array([0.5], np.float32), "iou"),
        numpy_helper.from_array(np.array([0.3], np.float32), "score"),
        numpy_helper.from_array(np.array(0.9, np.float32), "high"),
    ]
    nodes = [
        helper.make_node("NonMaxSuppression", ["boxes", "scores", "max_out", "iou", "score"],
                         ["selected"]),
        helper.make_node("Greater", ["scores", "high"], ["is_high"]),
        helper.make_node("NonZero", ["is_high"], ["high_at"]),
    ]
    g = helper.make_graph(
        nodes, "detect",
        [helper.make_tensor_value_info("boxes", TensorProto.FLOAT, [1, n, 4]),
         helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, c, n])],
        [helper.make_tensor_value_info("selected", TensorProto.INT64, ["num_selected", 3]),
         helper.make_tensor_value_info("high_at", TensorProto.INT64, [3, "num_high"])],
        inits)
    model = make_model(g, opset=13)
    onnx.checker.check_model(model)
    path = os.path.join(out_dir, "detect.onnx")
    onnx.save(model, path)
    corner = rng.random((1, n, 2)).astype(np.float32) * 10
    size = rng.random((1, n, 2)).astype(np.float32) * 3
    boxes = np.ascontiguousarray(np.concatenate([corner, corner + size], axis=2)[:, :, [1, 0, 3, 2]])
    scores = rng.random((1, c, n)).astype(np.float32)
    feeds = {"boxes": boxes, "scores": scores}
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    outs = sess.run(None, feeds)
    np.save(os.path.join(out_dir, "detect.boxes.npy"), boxes)
    np.save(os.path.join(out_dir, "detect.scores.npy"), scores)
    for k, o in enumerate(outs):
        np.save(os.path.join(out_dir, f"detect.output_{k}.npy"), o)
    print(f"wrote {path}: outputs {[o.shape for o in outs]}")


# The batch sizes the run-time-batch CNN is checked at (one compiled library).
CNN_DYN_BATCHES = [1, 5]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=HERE, help="folder for the whole models")
    ap.add_argument("--lit-inputs", default=os.path.join(REPO, "lit", "onnx", "Inputs"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tiny-only", action="store_true")
    args = ap.parse_args()
    tiny_models(args.lit_inputs)
    if args.tiny_only:
        return
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    write_whole(args.out, "mlp", *mlp(rng))
    write_whole(args.out, "cnn", *cnn(rng))
    write_dynamic(args.out, "cnn_dyn", cnn(rng, "batch")[0], CNN_DYN_BATCHES, rng)
    write_detect(args.out, rng)


if __name__ == "__main__":
    main()
