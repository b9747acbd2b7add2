#!/usr/bin/env python3
"""Whole-model checks (issue 4, item 4): ResNet-50, MobileNetV2 and a BERT-base
encoder layer, built with seeded weights by test-suite/models/gen_big_models.py
(run first if any model or .npy file is missing, or with --regen), whose
reference outputs come from onnxruntime.

Each case (model x input shape, see gen_big_models.py) of a model with
static shapes runs through `dl-run MODEL.onnx --input X.npy --output-dir D`
(LLVM JIT). A model with run-time dimensions (resnet50_dyn,
mobilenetv2_dyn: batch; bert_layer: batch and sequence length) is
compiled once by `dlc MODEL.onnx -o libMODEL.so` and every one of its
cases runs through that one library with test-suite/c_runner_dyn.c (the
dynamic C ABI). Each output is compared with the reference by

  max over elements of |got - ref| / max(|ref|, 1e-3 * max|ref|)  <=  1e-3

(--rtol), i.e. relative error, with elements near zero measured against a
thousandth of the output's largest magnitude. Prints one line per check,
then the wall-clock time of `dlc resnet50.onnx -o libresnet50.so` (ONNX to
shared library) as `resnet50 compile time: X s` (or why it failed), and
last `big-models: N passed, N failed`. The compile is not a check: it is
timed only (--no-compile skips it)."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MODELS_DIR = os.path.join(HERE, "models")
sys.path.insert(0, MODELS_DIR)
import gen_big_models  # noqa: E402

sys.path.insert(0, HERE)
from run import build_dyn_runner, run_dyn  # noqa: E402


def compare(name, got, ref, rtol):
    """(ok, message) for output `got` against reference `ref`."""
    if got.shape != ref.shape:
        return False, f"{name}: shape {got.shape} != reference {ref.shape}"
    if not np.all(np.isfinite(got)):
        return False, f"{name}: {int(np.sum(~np.isfinite(got)))} non-finite values"
    floor = 1e-3 * float(np.max(np.abs(ref)))
    err = np.abs(got.astype(np.float64) - ref) / np.maximum(np.abs(ref), floor)
    rel = float(np.max(err))
    return rel <= rtol, f"{name}: shape {got.shape}, max relative error {rel:.3g} (limit {rtol:g})"


def first_lines(text, n=6):
    lines = text.strip().splitlines()
    more = f"\n  ... ({len(lines) - n} more lines)" if len(lines) > n else ""
    return "\n".join("  " + l for l in lines[:n]) + more


def run_jit(bin_dir, model, inp, work, timeout):
    cmd = [os.path.join(bin_dir, "dl-run"), model, "--input", inp, "--output-dir", work]
    t0 = time.time()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"dl-run timed out after {timeout} s", None
    dt = time.time() - t0
    if r.returncode != 0:
        return None, f"dl-run exited {r.returncode} after {dt:.1f} s\n{first_lines(r.stderr)}", dt
    return np.load(os.path.join(work, "output_0.npy")), None, dt


def is_dynamic(model):
    """Does the model's first input have a dimension without a value?"""
    import onnx

    m = onnx.load(model, load_external_data=False)
    dims = m.graph.input[0].type.tensor_type.shape.dim
    return any(not d.HasField("dim_value") for d in dims)


def compile_time(bin_dir, model, timeout):
    work = tempfile.mkdtemp(prefix="dlc-resnet50-so-")
    lib = os.path.join(work, "libresnet50.so")
    t0 = time.time()
    try:
        r = subprocess.run([os.path.join(bin_dir, "dlc"), model, "-o", lib],
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        shutil.rmtree(work, ignore_errors=True)
        return f"resnet50 compile time: timed out after {timeout} s"
    dt = time.time() - t0
    shutil.rmtree(work, ignore_errors=True)
    if r.returncode != 0:
        return f"resnet50 compile time: failed after {dt:.1f} s (dlc exited {r.returncode})\n" \
               f"{first_lines(r.stderr)}"
    return f"resnet50 compile time: {dt:.1f} s"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", default=os.path.join(REPO, "target", "release"))
    ap.add_argument("--rtol", type=float, default=1e-3)
    ap.add_argument("--regen", action="store_true", help="always run gen_big_models.py")
    ap.add_argument("--only", nargs="*", help="model stems to check (default: all)")
    ap.add_argument("--no-compile", action="store_true", help="skip timing dlc on resnet50.onnx")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per dl-run / dlc")
    args = ap.parse_args()
    cases = [c for c in gen_big_models.cases() if not args.only or c[0] in args.only]
    stems = sorted({c[0] for c in cases})
    needed = [os.path.join(MODELS_DIR, f"{s}.onnx") for s in stems]
    needed += [os.path.join(MODELS_DIR, f"{c[3]}.{k}.npy") for c in cases for k in ("input", "output")]
    if args.regen or not all(os.path.exists(p) for p in needed):
        subprocess.run([sys.executable, os.path.join(MODELS_DIR, "gen_big_models.py"),
                        "--only", *stems], check=True)
    passed = failed = 0
    runners = {}  # stem -> (runner, work dir, error) for models with run-time dims
    for stem, _batch, _seq, name in cases:
        model = os.path.join(MODELS_DIR, f"{stem}.onnx")
        inp = os.path.join(MODELS_DIR, f"{name}.input.npy")
        ref = np.load(os.path.join(MODELS_DIR, f"{name}.output.npy"))
        if is_dynamic(model):
            if stem not in runners:
                work = tempfile.mkdtemp(prefix=f"dlc-{stem}-so-")
                t0 = time.time()
                exe, err = build_dyn_runner(args.bin_dir, model, work)
                print(f"{stem}: one library for every shape, dlc + cc {time.time() - t0:.1f} s",
                      flush=True)
                runners[stem] = (exe, work, err)
            exe, work, err = runners[stem]
            label = f"{name} (so)"
            if exe is None:
                ok, msg = False, f"{label}: {err}"
            else:
                t0 = time.time()
                got, e = run_dyn(exe, inp, work, ref.shape)
                ok, msg = (False, f"{label}: {e}") if e else compare(label, got, ref, args.rtol)
                msg += f", run {time.time() - t0:.1f} s"
        else:
            work = tempfile.mkdtemp(prefix=f"dlc-{name}-")
            got, err, dt = run_jit(args.bin_dir, model, inp, work, args.timeout)
            if err is not None:
                ok, msg = False, f"{name} (jit): {err}"
            else:
                ok, msg = compare(f"{name} (jit)", got, ref, args.rtol)
                msg += f", dl-run {dt:.1f} s"
            shutil.rmtree(work, ignore_errors=True)
        print(f"{'PASS' if ok else 'FAIL'} {msg}", flush=True)
        passed += ok
        failed += not ok
    for _exe, work, _err in runners.values():
        shutil.rmtree(work, ignore_errors=True)
    if not args.no_compile and (not args.only or "resnet50" in args.only):
        print(compile_time(args.bin_dir, os.path.join(MODELS_DIR, "resnet50.onnx"), args.timeout),
              flush=True)
    print(f"big-models: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
