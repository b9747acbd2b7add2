#!/usr/bin/env python3
"""Model benchmark: dlc's compiled libraries against onnxruntime on the CPU.

Models (--only picks by the first column; the `*` ones enter the geometric mean):
  mlp *          test-suite/models/mlp.onnx, 784-512-512-10 at batch 64 (gen_models.py)
  cnn            test-suite/models/cnn.onnx, 1x3x32x32 (gen_models.py)
  resnet50 *     ResNet-50 at 1x3x224x224 (gen_big_models.py: resnet50.onnx, or
                 resnet50_dyn.onnx at batch 1 if only that one is there)
  mobilenetv2 *  MobileNetV2 at 1x3x224x224 (likewise)
  bert *         the BERT-base layer, bert_layer.onnx (run-time batch and sequence
                 dimensions: the dynamic C ABI) at batch 1, sequence 128
  matmul         a 1024x1024 @ 1024x1024 MatMul whose right-hand side is an
                 initializer, generated (seeded) by this script into the scratch dir
Missing models are generated first, the way test-suite/run.py and run_big.py do
(the seeded inputs next to them are the inputs used here).

Per model: `dlc MODEL.onnx -o libMODEL.so` (wall-clock compile time), then, for
each T of --threads, a fresh child process with DLC_NUM_THREADS=T loads the
library with ctypes and calls its entry point through the C ABI of the
generated header (static or dynamic, read from the header as run.py does); if
the library exports `<entry>_set_num_threads` it is called with T ("threads:
n/a" in the notes otherwise). The same process opens an onnxruntime session
(CPUExecutionProvider, ORT_ENABLE_ALL, intra_op_num_threads T (with
--ort-no-spin, its workers do not busy-wait between runs),
inter_op_num_threads 1, ORT_SEQUENTIAL; inputs and preallocated outputs bound
with IOBinding), checks dlc's output against it (max relative error as in
run_big.py's compare, limit --rtol 1e-3, before and after the timing) and then
times both on the same input: after --warmup calls each, --runs samples per
engine, alternating dlc and onnxruntime sample by sample so that the machine's
clock drift hits both alike (the order flips every round, and after each
sample the process waits until it is idle, so that one engine's spinning
worker threads do not steal the next one's cores). A sample is the mean of k
back-to-back calls, k chosen from the warm-up so that a sample lasts at least
--min-sample-ms (k = 1 for anything slower); the reported time is the median
sample. For the MatMul, numpy's
matmul (OpenBLAS) is timed in the same rotation, in that child only with
OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = T and without OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE (set on some machines for old OpenBLAS builds; they slow a
current one down).

FLOPs: 2 x multiply-accumulates of every MatMul, Gemm and Conv (grouped and
depthwise included) in the ONNX graph, shapes from onnx.shape_inference at the
concrete input shapes; the rest (activations, norms, softmax, ...) is not
counted. Peak: bench/fma_probe.c, compiled here with `cc -O2 -march=native`,
runs independent FMA chains on T threads at the start and at the end; the
higher result per T is the peak that "% of FMA peak" refers to.

Prints a markdown table (ratio = dlc time / onnxruntime time: 1 is parity,
above 1 dlc is slower), the MatMul against OpenBLAS, and per T the geometric
mean of the ratio over the `*` models. A model that fails to generate, compile,
run or match onnxruntime is reported in the table and makes the exit status 1.

  .venv/bin/python bench/models.py                            # all models, T = 1,2, 10 runs
  .venv/bin/python bench/models.py --only mlp matmul --runs 3
  .venv/bin/python bench/models.py --threads 1 --json bench/out/models.json --keep bench/out/models
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MODELS_DIR = os.path.join(REPO, "test-suite", "models")

# (key, label, family, in the geometric mean). Family "small": gen_models.py,
# "big": gen_big_models.py, "matmul": generated here.
MODELS = [
    ("mlp", "MLP 784-512-512-10 (b64)", "small", True),
    ("cnn", "CNN (1x3x32x32)", "small", False),
    ("resnet50", "ResNet-50 (1x3x224x224)", "big", True),
    ("mobilenetv2", "MobileNetV2 (1x3x224x224)", "big", True),
    ("bert", "BERT-base layer (1x128x768)", "big", True),
    ("matmul", "MatMul 1024x1024x1024", "matmul", False),
]

# For the big models: (model stem, case name of its input file) in order of
# preference; the first is generated when none is there.
BIG_CANDIDATES = {
    "resnet50": [("resnet50", "resnet50.b1"), ("resnet50_dyn", "resnet50_dyn.b1")],
    "mobilenetv2": [("mobilenetv2", "mobilenetv2.b1"), ("mobilenetv2_dyn", "mobilenetv2_dyn.b1")],
    "bert": [("bert_layer", "bert_layer.b1.s128")],
}

MATMUL_N = 1024
MATMUL_SEED = 1024

# After each sample the rotation waits until this process has been idle for
# QUIET_S (its CPU time grew by less than a fifth of that), at most
# QUIET_MAX_S: thread pools busy-wait for work after a call (onnxruntime's for
# ~40 ms, OpenBLAS's for ~0.1 s), and a spinning thread would take a core
# from the next engine.
QUIET_S = 0.01
QUIET_MAX_S = 1.0

# Header dtype names (tools/dlc/src/tensor.rs, Display) -> numpy dtypes; bf16
# travels as its raw 16-bit pattern.
DTYPES = {
    "bool": np.bool_, "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
    "ui8": np.uint8, "ui16": np.uint16, "ui32": np.uint32, "ui64": np.uint64,
    "f16": np.float16, "bf16": np.uint16, "f32": np.float32, "f64": np.float64,
}


def shown(path):
    """A path relative to the repository if it is inside it."""
    return os.path.relpath(path, REPO) if path.startswith(REPO + os.sep) else path


def log(msg):
    """Progress goes to stderr; stdout carries the report only."""
    print(msg, file=sys.stderr, flush=True)


def first_lines(text, n=8):
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    more = f"\n    ... ({len(lines) - n} more lines)" if len(lines) > n else ""
    return "\n".join("    " + line for line in lines[:n]) + more


def last_lines(text, n=8):
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    less = f"    ... ({len(lines) - n} lines before)\n" if len(lines) > n else ""
    return less + "\n".join("    " + line for line in lines[-n:])


def quiesce():
    """Sleeps until no thread of this process is running (see QUIET_S)."""
    deadline = time.perf_counter() + QUIET_MAX_S
    while time.perf_counter() < deadline:
        cpu = time.process_time()
        time.sleep(QUIET_S)
        if time.process_time() - cpu < QUIET_S / 5:
            return


def max_rel_err(got, ref):
    """run_big.py's compare: max |got - ref| / max(|ref|, 1e-3 * max|ref|),
    i.e. relative error with elements near zero measured against a thousandth
    of the output's largest magnitude; inf for a shape mismatch or a
    non-finite value."""
    if got.shape != ref.shape or not np.all(np.isfinite(got)):
        return math.inf
    if got.size == 0:
        return 0.0
    ref64 = ref.astype(np.float64)
    floor = 1e-3 * float(np.max(np.abs(ref64)))
    if floor == 0.0:
        return 0.0 if np.array_equal(got, ref) else math.inf
    return float(np.max(np.abs(got.astype(np.float64) - ref64) / np.maximum(np.abs(ref64), floor)))


# ----------------------------------------------------------------------------
# Models: generation and FLOP counts


def prepare_small(key, scratch, state):
    """mlp / cnn from test-suite/models, generated by gen_models.py (once per
    run, as run.py does: the lit inputs go to a scratch folder) if missing.
    Returns (onnx path, [input .npy paths]); raises RuntimeError."""
    model = os.path.join(MODELS_DIR, f"{key}.onnx")
    inp = os.path.join(MODELS_DIR, f"{key}.input.npy")
    if not (os.path.exists(model) and os.path.exists(inp)) and not state.get("small_generated"):
        state["small_generated"] = True
        log(f"[{key}] generating the seeded models with test-suite/models/gen_models.py ...")
        lit = os.path.join(scratch, "lit-inputs")
        r = subprocess.run([sys.executable, os.path.join(MODELS_DIR, "gen_models.py"),
                            "--lit-inputs", lit], capture_output=True, text=True)
        shutil.rmtree(lit, ignore_errors=True)
        if r.returncode != 0:
            raise RuntimeError(f"gen_models.py exited {r.returncode}\n{last_lines(r.stderr)}")
    if not (os.path.exists(model) and os.path.exists(inp)):
        raise RuntimeError(f"{model} or {inp} missing after gen_models.py")
    return model, [inp]


def prepare_big(key):
    """A model of gen_big_models.py: the first candidate whose model and input
    exist, else the first candidate, generated (run_big.py's way)."""
    cands = BIG_CANDIDATES[key]
    for stem, case in cands:
        model = os.path.join(MODELS_DIR, f"{stem}.onnx")
        inp = os.path.join(MODELS_DIR, f"{case}.input.npy")
        if os.path.exists(model) and os.path.exists(inp):
            return model, [inp]
    stem, case = cands[0]
    log(f"[{key}] generating {stem}.onnx with test-suite/models/gen_big_models.py ...")
    r = subprocess.run([sys.executable, os.path.join(MODELS_DIR, "gen_big_models.py"),
                        "--only", stem], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"gen_big_models.py --only {stem} exited {r.returncode}\n"
                           f"{last_lines(r.stderr)}")
    model = os.path.join(MODELS_DIR, f"{stem}.onnx")
    inp = os.path.join(MODELS_DIR, f"{case}.input.npy")
    if not (os.path.exists(model) and os.path.exists(inp)):
        raise RuntimeError(f"{model} or {inp} missing after gen_big_models.py")
    return model, [inp]


def prepare_matmul(scratch):
    """matmul.onnx: y = a @ b with a [N, N] the input and b [N, N] an
    initializer (1/sqrt(N)-scaled normal, seeded); IR version 8, opset 17 like
    gen_big_models.py. Also writes the input and b as .npy (b for numpy's run)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    n = MATMUL_N
    rng = np.random.default_rng(MATMUL_SEED)
    b = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)
    a = rng.standard_normal((n, n)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["y"], name="/MatMul")],
        f"matmul_{n}",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [n, n])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n, n])],
        [numpy_helper.from_array(b, "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="dlc-bench-models")
    model.ir_version = 8
    onnx.checker.check_model(model)
    d = os.path.join(scratch, "matmul")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "matmul.onnx")
    onnx.save(model, path)
    np.save(os.path.join(d, "matmul.input.npy"), a)
    np.save(os.path.join(d, "matmul.b.npy"), b)
    return path, [os.path.join(d, "matmul.input.npy")]


def count_flops(model_path, input_shapes):
    """(FLOPs, notes): 2 x MACs of MatMul, Gemm and Conv at the given input
    shapes (shape inference on a copy whose inputs have those dimensions)."""
    import onnx

    model = onnx.load(model_path)
    g = model.graph
    init_shapes = {t.name: list(t.dims) for t in g.initializer}
    real_inputs = [vi for vi in g.input if vi.name not in init_shapes]
    for vi, shape in zip(real_inputs, input_shapes):
        dims = vi.type.tensor_type.shape.dim
        for d, n in zip(dims, shape):
            d.Clear()
            d.dim_value = int(n)
    inferred = onnx.shape_inference.infer_shapes(model, data_prop=True)
    shapes = dict(init_shapes)
    ig = inferred.graph
    for vi in list(ig.value_info) + list(ig.input) + list(ig.output):
        tt = vi.type.tensor_type
        if tt.HasField("shape"):
            dims = [d.dim_value if d.HasField("dim_value") else None for d in tt.shape.dim]
            if all(d is not None for d in dims):
                shapes[vi.name] = dims
    flops, unknown = 0, []
    for node in ig.node:
        if node.op_type not in ("MatMul", "Gemm", "Conv"):
            continue
        a = shapes.get(node.input[0])
        w = shapes.get(node.input[1])
        out = shapes.get(node.output[0])
        if a is None or w is None or out is None:
            unknown.append(node.name or node.op_type)
            continue
        if node.op_type == "MatMul":
            k = a[-1]  # a 1-D left operand is [K]; the output shape covers the rest
            flops += 2 * math.prod(out) * k
        elif node.op_type == "Gemm":
            trans_a = next((at.i for at in node.attribute if at.name == "transA"), 0)
            k = a[0] if trans_a else a[1]
            flops += 2 * math.prod(out) * k
        else:  # Conv: W is [Cout, Cin / group, k...]: per output element Cin/group * prod(k) MACs
            flops += 2 * math.prod(out) * math.prod(w[1:])
    notes = [f"FLOPs exclude {len(unknown)} nodes of unknown shape"] if unknown else []
    return flops, notes


# ----------------------------------------------------------------------------
# Compiling: the model with dlc, the FMA probe with cc


def compile_model(dlc, model, lib, extra_args, timeout):
    """(seconds, error or None) of `dlc MODEL -o LIB`."""
    cmd = [dlc, model, "-o", lib] + list(extra_args)
    t0 = time.perf_counter()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t0, f"dlc timed out after {timeout:g} s"
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        return dt, f"dlc exited {r.returncode}\n{first_lines(r.stderr)}"
    header = os.path.splitext(lib)[0] + ".h"
    if not os.path.exists(header):
        return dt, f"dlc wrote no header {header}"
    return dt, None


def build_probe(scratch):
    """Compiles bench/fma_probe.c; (path, error or None)."""
    cc = os.environ.get("CC", "cc")
    exe = os.path.join(scratch, "fma_probe")
    cmd = [cc, "-O2", "-march=native", "-ffp-contract=fast", "-pthread",
           os.path.join(HERE, "fma_probe.c"), "-o", exe]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        return None, f"{cc}: {e}"
    if r.returncode != 0:
        return None, f"{' '.join(cmd)} failed\n{first_lines(r.stderr)}"
    return exe, None


def run_probe(exe, threads):
    """Peak GFLOP/s of the probe on `threads` threads, or None."""
    r = subprocess.run([exe, str(threads)], capture_output=True, text=True)
    m = re.search(r"^peak_gflops ([0-9.]+)$", r.stdout, re.M)
    if r.returncode != 0 or not m:
        log(f"warning: fma_probe {threads} failed (exit {r.returncode})\n{first_lines(r.stderr)}")
        return None
    return float(m.group(1))


# ----------------------------------------------------------------------------
# The child process: one model at one thread count


def parse_header(path):
    """(entry name, dynamic?, inputs, outputs) from the generated header; each
    tensor is (name, dtype, shape with -1 for a run-time dimension)."""
    with open(path) as f:
        text = f.read()
    m = re.search(r"^size_t (\w+)_workspace_size\((void|[^)]*input_shapes)\);", text, re.M)
    if not m:
        raise RuntimeError(f"no entry point declared in {path}")
    entry, dynamic = m.group(1), m.group(2) != "void"
    ins, outs = [], []
    row = re.compile(r'^\s*\{("(?:[^"\\]|\\.)*"), "(\w+)", ([01]), (\d+), \{([-0-9, ]*)\}\},\s*$')
    for line in text.splitlines():
        r = row.match(line)
        if r:
            dims = [int(d) for d in r.group(5).replace(" ", "").split(",") if d] \
                if int(r.group(4)) else []
            (outs if r.group(3) == "1" else ins).append((r.group(1)[1:-1], r.group(2), dims))
    return entry, dynamic, ins, outs


def aligned_empty(nbytes, align=64):
    """A zeroed uint8 buffer of nbytes (at least 1) whose address is aligned."""
    raw = np.zeros(max(nbytes, 1) + align, dtype=np.uint8)
    off = (-raw.ctypes.data) % align
    return raw[off:off + max(nbytes, 1)]


def make_dlc_runner(lib_path, header_path, inputs, threads):
    """Loads the library and prepares one call of its entry point on
    `inputs`: (call() -> return code, outputs, info dict)."""
    import ctypes

    entry, dynamic, in_specs, out_specs = parse_header(header_path)
    if len(in_specs) != len(inputs):
        raise RuntimeError(f"header declares {len(in_specs)} inputs, the model has {len(inputs)}")
    lib = ctypes.CDLL(lib_path)
    info = {"entry": entry, "dynamic": dynamic}
    # Threads: DLC_NUM_THREADS is in the environment already (set by the
    # parent before this process started); <entry>_set_num_threads if present.
    try:
        set_threads = getattr(lib, f"{entry}_set_num_threads")
    except AttributeError:
        info["threads_api"] = "n/a"
    else:
        set_threads.argtypes = [ctypes.c_int]
        set_threads.restype = ctypes.c_int
        info["threads_api"] = "set_num_threads"
        info["set_num_threads_rc"] = int(set_threads(threads))

    xs = []
    for (name, dtype, dims), x in zip(in_specs, inputs):
        x = np.ascontiguousarray(x.astype(DTYPES[dtype], copy=False))
        if len(dims) != x.ndim or any(d >= 0 and d != n for d, n in zip(dims, x.shape)):
            raise RuntimeError(f"input {name}: shape {list(x.shape)} does not fit the header's {dims}")
        xs.append(x)
    vp = ctypes.c_void_p
    i64p = ctypes.POINTER(ctypes.c_int64)
    in_ptrs = (vp * len(xs))(*[x.ctypes.data for x in xs])
    fn = getattr(lib, entry)
    fn.restype = ctypes.c_int
    ws_fn = getattr(lib, f"{entry}_workspace_size")
    ws_fn.restype = ctypes.c_size_t
    if dynamic:
        in_shapes = [(ctypes.c_int64 * max(x.ndim, 1))(*x.shape) for x in xs]
        in_shape_ptrs = (i64p * len(xs))(*[ctypes.cast(s, i64p) for s in in_shapes])
        out_shapes = [(ctypes.c_int64 * max(len(d), 1))() for _, _, d in out_specs]
        out_shape_ptrs = (i64p * len(out_specs))(*[ctypes.cast(s, i64p) for s in out_shapes])
        shapes_fn = getattr(lib, f"{entry}_output_shapes")
        shapes_fn.argtypes = [ctypes.POINTER(i64p), ctypes.POINTER(i64p)]
        shapes_fn.restype = None
        shapes_fn(in_shape_ptrs, out_shape_ptrs)
        shapes = [[int(s[d]) for d in range(len(spec[2]))] for s, spec in zip(out_shapes, out_specs)]
        ws_fn.argtypes = [ctypes.POINTER(i64p)]
        ws_size = int(ws_fn(in_shape_ptrs))
    else:
        shapes = [d for _, _, d in out_specs]
        ws_fn.argtypes = []
        ws_size = int(ws_fn())
    if any(d < 0 for s in shapes for d in s):
        raise RuntimeError(f"output shapes {shapes} have unknown dimensions")
    ys = [np.empty(s, dtype=DTYPES[dt]) for s, (_, dt, _) in zip(shapes, out_specs)]
    out_ptrs = (vp * len(ys))(*[y.ctypes.data for y in ys])
    ws = aligned_empty(ws_size)
    ws_ptr = vp(ws.ctypes.data)
    info["workspace_bytes"] = ws_size
    # The ctypes arrays hold bare addresses: everything they point into must
    # live as long as `call` does.
    keep = (lib, xs, ys, ws, in_ptrs, out_ptrs)
    if dynamic:
        keep += (in_shapes, in_shape_ptrs, out_shapes, out_shape_ptrs)
        fn.argtypes = [ctypes.POINTER(vp), ctypes.POINTER(vp), vp,
                       ctypes.POINTER(i64p), ctypes.POINTER(i64p)]

        def call(keep=keep):
            return fn(in_ptrs, out_ptrs, ws_ptr, in_shape_ptrs, out_shape_ptrs)
    else:
        fn.argtypes = [ctypes.POINTER(vp), ctypes.POINTER(vp), vp]

        def call(keep=keep):
            return fn(in_ptrs, out_ptrs, ws_ptr)
    return call, ys, info


def make_ort_runner(model, inputs, threads, spinning=True):
    """An onnxruntime session with the benchmark's options; (call(), outputs
    of a plain first run, the bound output buffers, version)."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.log_severity_level = 3
    if not spinning:
        # onnxruntime's workers otherwise busy-wait between its runs, and
        # in this shared process that takes the second core from dlc.
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    sess = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
    metas = sess.get_inputs()
    feeds = {m.name: x for m, x in zip(metas, inputs)}
    ref = sess.run(None, feeds)
    # Timed runs go through IOBinding: inputs and preallocated outputs bound
    # once, so a call costs no Python-side conversion or allocation.
    io = sess.io_binding()
    for m, x in zip(metas, inputs):
        io.bind_cpu_input(m.name, x)
    bound = [np.empty_like(r) for r in ref]
    for m, y in zip(sess.get_outputs(), bound):
        io.bind_output(m.name, "cpu", 0, y.dtype, list(y.shape), y.ctypes.data)

    def call():
        sess.run_with_iobinding(io)
    return call, ref, bound, ort.__version__


def worker(spec_path):
    """Runs in a child process: checks and times one model at one thread
    count; prints one JSON line (the result) on stdout."""
    with open(spec_path) as f:
        spec = json.load(f)
    res = {"ok": False, "error": None}
    try:
        res.update(measure(spec))
        res["ok"] = res["error"] is None
    except Exception as e:  # reported by the parent; the traceback stays on stderr
        import traceback

        traceback.print_exc()
        res["error"] = f"{type(e).__name__}: {e}"
    print(json.dumps(res), flush=True)
    return 0


def measure(spec):
    t = spec["threads"]
    inputs = [np.ascontiguousarray(np.load(p)) for p in spec["inputs"]]
    dlc_call, dlc_outs, info = make_dlc_runner(spec["lib"], spec["header"], inputs, t)
    ort_call, ref, ort_outs, ort_version = make_ort_runner(
        spec["model"], inputs, t, spinning=spec.get("ort_spinning", True))
    res = dict(info, ort_version=ort_version, error=None)

    def check():
        errs = [max_rel_err(y, r) for y, r in zip(dlc_outs, ref)]
        return max(errs) if errs else 0.0

    def dlc():
        rc = dlc_call()
        if rc != 0:
            raise RuntimeError(f"{info['entry']} returned {rc}")

    engines = [("dlc", dlc), ("ort", ort_call)]
    if spec.get("numpy_rhs"):
        a = inputs[0]
        b = np.load(spec["numpy_rhs"])
        c = np.empty((a.shape[0], b.shape[1]), dtype=np.float32)

        def numpy_matmul():
            np.matmul(a, b, out=c)
        engines.append(("numpy", numpy_matmul))

    # Warm-up (at least one call each), which also gives the first check and
    # the calls per sample.
    k = {}
    for name, fn in engines:
        best = math.inf
        for _ in range(max(1, spec["warmup"])):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        k[name] = max(1, min(10000, math.ceil(spec["min_sample_s"] / max(best, 1e-9))))
        if name == "dlc":
            res["max_rel_err_first"] = check()
        quiesce()
    if spec.get("numpy_rhs") and max_rel_err(c, ref[0]) > spec["rtol"]:
        res["numpy_mismatch"] = max_rel_err(c, ref[0])
    # The rotation: one sample per engine per round, order flipped each round.
    samples = {name: [] for name, _ in engines}
    for rnd in range(spec["runs"]):
        for name, fn in (engines if rnd % 2 == 0 else engines[::-1]):
            n = k[name]
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            samples[name].append((time.perf_counter() - t0) / n)
            quiesce()
    res["max_rel_err_last"] = check()
    res["max_rel_err"] = max(res["max_rel_err_first"], res["max_rel_err_last"])
    # The bound onnxruntime outputs must still be its first run's.
    ort_drift = max((max_rel_err(y, r) for y, r in zip(ort_outs, ref)), default=0.0)
    if ort_drift > spec["rtol"]:
        res["error"] = f"onnxruntime's timed runs differ from its first run ({ort_drift:.3g})"
    res["calls_per_sample"] = k
    res["samples_s"] = samples
    res["median_s"] = {name: float(np.median(s)) for name, s in samples.items()}
    return res


def run_worker(scratch, key, threads, spec, env, timeout):
    """Starts `models.py --worker` for one (model, T); its result dict (with
    ok False and an error if it failed in any way)."""
    path = os.path.join(scratch, key, f"worker.t{threads}.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", path]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"timed out after {timeout:g} s"}
    # The child's stderr (a traceback, if it raised) stays in the scratch folder.
    with open(os.path.join(scratch, key, f"worker.t{threads}.stderr"), "w") as f:
        f.write(r.stderr)
    line = next((l for l in reversed(r.stdout.splitlines()) if l.startswith("{")), None)
    if r.returncode != 0 or line is None:
        how = f"killed by signal {-r.returncode}" if r.returncode < 0 else f"exited {r.returncode}"
        tail = f"\n{last_lines(r.stderr)}" if r.stderr.strip() else ""
        return {"ok": False, "error": f"worker {how}{tail}"}
    return json.loads(line)


# ----------------------------------------------------------------------------
# The report


def fmt_ms(s):
    if s is None:
        return "—"
    ms = s * 1e3
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}" if ms < 100 else f"{ms:.1f}"


def fmt_g(x):
    if x is None:
        return "—"
    return f"{x:.2f}" if x < 10 else f"{x:.1f}"


def machine_info():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    return cpu


def git_head():
    try:
        r = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True)
        return r.stdout.strip() or "?"
    except OSError:
        return "?"


def package_version(name):
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # noqa: BLE001
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", default=os.path.join(REPO, "target", "release"),
                    help="folder of the dlc binary (default: %(default)s)")
    ap.add_argument("--only", nargs="+", metavar="NAME", choices=[m[0] for m in MODELS],
                    help="models to run: " + ", ".join(m[0] for m in MODELS) + " (default: all)")
    ap.add_argument("--threads", default="1,2",
                    help="comma-separated thread counts T (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=10,
                    help="timed samples per engine, the median is reported (default: %(default)s)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed calls first (default: %(default)s)")
    ap.add_argument("--min-sample-ms", type=float, default=20.0,
                    help="a sample repeats a call until it lasts this long (default: %(default)s)")
    ap.add_argument("--ort-no-spin", action="store_true",
                    help="turn off onnxruntime's busy-waiting workers "
                         "(session.intra_op.allow_spinning=0): at T > 1 they take cores "
                         "from dlc's pool in this shared process even between its runs")
    ap.add_argument("--rtol", type=float, default=1e-3,
                    help="max relative error against onnxruntime (default: %(default)s)")
    ap.add_argument("--timeout", type=float, default=3600,
                    help="seconds per compile and per (model, T) measurement (default: %(default)s)")
    ap.add_argument("--dlc-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for every dlc compile (repeatable)")
    ap.add_argument("--keep", metavar="DIR",
                    help="scratch folder to use and keep (libraries, headers, the MatMul model, "
                         "worker logs); default: a temporary folder, removed at the end")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--worker", metavar="SPEC", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args.worker)

    try:
        threads = sorted({int(t) for t in args.threads.split(",") if t.strip()})
    except ValueError:
        ap.error(f"--threads: bad list {args.threads!r}")
    if not threads or threads[0] < 1:
        ap.error("--threads: need thread counts >= 1")
    if args.runs < 1:
        ap.error("--runs must be >= 1")
    dlc = os.path.join(os.path.abspath(args.bin_dir), "dlc")
    if not os.access(dlc, os.X_OK):
        print(f"error: {dlc} not found (build with `cargo build --release`)", file=sys.stderr)
        return 2
    selected = [m for m in MODELS if not args.only or m[0] in args.only]

    if args.keep:
        scratch = os.path.abspath(args.keep)
        os.makedirs(scratch, exist_ok=True)
    else:
        scratch = tempfile.mkdtemp(prefix="dlc-bench-models-")
    try:
        return run(args, dlc, threads, selected, scratch)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


def bench_model(args, dlc, threads, entry, scratch, state, failures):
    """Generates (if needed), compiles, checks and times one model at every
    T; its table rows. Failures are appended to `failures` as (label, text)."""
    key, label, family, in_geomean = entry
    os.makedirs(os.path.join(scratch, key), exist_ok=True)
    base = {"model": key, "label": label, "geomean": in_geomean}
    # 1. The model and its input.
    try:
        if family == "small":
            model, inputs = prepare_small(key, scratch, state)
        elif family == "big":
            model, inputs = prepare_big(key)
        else:
            model, inputs = prepare_matmul(scratch)
        shapes = [list(np.load(p, mmap_mode="r").shape) for p in inputs]
        flops, flop_notes = count_flops(model, shapes)
    except Exception as e:  # noqa: BLE001 - any failure here is the model's row
        msg = str(e) if isinstance(e, RuntimeError) else f"{type(e).__name__}: {e}"
        failures.append((label, f"model generation failed: {msg}"))
        return [dict(base, threads=t, ok=False, status="generation failed") for t in threads]
    base.update(onnx=shown(model), input_shapes=shapes, flops=flops)
    # 2. Compile once; every T uses the same library.
    lib = os.path.join(scratch, key, f"lib{key}.so")
    log(f"[{key}] dlc {shown(model)} -o {lib} ...")
    compile_s, err = compile_model(dlc, model, lib, args.dlc_arg, args.timeout)
    base["compile_s"] = compile_s
    if err:
        failures.append((label, f"compile failed after {compile_s:.1f} s: {err}"))
        return [dict(base, threads=t, ok=False, status="compile failed") for t in threads]
    log(f"[{key}] compiled in {compile_s:.1f} s; {flops / 1e9:.3f} GFLOP per run")
    # 3. Check and time at each T, each in a fresh process.
    rows = []
    for t in threads:
        env = dict(os.environ, DLC_NUM_THREADS=str(t))
        spec = {"model": model, "lib": lib, "header": os.path.splitext(lib)[0] + ".h",
                "inputs": inputs, "threads": t, "runs": args.runs, "warmup": args.warmup,
                "min_sample_s": args.min_sample_ms / 1e3, "rtol": args.rtol,
                "ort_spinning": not args.ort_no_spin}
        if family == "matmul":
            # numpy in the rotation too, with OpenBLAS set for T threads.
            spec["numpy_rhs"] = os.path.join(scratch, key, "matmul.b.npy")
            env.update(OPENBLAS_NUM_THREADS=str(t), OMP_NUM_THREADS=str(t))
            env.pop("OPENBLAS_CORETYPE", None)
            env.pop("OPENBLAS_L2_SIZE", None)
        log(f"[{key}] T={t}: checking and timing ({args.runs} samples) ...")
        res = run_worker(scratch, key, t, spec, env, args.timeout)
        row = dict(base, threads=t, **{k: v for k, v in res.items() if k != "ok"})
        rows.append(row)
        if not res["ok"]:
            row.update(ok=False, status="run failed")
            failures.append((label, f"T={t}: {res['error']}"))
            continue
        med = res["median_s"]
        row.update(dlc_s=med["dlc"], ort_s=med["ort"], ratio=med["dlc"] / med["ort"],
                   dlc_gflops=flops / med["dlc"] / 1e9, ort_gflops=flops / med["ort"] / 1e9)
        if "numpy" in med:
            row.update(numpy_s=med["numpy"], numpy_gflops=flops / med["numpy"] / 1e9)
        row["match"] = row["ok"] = res["max_rel_err"] <= args.rtol
        row["status"] = "ok" if row["match"] else "mismatch"
        if not row["match"]:
            failures.append((label, f"T={t}: max relative error {res['max_rel_err']:.3g} "
                                    f"> {args.rtol:g} against onnxruntime"))
        notes = list(flop_notes)
        if t > 1 and res.get("threads_api") == "n/a":
            notes.append("threads: n/a")
        if res.get("set_num_threads_rc"):
            notes.append(f"set_num_threads returned {res['set_num_threads_rc']}")
        if res.get("numpy_mismatch") is not None:
            notes.append(f"numpy differs from onnxruntime by {res['numpy_mismatch']:.3g}")
        row["notes"] = notes
        log(f"[{key}] T={t}: dlc {fmt_ms(med['dlc'])} ms, onnxruntime {fmt_ms(med['ort'])} ms, "
            f"max rel err {res['max_rel_err']:.3g}")
    return rows


def print_report(args, dlc, started, load_start, threads, probe, peak, rows, failures):
    """The markdown report on stdout; returns (MatMul vs OpenBLAS, geomeans)."""
    print("# dlc vs onnxruntime: models\n")
    print(f"- machine: {machine_info()}, {os.cpu_count()} cores; {started:%Y-%m-%d %H:%M}; "
          f"load average {load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    print(f"- dlc: `{dlc}` (commit {git_head()}); onnxruntime {package_version('onnxruntime')}, "
          f"numpy {package_version('numpy')}, onnx {package_version('onnx')}")
    print(f"- T = threads (DLC_NUM_THREADS / `<entry>_set_num_threads` for dlc, "
          f"intra_op_num_threads for onnxruntime); median of {args.runs} sample(s) after "
          f"{args.warmup} warm-up call(s), dlc and onnxruntime alternating; "
          f"ratio = dlc ms / onnxruntime ms (> 1: dlc slower)")
    if args.ort_no_spin:
        print("- onnxruntime: session.intra_op.allow_spinning = 0 (--ort-no-spin)")
    print("- GFLOP/s from 2 x MACs of MatMul/Gemm/Conv; FMA peak (fma_probe, best of start/end): "
          + ", ".join(f"T={t}: {fmt_g(peak[t])} GFLOP/s (start {fmt_g(probe['start'].get(t))}, "
                      f"end {fmt_g(probe['end'].get(t))})" for t in threads))
    # A busy machine shows as probes that disagree or do not scale with T.
    busy = [t for t in threads if probe["start"].get(t) and probe["end"].get(t)
            and abs(probe["start"][t] - probe["end"][t]) > 0.1 * peak[t]]
    if peak.get(1) and any(peak.get(t) and peak[t] < 0.8 * t * peak[1] for t in threads
                           if t <= (os.cpu_count() or 1)):
        busy.append("scaling")
    if busy:
        print("- **warning**: the FMA probes disagree or do not scale with T: another job was "
              "probably running, the times are not reliable")
    print(f"- max rel err: dlc against onnxruntime, limit {args.rtol:g}\n")
    head = ["model", "T", "compile s", "dlc ms", "onnxruntime ms", "ratio dlc/onnxruntime",
            "dlc GFLOP/s", "% of FMA peak (dlc)", "ort GFLOP/s", "max rel err", "notes"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(head) - 2) + ["---"]) + "|")
    for row in rows:
        comp = f"{row['compile_s']:.1f}" if row.get("compile_s") is not None else "—"
        notes = "; ".join(row.get("notes", []))
        if row.get("dlc_s") is None:
            cells = [row["label"], str(row["threads"]), comp, f"**{row['status']}**"] + \
                ["—"] * 6 + [notes]
        else:
            err = f"{row['max_rel_err']:.2g}" + ("" if row["match"] else " **FAIL**")
            pct = f"{row['dlc_peak_pct']:.1f}%" if row.get("dlc_peak_pct") is not None else "—"
            cells = [row["label"], str(row["threads"]), comp, fmt_ms(row["dlc_s"]),
                     fmt_ms(row["ort_s"]), f"{row['ratio']:.2f}", fmt_g(row["dlc_gflops"]), pct,
                     fmt_g(row["ort_gflops"]), err, notes]
        print("| " + " | ".join(cells) + " |")
    print()

    blas = []
    for row in rows:
        if row["model"] == "matmul" and row.get("numpy_gflops"):
            r = row["dlc_gflops"] / row["numpy_gflops"]
            blas.append({"threads": row["threads"], "dlc_gflops": row["dlc_gflops"],
                         "numpy_gflops": row["numpy_gflops"], "numpy_s": row["numpy_s"],
                         "ratio": r})
            print(f"MatMul {MATMUL_N}x{MATMUL_N}x{MATMUL_N}, T={row['threads']}: dlc "
                  f"{fmt_g(row['dlc_gflops'])} GFLOP/s, numpy/OpenBLAS {fmt_g(row['numpy_gflops'])} "
                  f"GFLOP/s ({fmt_ms(row['numpy_s'])} ms); dlc/OpenBLAS = {r:.3f}")

    geo = {}
    want = [label for _, label, _, g in MODELS if g]
    for t in threads:
        got = [row for row in rows if row["threads"] == t and row["geomean"]
               and row.get("ok") and row.get("ratio")]
        if not got:
            continue
        gm = math.exp(sum(math.log(row["ratio"]) for row in got) / len(got))
        missing = [l for l in want if l not in {row["label"] for row in got}]
        geo[t] = {"ratio": gm, "models": [row["model"] for row in got]}
        note = f" (without {', '.join(missing)})" if missing else ""
        models = f"{len(got)} model" + ("s" if len(got) != 1 else "")
        print(f"T={t}: geometric mean of dlc/onnxruntime over {models}{note}: {gm:.2f}")

    if failures:
        if blas or geo:
            print()
        print("## Failures\n")
        for label, msg in failures:
            print(f"- {label}: {msg}")
    return blas, geo


def run(args, dlc, threads, selected, scratch):
    started = datetime.datetime.now()
    load_start = os.getloadavg()[0]  # another job on the machine shows here
    # Peak FMA throughput at the start; again at the end.
    probe_exe, probe_err = build_probe(scratch)
    probe = {"start": {}, "end": {}}
    if probe_err:
        log(f"warning: no FMA probe, % of peak left out: {probe_err}")
    else:
        for t in threads:
            log(f"fma_probe: {t} thread(s) ...")
            probe["start"][t] = run_probe(probe_exe, t)

    state = {}
    rows = []  # one per (model, T)
    failures = []  # (model label, message), printed under the table
    for entry in selected:
        rows += bench_model(args, dlc, threads, entry, scratch, state, failures)

    if probe_exe:
        for t in threads:
            log(f"fma_probe (end): {t} thread(s) ...")
            probe["end"][t] = run_probe(probe_exe, t)
    peak = {}
    for t in threads:
        vals = [v for v in (probe["start"].get(t), probe["end"].get(t)) if v]
        peak[t] = max(vals) if vals else None
    for row in rows:
        p = peak.get(row["threads"])
        if row.get("dlc_gflops") is not None and p:
            row["dlc_peak_pct"] = 100.0 * row["dlc_gflops"] / p
            row["ort_peak_pct"] = 100.0 * row["ort_gflops"] / p

    blas, geo = print_report(args, dlc, started, load_start, threads, probe, peak, rows, failures)
    ok = not failures
    if args.json:
        out = {
            "date": started.isoformat(timespec="seconds"), "machine": machine_info(),
            "cores": os.cpu_count(), "dlc": dlc, "commit": git_head(),
            "versions": {p: package_version(p) for p in ("onnxruntime", "numpy", "onnx")},
            "settings": {"threads": threads, "runs": args.runs, "warmup": args.warmup,
                         "min_sample_ms": args.min_sample_ms, "rtol": args.rtol,
                         "dlc_args": args.dlc_arg},
            "fma_peak_gflops": {"start": probe["start"], "end": probe["end"], "peak": peak},
            "results": rows, "matmul_vs_openblas": blas, "geomean_ratio": geo,
            "failures": [{"model": l, "message": m} for l, m in failures], "ok": ok,
        }
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1, default=float)
            f.write("\n")
        log(f"wrote {args.json}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
