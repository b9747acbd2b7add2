#!/usr/bin/env python3
"""Which ONNX node conformance cases onnxruntime passes, against dlc.

Runs every case written by gen_cases.py through onnxruntime (CPU, a plain
InferenceSession per case, default options) and compares its outputs with
the references using run.py's comparison (rtol 1e-3, atol 1e-7, exact for
integers and bool). Then reads dlc's latest results (cases/results.json,
written by run.py) and prints:

  - onnxruntime's count (`onnxruntime: N passed, N failed`),
  - the cases onnxruntime passes and dlc fails, grouped by operator (the
    gap the issue asks to close), and the count of those in scope (dlc
    skips by policy are left out),
  - the cases dlc passes and onnxruntime does not.

Writes cases/ort_results.json. Needs onnxruntime (in the project's venv).
"""
import argparse
import collections
import glob
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as runner  # noqa: E402  (the shared comparison)


def ort_case(case_dir, rtol, atol):
    """None if onnxruntime passes the case, else a reason."""
    import onnxruntime as ort

    ort.set_default_logger_severity(4)
    try:
        sess = ort.InferenceSession(os.path.join(case_dir, "model.onnx"),
                                    providers=["CPUExecutionProvider"])
    except Exception as e:  # noqa: BLE001 - any load failure is a failure
        return "load: " + str(e).splitlines()[0][:150]
    names = [i.name for i in sess.get_inputs()]
    for ds in sorted(glob.glob(os.path.join(case_dir, "test_data_set_*"))):
        feeds = {}
        for k, name in enumerate(names):
            p = os.path.join(ds, f"input_{k}.pb")
            if not os.path.exists(p):
                continue
            t = onnx.TensorProto()
            try:
                with open(p, "rb") as f:
                    t.ParseFromString(f.read())
                feeds[name] = numpy_helper.to_array(t)
            except Exception:  # noqa: BLE001 - sequences, optionals, maps
                return "input is not a tensor"
        try:
            outs = sess.run(None, feeds)
        except Exception as e:  # noqa: BLE001
            return "run: " + str(e).splitlines()[0][:150]
        for k, got in enumerate(outs):
            p = os.path.join(ds, f"output_{k}.pb")
            if not os.path.exists(p):
                continue
            t = onnx.TensorProto()
            try:
                with open(p, "rb") as f:
                    t.ParseFromString(f.read())
                ref = numpy_helper.to_array(t)
            except Exception:  # noqa: BLE001
                return "output is not a tensor"
            why = runner.compare(np.asarray(got), np.asarray(ref), rtol, atol)
            if why:
                return f"output {k}: {why}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default=os.path.join(HERE, "cases"))
    ap.add_argument("--rtol", type=float, default=1e-3)
    ap.add_argument("--atol", type=float, default=1e-7)
    args = ap.parse_args()
    results = {}
    for case_dir in sorted(glob.glob(os.path.join(args.cases, "test_*"))):
        name = os.path.basename(case_dir)
        results[name] = ort_case(case_dir, args.rtol, args.atol)
    with open(os.path.join(args.cases, "ort_results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    ok = sum(1 for r in results.values() if r is None)
    print(f"onnxruntime: {ok} passed, {len(results) - ok} failed")
    dlc_path = os.path.join(args.cases, "results.json")
    if not os.path.exists(dlc_path):
        print("no dlc results (run run.py first)")
        return 0
    with open(dlc_path) as f:
        dlc = json.load(f)
    cases = dlc.get("cases", dlc)
    status = {n: c.get("status") for n, c in cases.items()}
    op = {n: c.get("operator", "?") for n, c in cases.items()}
    gap = [n for n, r in results.items() if r is None and status.get(n) == "FAIL"]
    extra = [n for n, r in results.items() if r is not None and status.get(n) == "PASS"]
    by_op = collections.Counter(op[n] for n in gap)
    print(f"onnxruntime passes, dlc fails: {len(gap)} cases")
    for o, k in by_op.most_common():
        print(f"  {k:4d}  {o}")
    print(f"dlc passes, onnxruntime fails: {len(extra)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
