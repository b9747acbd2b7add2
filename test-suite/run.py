#!/usr/bin/env python3
"""End-to-end model tests: builds the seeded models (MLP, CNN) with
test-suite/models/gen_models.py, whose reference outputs come from
onnxruntime, compiles and runs each with dl-run (LLVM JIT), and compares:
max relative error at most 1e-4. Prints `N passed, N failed`."""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MODELS = ["mlp", "cnn"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin-dir", default=os.path.join(REPO, "target", "release"))
    ap.add_argument("--rtol", type=float, default=1e-4)
    args = ap.parse_args()
    models_dir = os.path.join(HERE, "models")
    # The lit inputs are checked in; only the whole models are (re)built here.
    subprocess.run([sys.executable, os.path.join(models_dir, "gen_models.py"),
                    "--lit-inputs", tempfile.mkdtemp()], check=True)
    passed = failed = 0
    for m in MODELS:
        out_dir = tempfile.mkdtemp(prefix=f"dlc-{m}-")
        cmd = [os.path.join(args.bin_dir, "dl-run"), os.path.join(models_dir, f"{m}.onnx"),
               "--input", os.path.join(models_dir, f"{m}.input.npy"), "--output-dir", out_dir]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL {m}: dl-run exited {r.returncode}\n{r.stderr}")
            failed += 1
            continue
        got = np.load(os.path.join(out_dir, "output_0.npy"))
        ref = np.load(os.path.join(models_dir, f"{m}.output.npy"))
        if got.shape != ref.shape:
            print(f"FAIL {m}: shape {got.shape} != reference {ref.shape}")
            failed += 1
            continue
        rel = float(np.max(np.abs(got - ref) / np.maximum(np.abs(ref), 1e-6)))
        ok = rel <= args.rtol
        print(f"{'PASS' if ok else 'FAIL'} {m}: shape {got.shape}, max relative error {rel:.3g} (limit {args.rtol:g})")
        passed += ok
        failed += not ok
    print(f"test-suite: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
