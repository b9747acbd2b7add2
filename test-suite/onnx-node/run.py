#!/usr/bin/env python3
"""ONNX backend node conformance cases through `dl-run` (JIT).

The cases come from test-suite/onnx-node/gen_cases.py (run first unless
--no-generate; it is a no-op when its stamp is current). For every case
folder and every test_data_set_N in it, runs

  dl-run model.onnx --input input_0.pb --input input_1.pb ... --output-dir TMP

(a private copy of BIN_DIR/dl-run taken at the start, so that a rebuild
during the run cannot mix two builds; a per-case time limit --timeout,
default 60 s, shared by its data sets; --jobs cases in parallel, default 2)
and compares TMP/output_K.npy with output_K.pb like onnx's backend runner:
dtype and shape must match exactly; integer, bool and int4/int2 outputs must
be equal; floating outputs must satisfy |got - ref| <= atol + rtol * |ref|
(rtol 1e-3, atol 1e-7, as `np.testing.assert_allclose`), with NaN equal to
NaN and an infinity equal only to the same infinity. float16, bfloat16,
float8 and float4 values are compared after conversion to float64. A
bfloat16 output may come as float32 (dl-run's .npy convention, NumPy having
no bf16); it is rounded to bfloat16 first.

Each case ends as
  PASS  every output of every data set matched;
  FAIL  with a one-line reason: the first `error:` line of dl-run's stderr
        (for "unsupported ONNX operator(s):" the operators listed below it),
        a panic, a signal, a timeout, a missing/unreadable output, a
        dtype/shape mismatch, or the max abs/rel error;
  SKIP  out of scope by policy, reason recorded: a graph input/output that is
        not a tensor (sequence, optional, map, sparse), a string tensor, or a
        training op (TRAINING_OPS below, or any op of the
        ai.onnx.preview.training domain).

Operator of a case (the per-operator table): the op type of the model's
single node (domain-qualified when not the default domain). A function case
named `<base>_expanded` or `<base>_expanded_verN` is the function body of the
operator tested by `<base>`; it is counted under `<Op>/expanded`, where <Op>
is the single node's op type of the `<base>` case. A case that fits neither
rule is named by its sorted distinct op types joined with `+`.

Expected failures (the policy): expected_failures.txt, checked in, lists
every case known to fail, one line each, `test_name  # reason` (the reason is
informative only). The run exits 1 if a case fails that is not
listed (newly failing), if a listed case passes (remove its line), or if a
listed case is skipped or no longer exists (stale line); otherwise 0. So
coverage can only go up: a change that makes cases pass must delete their
lines in the same commit, and a change that breaks a case must fix it (or
list it, with a reason, deliberately). With --filter only the selected cases
are checked.
--update-expected rewrites the file from this run (with --filter, only the
selected cases' lines change) and exits 0.

Results of the run, per case (status, reason, operator, seconds), are written
to CASES/results.json. The last line printed is
`onnx-node: N passed, N failed, N skipped`.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_CASES = os.path.join(HERE, "cases")
EXPECTED = os.path.join(HERE, "expected_failures.txt")

RTOL = 1e-3
ATOL = 1e-7
TRAINING_OPS = {"Adagrad", "Adam", "Momentum", "Gradient"}
TRAINING_DOMAINS = {"ai.onnx.preview.training"}
DEFAULT_DOMAINS = {"", "ai.onnx"}
EXPANDED_RE = re.compile(r"^(?P<base>.+)_expanded(?:_ver\d+)?$")
REASON_MAX = 160
UNEXPECTED_MAX = 100

EXPECTED_HEADER = """\
# ONNX backend node cases that dl-run is known to fail, one per line:
#   test_name  # reason (informative only)
# test-suite/onnx-node/run.py fails when a case not listed here fails, or when
# a listed case passes (remove its line) -- coverage can only go up.
# Regenerate from the current binaries with:
#   .venv/bin/python test-suite/onnx-node/run.py --update-expected
"""


# ---- cases and policy --------------------------------------------------------

def numeric_suffix(name):
    m = re.search(r"(\d+)(?:\.\w+)?$", name)
    return int(m.group(1)) if m else -1


def op_name(node):
    if node.domain in DEFAULT_DOMAINS:
        return node.op_type
    return f"{node.domain}.{node.op_type}"


def single_op(model):
    nodes = model.graph.node
    return op_name(nodes[0]) if len(nodes) == 1 else None


def operator_of(name, model, models):
    m = EXPANDED_RE.match(name)
    if m and m.group("base") in models:
        base = single_op(models[m.group("base")])
        if base:
            return f"{base}/expanded"
    op = single_op(model)
    if op and not m:
        return op
    return "+".join(sorted({op_name(n) for n in model.graph.node})) or "(no nodes)"


def skip_reason(model):
    """Why the case is out of scope, or None."""
    for node in model.graph.node:
        if node.op_type in TRAINING_OPS or node.domain in TRAINING_DOMAINS:
            return f"training op {op_name(node)}"
    g = model.graph
    for what, infos in (("input", g.input), ("output", g.output)):
        for vi in infos:
            kind = vi.type.WhichOneof("value")
            if kind != "tensor_type":
                kind = (kind or "untyped").replace("_type", "")
                return f"{kind} {what} '{vi.name}'"
            if vi.type.tensor_type.elem_type == TensorProto.STRING:
                return f"string tensor {what} '{vi.name}'"
    return None


# ---- comparison --------------------------------------------------------------

EXACT_V_DTYPES = {"int4", "uint4", "int2", "uint2"}


def compare(got, ref, rtol, atol):
    """None if `got` matches `ref`, else a one-line reason."""
    if ref.dtype.name == "bfloat16" and got.dtype == np.float32:
        # NumPy has no bf16: dl-run writes bf16 outputs widened to <f4.
        got = got.astype(ref.dtype)
    if got.dtype != ref.dtype:
        return f"dtype {got.dtype} != expected {ref.dtype}"
    if got.shape != ref.shape:
        return f"shape {got.shape} != expected {ref.shape}"
    if ref.size == 0:
        return None
    kind = ref.dtype.kind
    name = ref.dtype.name
    exact = kind in "biuSUO" or name in EXACT_V_DTYPES
    if exact:
        if name in EXACT_V_DTYPES:
            bad = got.astype(np.int64) != ref.astype(np.int64)
        else:
            bad = got != ref
        n = int(np.count_nonzero(bad))
        if n == 0:
            return None
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        return (f"{n}/{ref.size} elements differ (exact compare), first at {idx}: "
                f"got {got[idx]} expected {ref[idx]}")
    wide = np.complex128 if kind == "c" else np.float64
    with np.errstate(all="ignore"):
        g = got.astype(wide)
        r = ref.astype(wide)
        nan_g, nan_r = np.isnan(g), np.isnan(r)
        if kind == "c":
            nan_g, nan_r = np.isnan(g.real) | np.isnan(g.imag), np.isnan(r.real) | np.isnan(r.imag)
        if (nan_g != nan_r).any():
            n = int(np.count_nonzero(nan_g != nan_r))
            return f"NaN mismatch at {n}/{ref.size} elements"
        live = ~nan_r
        diff = np.where(live, np.abs(g - r), 0.0)
        equal = (g == r) | ~live
        # An infinity only matches itself (assert_allclose's rule; the
        # tolerance test alone would accept -inf for +inf).
        bad = ~equal & (~(diff <= atol + rtol * np.abs(r)) | np.isinf(r) | np.isinf(g))
        if not bad.any():
            return None
        abs_err = float(np.max(np.where(equal, 0.0, diff)))
        rel = np.where(equal, 0.0, diff / np.maximum(np.abs(r), np.finfo(np.float64).tiny))
        rel = np.where(np.isinf(r) & ~equal, np.inf, rel)
        rel_err = float(np.max(rel))
    return (f"max abs error {abs_err:.3g}, max rel error {rel_err:.3g} at "
            f"{int(np.count_nonzero(bad))}/{ref.size} elements (rtol {rtol:g}, atol {atol:g})")


# ---- running one case --------------------------------------------------------

def condense_unsupported(first, following):
    """`N unsupported ONNX operator(s):` + indented list -> one line."""
    ops = []
    for line in following:
        if not line.startswith((" ", "\t")):
            break
        m = re.match(r"\s*'([^']+)' \(node '[^']*', domain '([^']*)'", line)
        if m:
            dom = m.group(2)
            ops.append(m.group(1) if dom in DEFAULT_DOMAINS else f"{dom}.{m.group(1)}")
        else:
            ops.append(line.strip())
    ops = list(dict.fromkeys(ops))  # dl-run lists every node; keep each op once
    return f"{first} {', '.join(ops)}" if ops else first


def failure_reason(rc, stderr):
    lines = stderr.splitlines()
    if rc < 0:
        try:
            sig = signal.Signals(-rc).name
        except ValueError:
            sig = f"signal {-rc}"
        return f"crash: {sig}"
    for i, line in enumerate(lines):
        m = re.search(r"\berror: (.*)$", line)
        if m:
            msg = m.group(1).strip()
            if msg.endswith(":"):
                msg = condense_unsupported(msg, lines[i + 1:])
            return msg
    for i, line in enumerate(lines):
        if "panicked at" in line:
            msg = line.split("panicked at", 1)[1].strip()
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            return f"panic at {msg} {nxt}".strip()
    first = next((ln.strip() for ln in lines if ln.strip()), "no stderr")
    return f"dl-run exited {rc}: {first}"


def shorten(text, limit=REASON_MAX):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def data_sets(case_dir):
    sets = [d for d in os.listdir(case_dir)
            if d.startswith("test_data_set_") and os.path.isdir(os.path.join(case_dir, d))]
    return [os.path.join(case_dir, d) for d in sorted(sets, key=numeric_suffix)]


def files(ds, prefix):
    names = [f for f in os.listdir(ds) if re.fullmatch(prefix + r"_\d+\.pb", f)]
    return [os.path.join(ds, f) for f in sorted(names, key=numeric_suffix)]


def run_case(dl_run, case_dir, timeout, rtol, atol):
    """(status, reason) for one case that is in scope."""
    model = os.path.join(case_dir, "model.onnx")
    deadline = time.monotonic() + timeout
    sets = data_sets(case_dir)
    if not sets:
        return "FAIL", "no test_data_set_N folder"
    for ds in sets:
        tag = f"{os.path.basename(ds)}: " if len(sets) > 1 else ""
        cmd = [dl_run, model]
        for inp in files(ds, "input"):
            cmd += ["--input", inp]
        refs = files(ds, "output")
        with tempfile.TemporaryDirectory(prefix="dlc-onnx-node-") as out:
            cmd += ["--output-dir", out]
            left = deadline - time.monotonic()
            if left <= 0:
                return "FAIL", f"{tag}timeout after {timeout:g}s"
            try:
                r = subprocess.run(cmd, capture_output=True, timeout=left)
            except subprocess.TimeoutExpired:
                return "FAIL", f"{tag}timeout after {timeout:g}s"
            except OSError as e:
                return "FAIL", f"cannot run dl-run: {e}"
            if r.returncode != 0:
                return "FAIL", tag + failure_reason(
                    r.returncode, r.stderr.decode("utf-8", "replace"))
            for k, ref_file in enumerate(refs):
                got_file = os.path.join(out, f"output_{k}.npy")
                if not os.path.exists(got_file):
                    return "FAIL", f"{tag}output {k}: dl-run wrote no output_{k}.npy"
                try:
                    got = np.load(got_file, allow_pickle=False)
                except Exception as e:  # noqa: BLE001 - any unreadable file is a failure
                    return "FAIL", f"{tag}output {k}: unreadable output_{k}.npy ({e})"
                ref = numpy_helper.to_array(onnx.load_tensor(ref_file))
                why = compare(got, ref, rtol, atol)
                if why:
                    return "FAIL", f"{tag}output {k}: {why}"
            extra = sorted(f for f in os.listdir(out)
                           if re.fullmatch(r"output_\d+\.npy", f)
                           and numeric_suffix(f) >= len(refs))
            if extra:
                return "FAIL", f"{tag}{len(extra)} extra output(s): {', '.join(extra)}"
    return "PASS", ""


# ---- expected failures -------------------------------------------------------

def read_expected(path):
    entries = {}
    if not os.path.exists(path):
        return entries
    with open(path) as f:
        for n, line in enumerate(f, 1):
            body, _, reason = line.partition("#")
            name = body.strip()
            if not name:
                continue
            if not re.fullmatch(r"test_\w+", name):
                sys.exit(f"{path}:{n}: error: not a case name: {name!r}")
            entries[name] = reason.strip()
    return entries


def write_expected(path, entries):
    with open(path, "w") as f:
        f.write(EXPECTED_HEADER)
        for name in sorted(entries):
            reason = entries[name].replace("#", "")
            f.write(f"{name}  # {shorten(reason, 120)}\n" if reason else f"{name}\n")


def reason_groups(reason):
    """Grouping keys for the failure summary: one per unsupported operator,
    else the reason with numbers and quoted names generalized."""
    m = re.search(r"unsupported ONNX operator\(s\): (.*)$", reason)
    if m:
        return [f"unsupported operator {op}" for op in m.group(1).split(", ")]
    key = re.sub(r"^test_data_set_\d+: ", "", reason)
    key = re.sub(r"^output \d+: ", "output K: ", key)
    if re.search(r"max abs error|elements differ|NaN mismatch", key):
        return [re.sub(r":.*", ": values differ beyond tolerance", key)]
    key = re.sub(r"\((shape|dtype)[^()]*\)|\([\d, ]*\)", "(...)", key)  # shapes
    # ONNX element-type numbers by name, other numbers generalized
    key = re.sub(r"data type (\d+)", lambda m: "data type " + dtype_name(int(m.group(1))), key)
    key = re.sub(r"\b(ui|si|i|f|bf)\d+\b", r"\1N", key)  # MLIR types: ui8 -> uiN
    key = re.sub(r"(?<![A-Za-z_])\d+(\.\d+)?(e[-+]?\d+)?(?![A-Za-z_])", "N", key)
    return [shorten(key, 110)]


def dtype_name(n):
    try:
        return TensorProto.DataType.Name(n)
    except ValueError:
        return str(n)


# ---- main --------------------------------------------------------------------

def stat_of(path):
    try:
        st = os.stat(path)
        return (st.st_ino, st.st_size, st.st_mtime_ns)
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", default=os.path.join(REPO, "target", "release"))
    ap.add_argument("--cases", default=DEFAULT_CASES, help="case folder (default: %(default)s)")
    ap.add_argument("--expected", default=EXPECTED, help="expected-failures file")
    ap.add_argument("--filter", metavar="REGEX", help="only cases whose name matches (re.search)")
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per case")
    ap.add_argument("--rtol", type=float, default=RTOL)
    ap.add_argument("--atol", type=float, default=ATOL)
    ap.add_argument("--update-expected", action="store_true",
                    help="rewrite the expected-failures file from this run")
    ap.add_argument("--no-generate", action="store_true",
                    help="do not run gen_cases.py first")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case")
    args = ap.parse_args()

    cases_root = os.path.abspath(args.cases)
    if not args.no_generate:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_cases.py"),
                        "--out", cases_root], check=True)
    dl_run = os.path.join(os.path.abspath(args.bin_dir), "dl-run")
    if not os.access(dl_run, os.X_OK):
        print(f"error: no dl-run at {dl_run} (build with cargo build --release)", file=sys.stderr)
        return 2
    if not os.path.isdir(cases_root):
        print(f"error: no cases in {cases_root} (run gen_cases.py)", file=sys.stderr)
        return 2

    all_names = sorted(d for d in os.listdir(cases_root)
                       if d.startswith("test_")
                       and os.path.isfile(os.path.join(cases_root, d, "model.onnx")))
    pattern = re.compile(args.filter) if args.filter else None
    names = [n for n in all_names if not pattern or pattern.search(n)]
    if not names:
        print("error: no case selected", file=sys.stderr)
        return 2

    models = {n: onnx.load(os.path.join(cases_root, n, "model.onnx"), load_external_data=False)
              for n in all_names}
    operator = {n: operator_of(n, models[n], models) for n in names}

    # Run a private copy: cargo may replace target/release/dl-run mid-run
    # (another build in the same tree), which would mix two builds' results.
    snap_dir = tempfile.mkdtemp(prefix="dlc-onnx-node-bin-")
    src_stat = stat_of(dl_run)
    shutil.copy2(dl_run, os.path.join(snap_dir, "dl-run"))
    if stat_of(dl_run) != src_stat:
        print(f"error: {dl_run} changed while being copied; retry", file=sys.stderr)
        return 2
    bin_mtime = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.stat(dl_run).st_mtime))
    dl_run_used = os.path.join(snap_dir, "dl-run")
    start = time.monotonic()
    results = {}
    todo = []
    for n in names:
        why = skip_reason(models[n])
        if why:
            results[n] = {"status": "SKIP", "reason": why, "seconds": 0.0}
        else:
            todo.append(n)

    def work(name):
        t0 = time.monotonic()
        status, reason = run_case(dl_run_used, os.path.join(cases_root, name),
                                  args.timeout, args.rtol, args.atol)
        return name, status, shorten(reason), time.monotonic() - t0

    done = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for name, status, reason, secs in pool.map(work, todo):
            results[name] = {"status": status, "reason": reason, "seconds": round(secs, 3)}
            done += 1
            if args.verbose:
                print(f"{status} {name}" + (f": {reason}" if reason else ""), flush=True)
            elif done % 250 == 0:
                print(f"  ... {done}/{len(todo)} run ({time.monotonic() - start:.0f}s)", flush=True)
    if args.verbose:
        for n in names:
            if results[n]["status"] == "SKIP":
                print(f"SKIP {n}: {results[n]['reason']}")
    elapsed = time.monotonic() - start
    for n in names:
        results[n]["operator"] = operator[n]

    # per-operator table
    table = collections.defaultdict(lambda: [0, 0, 0])
    col = {"PASS": 0, "FAIL": 1, "SKIP": 2}
    for n in names:
        table[operator[n]][col[results[n]["status"]]] += 1
    width = max(len("operator"), *(len(op) for op in table))
    print(f"\n{'operator':<{width}}  {'pass':>4}  {'fail':>4}  {'skip':>4}")
    for op in sorted(table, key=lambda s: (s.lower(), s)):
        p, f, s = table[op]
        print(f"{op:<{width}}  {p:>4}  {f:>4}  {s:>4}")

    counts = collections.Counter(r["status"] for r in results.values())
    groups = collections.Counter()
    for r in results.values():
        if r["status"] == "FAIL":
            groups.update(reason_groups(r["reason"]))
    if groups:
        print("\nmost common failure reasons (a case may count under several operators):")
        for key, n in groups.most_common(25):
            print(f"  {n:5d}  {key}")

    # expected failures
    expected = read_expected(args.expected)
    selected = set(names)
    unexpected = []
    for n in names:
        st = results[n]["status"]
        if st == "FAIL" and n not in expected:
            unexpected.append(f"NEW FAILURE  {n}: {results[n]['reason']}")
        elif st == "PASS" and n in expected:
            unexpected.append(f"NOW PASSING  {n}: remove it from {os.path.relpath(args.expected)}")
        elif st == "SKIP" and n in expected:
            unexpected.append(f"STALE ENTRY  {n}: skipped by policy ({results[n]['reason']}); "
                              f"remove it from {os.path.relpath(args.expected)}")
    for n in sorted(expected):
        if n not in all_names and (not pattern or pattern.search(n)):
            unexpected.append(f"STALE ENTRY  {n}: no such case; remove it from "
                              f"{os.path.relpath(args.expected)}")

    shutil.rmtree(snap_dir, ignore_errors=True)
    if src_stat != stat_of(dl_run):
        print(f"\nnote: {dl_run} was rebuilt during the run; "
              f"these results are for the build of {bin_mtime}")

    report = {
        "onnx": onnx.__version__,
        "dl_run": dl_run,
        "dl_run_mtime": bin_mtime,
        "filter": args.filter,
        "rtol": args.rtol,
        "atol": args.atol,
        "timeout": args.timeout,
        "jobs": args.jobs,
        "seconds": round(elapsed, 1),
        "counts": {"passed": counts["PASS"], "failed": counts["FAIL"], "skipped": counts["SKIP"]},
        "cases": {n: results[n] for n in names},
    }
    with open(os.path.join(cases_root, "results.json"), "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)
        f.write("\n")

    rc = 0
    if args.update_expected:
        merged = {n: r for n, r in expected.items()
                  if n not in selected and n in all_names}
        merged.update({n: results[n]["reason"] for n in names if results[n]["status"] == "FAIL"})
        write_expected(args.expected, merged)
        print(f"\nwrote {len(merged)} expected failures to {os.path.relpath(args.expected)}")
    elif unexpected:
        print(f"\n{len(unexpected)} result(s) differ from {os.path.relpath(args.expected)}:")
        for line in unexpected[:UNEXPECTED_MAX]:
            print(f"  {line}")
        if len(unexpected) > UNEXPECTED_MAX:
            print(f"  ... and {len(unexpected) - UNEXPECTED_MAX} more (all results: results.json)")
        print("fix the regression, or remove cases that now pass; "
              "`--update-expected` rewrites the file from this run")
        rc = 1
    else:
        listed = sum(1 for n in names if n in expected)
        print(f"\nexpected failures: ok ({listed} listed failures still fail, no new failures)")
    print(f"({len(names)} cases in {elapsed:.1f}s, {args.jobs} jobs, dl-run of {bin_mtime}, results in "
          f"{os.path.relpath(os.path.join(cases_root, 'results.json'))})")
    print(f"onnx-node: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
    return rc


if __name__ == "__main__":
    sys.exit(main())
