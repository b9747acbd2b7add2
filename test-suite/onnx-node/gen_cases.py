#!/usr/bin/env python3
"""Writes out the ONNX backend node conformance cases carried by the installed
onnx package (`onnx.backend.test.case.node`, about 1,900 cases) in the
standard on-disk layout:

  cases/test_abs/model.onnx
  cases/test_abs/test_data_set_0/input_0.pb ... output_0.pb

Nothing is downloaded: each case is rebuilt from the package's own Python
definitions (`collect_testcases()` runs every `export*` function, which builds
the model and computes the reference outputs with numpy). Only the "node"
cases are written, not the "simple"/"real"/"pytorch" model cases.

Idempotent: `cases/.stamp` records the onnx version and a hash of this
script; when it matches, nothing is rewritten (`--force` regenerates). A new
tree is written next to the old one and swapped in at the end, so an
interrupted run never leaves a half-written case folder behind a valid stamp.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import time
import warnings

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "cases")
STAMP = ".stamp"


def stamp_contents():
    with open(os.path.abspath(__file__), "rb") as f:
        script_hash = hashlib.sha256(f.read()).hexdigest()[:16]
    return {"onnx": onnx.__version__, "generator": script_hash}


def read_stamp(out):
    try:
        with open(os.path.join(out, STAMP)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def value_proto(value, vi):
    """Serializable proto for one input/output value, by the graph's declared
    type: tensors as TensorProto, sequences/optionals/maps with the matching
    numpy_helper constructor."""
    kind = vi.type.WhichOneof("value")
    if kind == "sequence_type":
        return numpy_helper.from_list(value, vi.name)
    if kind == "optional_type":
        return numpy_helper.from_optional(value, vi.name)
    if kind == "map_type":
        return numpy_helper.from_dict(value, vi.name)
    if kind != "tensor_type":
        raise ValueError(f"value {vi.name!r} has unsupported type {kind!r}")
    if isinstance(value, TensorProto):
        # Types numpy cannot hold (float8, int4, ...) come prebuilt.
        return value
    return numpy_helper.from_array(np.asarray(value), vi.name)


def write_case(case, root):
    case_dir = os.path.join(root, case.name)
    os.makedirs(case_dir)
    with open(os.path.join(case_dir, "model.onnx"), "wb") as f:
        f.write(case.model.SerializeToString())
    graph = case.model.graph
    for i, (inputs, outputs) in enumerate(case.data_sets):
        ds = os.path.join(case_dir, f"test_data_set_{i}")
        os.makedirs(ds)
        for prefix, values, infos in (("input", inputs, graph.input),
                                      ("output", outputs, graph.output)):
            for j, value in enumerate(values):
                proto = value_proto(value, infos[j])
                with open(os.path.join(ds, f"{prefix}_{j}.pb"), "wb") as f:
                    f.write(proto.SerializeToString())


def collect():
    # Imported here: importing runs every export function (a few seconds).
    from onnx.backend.test.case import node

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return list(node.collect_testcases())


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    ap.add_argument("--force", action="store_true", help="regenerate even if the stamp matches")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    want = stamp_contents()
    if not args.force and read_stamp(out) == want:
        n = sum(1 for d in os.listdir(out) if d.startswith("test_"))
        print(f"onnx-node cases: {n} up to date in {out} (onnx {want['onnx']})")
        return 0

    start = time.monotonic()
    cases = collect()
    names = [c.name for c in cases]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        print(f"error: duplicate case names: {', '.join(dup)}", file=sys.stderr)
        return 1
    tmp = f"{out}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        for case in cases:
            if case.kind != "node":
                continue
            write_case(case, tmp)
        with open(os.path.join(tmp, STAMP), "w") as f:
            json.dump(want, f)
            f.write("\n")
        old = f"{out}.old-{os.getpid()}"
        if os.path.exists(out):
            os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print(f"onnx-node cases: wrote {len(cases)} to {out} (onnx {want['onnx']}, "
          f"{time.monotonic() - start:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
