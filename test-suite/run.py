#!/usr/bin/env python3
"""End-to-end model tests. Builds the seeded models (MLP, CNN) with
test-suite/models/gen_models.py, whose reference outputs come from
onnxruntime, and checks each one two ways:

  jit  `dl-run MODEL.onnx` (LLVM JIT, in memory);
  so   `dlc MODEL.onnx -o libMODEL.so`, then test-suite/c_runner.c compiled
       with the system C compiler against the generated header and the
       library, so the C ABI (inputs, outputs, caller-provided workspace)
       is exercised with no dlc code in the process.

and, for the CNN with a run-time batch dimension (cnn_dyn):

  dyn  `dlc cnn_dyn.onnx -o libcnn_dyn.so` once, then test-suite/c_runner_dyn.c
       (the dynamic C ABI: input shapes in, output shapes out, workspace
       sized by the shapes) at every batch size gen_models.py wrote
       references for, all from that one library.

and for a detection post-process whose output extents depend on the data
(detect: NonMaxSuppression and NonZero):

  jit  `dl-run detect.onnx`;
  dyn  `dlc detect.onnx -o libdetect.so` and c_runner_dyn.c, which reads
       the actual output shapes the entry point reports.

Float outputs must match within max relative error 1e-4; integer outputs
(detect's indices) exactly, in shape and value. Prints one line
per check and `test-suite: N passed, N failed`."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MODELS = ["mlp", "cnn"]


def compare(name, got, ref, rtol):
    """(ok, message) for output `got` against reference `ref`."""
    if got.shape != ref.shape:
        return False, f"{name}: shape {got.shape} != reference {ref.shape}"
    rel = float(np.max(np.abs(got - ref) / np.maximum(np.abs(ref), 1e-6)))
    return rel <= rtol, f"{name}: shape {got.shape}, max relative error {rel:.3g} (limit {rtol:g})"


def run_jit(bin_dir, model, inp, work):
    cmd = [os.path.join(bin_dir, "dl-run"), model, "--input", inp, "--output-dir", work]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"dl-run exited {r.returncode}\n{r.stderr}"
    return np.load(os.path.join(work, "output_0.npy")), None


def build_runner(bin_dir, model, work, runner_c, entry_re):
    """`dlc model -o libmodel.so`, then `runner_c` compiled against its
    header and library; the entry point's name is read from the header with
    `entry_re`. Returns the runner's path, or (None, error)."""
    lib = os.path.join(work, "libmodel.so")
    r = subprocess.run([os.path.join(bin_dir, "dlc"), model, "-o", lib],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"dlc exited {r.returncode}\n{r.stderr}"
    header = os.path.join(work, "libmodel.h")
    with open(header) as f:
        m = re.search(entry_re, f.read(), re.M)
    if not m:
        return None, f"no entry point declared in {header}"
    exe = os.path.join(work, "runner")
    cc = os.environ.get("CC", "cc")
    r = subprocess.run([cc, "-std=c99", "-Wall", "-Werror", "-O1",
                        '-DDLC_HEADER="libmodel.h"', f"-DDLC_ENTRY={m.group(1)}",
                        "-I", work, os.path.join(HERE, runner_c), lib,
                        f"-Wl,-rpath,{work}", "-o", exe], capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"{cc} failed\n{r.stderr}"
    return exe, None


def run_so(bin_dir, model, inp, work, ref_shape):
    exe, err = build_runner(bin_dir, model, work, "c_runner.c",
                            r"^size_t (\w+)_workspace_size\(void\);")
    if exe is None:
        return None, err
    x = np.load(inp).astype(np.float32)
    in_bin, out_bin = os.path.join(work, "in0.bin"), os.path.join(work, "out0.bin")
    x.tofile(in_bin)
    r = subprocess.run([exe, in_bin, out_bin], capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"runner exited {r.returncode}\n{r.stderr}"
    return np.fromfile(out_bin, dtype=np.float32).reshape(ref_shape), None


def build_dyn_runner(bin_dir, model, work):
    """`dlc model -o lib.so` plus c_runner_dyn.c against it: the runner's
    path, or (None, error)."""
    return build_runner(bin_dir, model, work, "c_runner_dyn.c", r"^void (\w+)_output_shapes\(")


def run_dyn(exe, inp, work, ref_shape):
    """One run of a dynamic-ABI runner on `inp`."""
    x = np.load(inp).astype(np.float32)
    in_bin, out_bin = os.path.join(work, "in0.bin"), os.path.join(work, "out0.bin")
    x.tofile(in_bin)
    shape = "x".join(str(d) for d in x.shape)
    r = subprocess.run([exe, f"{in_bin}:{shape}", out_bin], capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"runner exited {r.returncode}\n{r.stderr}"
    return np.fromfile(out_bin, dtype=np.float32).reshape(ref_shape), None


def check_detect(bin_dir, models_dir):
    """detect.onnx through dl-run and through its library: (ok, message)
    per way. Its outputs are indices whose count depends on the data."""
    model = os.path.join(models_dir, "detect.onnx")
    names = [os.path.join(models_dir, f"detect.{n}.npy") for n in ("boxes", "scores")]
    refs = [np.load(os.path.join(models_dir, f"detect.output_{k}.npy")) for k in range(2)]

    def same(how, got):
        for k, (g, r) in enumerate(zip(got, refs)):
            if g.dtype != r.dtype or g.shape != r.shape or not np.array_equal(g, r):
                return False, f"detect ({how}): output {k} is {g.dtype}{list(g.shape)}, " \
                    f"expected {r.dtype}{list(r.shape)} (or the values differ)"
        return True, f"detect ({how}): outputs {[list(r.shape) for r in refs]} equal"

    results = []
    work = tempfile.mkdtemp(prefix="dlc-detect-jit-")
    cmd = [os.path.join(bin_dir, "dl-run"), model, "--input", names[0], "--input", names[1],
           "--output-dir", work]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        results.append((False, f"detect (jit): dl-run exited {r.returncode}\n{r.stderr}"))
    else:
        results.append(same("jit", [np.load(os.path.join(work, f"output_{k}.npy"))
                                    for k in range(2)]))
    work = tempfile.mkdtemp(prefix="dlc-detect-so-")
    exe, err = build_dyn_runner(bin_dir, model, work)
    if exe is None:
        results.append((False, f"detect (so): {err}"))
        return results
    args = []
    for k, n in enumerate(names):
        x = np.load(n)
        x.tofile(os.path.join(work, f"in{k}.bin"))
        args.append(f"{work}/in{k}.bin:" + "x".join(str(d) for d in x.shape))
    outs = [os.path.join(work, f"out{k}.bin") for k in range(2)]
    r = subprocess.run([exe] + args + outs, capture_output=True, text=True)
    if r.returncode != 0:
        results.append((False, f"detect (so): runner exited {r.returncode}\n{r.stderr}"))
        return results
    shapes = [[int(d) for d in line.split()[3:]] for line in r.stdout.splitlines()
              if line.startswith("output ")]
    got = [np.fromfile(o, dtype=np.int64).reshape(s) for o, s in zip(outs, shapes)]
    results.append(same("so", got))
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", default=os.path.join(REPO, "target", "release"))
    ap.add_argument("--rtol", type=float, default=1e-4)
    args = ap.parse_args()
    models_dir = os.path.join(HERE, "models")
    # The lit inputs are checked in; only the whole models are (re)built here.
    lit_scratch = tempfile.mkdtemp()
    subprocess.run([sys.executable, os.path.join(models_dir, "gen_models.py"),
                    "--lit-inputs", lit_scratch], check=True)
    shutil.rmtree(lit_scratch, ignore_errors=True)
    passed = failed = 0
    for m in MODELS:
        model = os.path.join(models_dir, f"{m}.onnx")
        inp = os.path.join(models_dir, f"{m}.input.npy")
        ref = np.load(os.path.join(models_dir, f"{m}.output.npy"))
        for how in ("jit", "so"):
            work = tempfile.mkdtemp(prefix=f"dlc-{m}-{how}-")
            if how == "jit":
                got, err = run_jit(args.bin_dir, model, inp, work)
            else:
                got, err = run_so(args.bin_dir, model, inp, work, ref.shape)
            if err is not None:
                ok, msg = False, f"{m} ({how}): {err}"
            else:
                ok, msg = compare(f"{m} ({how})", got, ref, args.rtol)
            print(f"{'PASS' if ok else 'FAIL'} {msg}", flush=True)
            passed += ok
            failed += not ok
            if ok:
                shutil.rmtree(work, ignore_errors=True)
    # One library, several batch sizes.
    sys.path.insert(0, models_dir)
    import gen_models  # noqa: E402

    work = tempfile.mkdtemp(prefix="dlc-cnn_dyn-so-")
    exe, err = build_dyn_runner(args.bin_dir, os.path.join(models_dir, "cnn_dyn.onnx"), work)
    all_ok = exe is not None
    for n in gen_models.CNN_DYN_BATCHES:
        name = f"cnn_dyn (so, batch {n})"
        ref = np.load(os.path.join(models_dir, f"cnn_dyn.b{n}.output.npy"))
        if exe is None:
            ok, msg = False, f"{name}: {err}"
        else:
            got, e = run_dyn(exe, os.path.join(models_dir, f"cnn_dyn.b{n}.input.npy"), work,
                             ref.shape)
            ok, msg = (False, f"{name}: {e}") if e else compare(name, got, ref, args.rtol)
        print(f"{'PASS' if ok else 'FAIL'} {msg}", flush=True)
        passed += ok
        failed += not ok
        all_ok &= ok
    if all_ok:
        shutil.rmtree(work, ignore_errors=True)
    for ok, msg in check_detect(args.bin_dir, models_dir):
        print(f"{'PASS' if ok else 'FAIL'} {msg}", flush=True)
        passed += ok
        failed += not ok
    print(f"test-suite: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
