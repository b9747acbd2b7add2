#!/usr/bin/env python3
"""IR throughput of dl-opt against upstream mlir-opt (parse + verify + print,
then --canonicalize --cse), on generated arith-dialect inputs.

Cases (sizes at --scale 1):
  chain  one func.func with a dependency chain of 1,000,000 arith ops (i32),
         mixing addi/muli/subi/xori/andi/ori/maxsi/minsi and a few constants, so
         that canonicalize/cse find some (not all) work: x op x, op with 0/1/-1,
         repeated expressions, constant operands.
  funcs  200,000 arith ops in 20,000 functions of 10 ops each (i32, i64, f32,
         incl. addf/mulf and cmpi), each with a return.

Every tool run is a child process timed by wall clock; its peak RSS comes from
os.wait4() on that child alone. Each measurement is the best (minimum) of
--repeat runs. Prints a markdown table. Tools that are missing or fail are
reported and skipped.

  python3 bench/ir_throughput.py                       # full size, 3 repeats
  python3 bench/ir_throughput.py --scale 0.01 --repeat 1 --check-output
  python3 bench/ir_throughput.py --dl-opt /usr/lib/llvm-22/bin/mlir-opt  # try out
"""

import argparse
import json
import os
import platform
import random
import shutil
import signal
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PASS_CONFIGS = [
    ("parse+print", []),
    ("canonicalize+cse", ["--canonicalize", "--cse"]),
]

# ----------------------------------------------------------------------------
# Input generation (deterministic for a given seed and scale)


def gen_chain(path, n_ops, seed):
    """One function, a chain of n_ops arith ops (constants included).

    Operand 0 of every op is the previous result, so the whole chain stays live.
    The generator avoids folds that produce a constant (x ^ x, x - x, x & 0, ...):
    one of those would make everything before it dead. What canonicalize/cse can
    do: idempotent x op x (-> x), identity constants (x + 0, x * 1, ...), exact
    repeats of the previous expression, and constant reassociation.
    """
    rng = random.Random(seed)
    binops = ["addi", "muli", "subi", "xori", "andi", "ori", "maxsi", "minsi"]
    idempotent = ["andi", "ori", "maxsi", "minsi"]
    identity = {"addi": 0, "muli": 1, "subi": 0, "xori": 0, "andi": -1, "ori": 0}
    plain_consts = [2, 3, 7, 42, 255]  # absorbing for none of binops
    lines = ["func.func @chain(%arg0: i32, %arg1: i32) -> i32 {"]
    out = lines.append
    consts = {}  # value -> ssa name of the constant most recently defined
    recent = []  # ssa names of the last 16 results
    prev = None
    last_op = None  # (op, a, b) of the previous binary op, for cse repeats
    i = 0
    while i < n_ops:
        name = "%%%d" % i
        i += 1
        # a few constants (~0.5%), never as the last op
        if n_ops - i > 1 and (rng.random() < 0.005 or len(consts) < 2):
            v = rng.choice(list(identity.values()) + plain_consts) if consts else rng.choice(plain_consts)
            out("  %s = arith.constant %d : i32" % (name, v))
            consts[v] = name
            continue
        if prev is None:
            op, a, b = "addi", "%arg0", "%arg1"
        else:
            op = rng.choice(binops)
            a = prev
            plain = [consts[v] for v in plain_consts if v in consts]
            r = rng.random()
            if r < 0.02 and last_op is not None:
                op, a, b = last_op  # exact repeat of the previous expression (cse)
            elif r < 0.05:
                op = rng.choice(idempotent)
                b = a  # x op x -> x
            elif r < 0.09 and op in identity and identity[op] in consts:
                b = consts[identity[op]]  # x op identity -> x
            elif r < 0.14 and plain:
                b = rng.choice(plain)
            elif r < 0.30 or op in ("subi", "xori"):
                # subi/xori never take a recent value: after folds it could be an
                # alias of operand 0 and the op would fold to the constant 0
                b = rng.choice(("%arg0", "%arg1"))
            else:
                b = rng.choice(recent)
        out("  %s = arith.%s %s, %s : i32" % (name, op, a, b))
        last_op = (op, a, b)
        prev = name
        recent.append(name)
        if len(recent) > 16:
            del recent[0]
    out("  return %s : i32" % prev)
    out("}")
    with open(path, "w") as f:
        f.write("\n".join(lines))
        f.write("\n")
    return n_ops


def gen_funcs(path, n_funcs, ops_per_func, seed):
    """n_funcs small functions of ops_per_func arith ops each, i32/i64/f32."""
    rng = random.Random(seed + 1)
    int_ops = ["addi", "muli", "subi", "xori", "andi", "ori", "maxsi", "minui"]
    f32_ops = ["addf", "mulf", "subf", "maximumf"]
    preds = ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "uge"]
    chunks = []
    total = 0
    for fi in range(n_funcs):
        pools = {"i32": ["%arg0", "%arg1"], "i64": ["%arg2"], "f32": ["%arg3", "%arg4"]}
        last = {"i32": "%arg0", "i64": "%arg2", "f32": "%arg3", "i1": None}
        body = []
        has_const = rng.random() < 0.5
        for k in range(ops_per_func):
            name = "%%%d" % k
            is_last = k == ops_per_func - 1
            if is_last and last["i1"] is None:
                kind = "cmpi"
            elif has_const and k == 0:
                kind = "const"
            else:
                kind = rng.choices(["int", "f32", "cmpi"], weights=[5, 3, 1])[0]
            if kind == "const":
                t = rng.choice(["i32", "i64", "f32"])
                if t == "f32":
                    body.append("    %s = arith.constant %s : f32" % (name, rng.choice(
                        ["0.000000e+00", "1.000000e+00", "5.000000e-01", "2.500000e+00"])))
                else:
                    body.append("    %s = arith.constant %d : %s" % (name, rng.choice([0, 1, 3, 8]), t))
            elif kind == "int":
                t = rng.choice(["i32", "i32", "i64"])
                p = pools[t]
                a = p[-1] if rng.random() < 0.6 else rng.choice(p)
                b = rng.choice(p)
                body.append("    %s = arith.%s %s, %s : %s" % (name, rng.choice(int_ops), a, b, t))
            elif kind == "f32":
                t = "f32"
                p = pools[t]
                a = p[-1] if rng.random() < 0.6 else rng.choice(p)
                b = rng.choice(p)
                body.append("    %s = arith.%s %s, %s : f32" % (name, rng.choice(f32_ops), a, b))
            else:
                t = "i1"
                it = rng.choice(["i32", "i64"])
                p = pools[it]
                body.append("    %s = arith.cmpi %s, %s, %s : %s" % (
                    name, rng.choice(preds), p[-1], rng.choice(p), it))
            if t != "i1":
                pools[t].append(name)
            last[t] = name
        total += ops_per_func
        chunks.append(
            "  func.func @f%d(%%arg0: i32, %%arg1: i32, %%arg2: i64, %%arg3: f32, %%arg4: f32)"
            " -> (i32, i64, f32, i1) {\n%s\n    return %s, %s, %s, %s : i32, i64, f32, i1\n  }"
            % (fi, "\n".join(body), pools["i32"][-1], pools["i64"][-1], pools["f32"][-1], last["i1"])
        )
    with open(path, "w") as f:
        f.write("module {\n")
        f.write("\n".join(chunks))
        f.write("\n}\n")
    return total


# ----------------------------------------------------------------------------
# Running and measuring


class Run:
    def __init__(self, ok, seconds, maxrss_kib, status, stderr_tail, out_path):
        self.ok = ok
        self.seconds = seconds
        self.maxrss_kib = maxrss_kib
        self.status = status
        self.stderr_tail = stderr_tail
        self.out_path = out_path


def run_once(argv, stderr_path, stdout_path, timeout):
    """Spawns argv; returns (wall seconds, ru_maxrss KiB of that child, status)."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    # fork+exec, not posix_spawn: a vfork-style spawn shares this process's
    # memory map, and Linux then reports *this* process's high-water RSS
    # (the generated inputs) as the child's ru_maxrss.
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child
        try:
            for fd, path, flags in ((0, "/dev/null", os.O_RDONLY),
                                    (1, stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                                    (2, stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
                nfd = os.open(path, flags, 0o644)
                os.dup2(nfd, fd)
                os.close(nfd)
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    del actions
    timer = None
    if timeout:
        def kill():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        timer = threading.Timer(timeout, kill)
        timer.start()
    _, status, rusage = os.wait4(pid, 0)
    t1 = time.perf_counter()
    if timer:
        timer.cancel()
    return t1 - t0, rusage.ru_maxrss, status


def measure(tool_path, extra_args, input_path, pass_args, repeat, out_path, timeout, tmp):
    argv = [tool_path, input_path] + pass_args + list(extra_args) + ["-o", out_path or "/dev/null"]
    stderr_path = os.path.join(tmp, "last-stderr.txt")
    best_t, best_rss = None, None
    for _ in range(repeat):
        secs, rss, status = run_once(argv, stderr_path, "/dev/null", timeout)
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
            with open(stderr_path, "rb") as f:
                tail = f.read()[-4000:].decode("utf-8", "replace")
            if os.WIFSIGNALED(status):
                desc = "killed by signal %d" % os.WTERMSIG(status)
            else:
                desc = "exit %d" % os.WEXITSTATUS(status)
            return Run(False, secs, rss, desc, tail, out_path), argv
        best_t = secs if best_t is None else min(best_t, secs)
        best_rss = rss if best_rss is None else min(best_rss, rss)
    return Run(True, best_t, best_rss, "ok", "", out_path), argv


def tool_version(path):
    import subprocess
    try:
        p = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        lines = [l.strip() for l in (p.stdout + p.stderr).splitlines() if l.strip()]
        return lines[0] if lines else "?"
    except Exception as e:  # noqa: BLE001
        return "? (%s)" % e


def compare_files(a, b):
    """Returns None if identical, else a short description of the first difference."""
    with open(a, "rb") as fa, open(b, "rb") as fb:
        da, db = fa.read(), fb.read()
    if da == db:
        return None
    la, lb = da.splitlines(), db.splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return "line %d differs:\n    dl-opt:   %r\n    mlir-opt: %r" % (
                i + 1, x[:200].decode("utf-8", "replace"), y[:200].decode("utf-8", "replace"))
    return "lengths differ: dl-opt %d lines, mlir-opt %d lines" % (len(la), len(lb))


def resolve(path):
    if os.sep not in path:
        found = shutil.which(path)
        if found:
            return found
    p = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
    if os.path.isfile(p) and os.access(p, os.X_OK):
        return p
    if not os.path.isabs(path):  # relative to the repo root too
        p = os.path.join(REPO, path)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def fmt_rate(ops, secs):
    r = ops / secs
    if r >= 1e6:
        return "%.2fM" % (r / 1e6)
    if r >= 1e3:
        return "%.1fk" % (r / 1e3)
    return "%.0f" % r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dl-opt", default="target/release/dl-opt", help="dl-opt binary (default: %(default)s)")
    ap.add_argument("--mlir-opt", default=os.path.join(os.environ.get("LLVM_BIN_DIR", "/usr/lib/llvm-22/bin"), "mlir-opt"),
                    help="upstream mlir-opt (default: %(default)s)")
    ap.add_argument("--dl-opt-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for every dl-opt run (repeatable)")
    ap.add_argument("--mlir-opt-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for every mlir-opt run (repeatable), e.g. --mlir-disable-threading")
    ap.add_argument("--scale", type=float, default=1.0, help="size factor for the inputs (default 1: 1M + 200k ops)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement, best is kept (default 3)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cases", default="chain,funcs", help="comma-separated subset of: chain,funcs")
    ap.add_argument("--out", metavar="DIR", help="write the generated inputs (and outputs) here and keep them")
    ap.add_argument("--check-output", action="store_true",
                    help="write both tools' outputs to files and report whether they are identical")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per run before it is killed (default 1800)")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args()

    tools = []
    for label, path, extra in (("dl-opt", args.dl_opt, args.dl_opt_arg),
                               ("mlir-opt", args.mlir_opt, args.mlir_opt_arg)):
        rp = resolve(path)
        if rp is None:
            print("warning: %s not found at %s: skipped" % (label, path), file=sys.stderr)
            continue
        tools.append((label, rp, extra))
    if not tools:
        print("error: neither dl-opt nor mlir-opt found", file=sys.stderr)
        return 2

    if args.out:
        work = os.path.abspath(args.out)
        os.makedirs(work, exist_ok=True)
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="dlc-bench-")
        work = cleanup.name

    cases = []
    wanted = [c.strip() for c in args.cases.split(",") if c.strip()]
    for c in wanted:
        t0 = time.perf_counter()
        if c == "chain":
            n = max(2, int(round(1_000_000 * args.scale)))
            path = os.path.join(work, "chain.mlir")
            ops = gen_chain(path, n, args.seed)
            title = "chain (1 func, %s ops)" % format(ops, ",")
        elif c == "funcs":
            nf = max(1, int(round(20_000 * args.scale)))
            path = os.path.join(work, "funcs.mlir")
            ops = gen_funcs(path, nf, 10, args.seed)
            title = "funcs (%s funcs, %s ops)" % (format(nf, ","), format(ops, ","))
        else:
            ap.error("unknown case %r" % c)
        size = os.path.getsize(path)
        print("generated %s: %s (%.1f MiB) in %.1fs" % (title, path, size / 2**20, time.perf_counter() - t0),
              file=sys.stderr)
        cases.append((c, title, path, ops))

    print("# IR throughput: dl-opt vs mlir-opt\n")
    print("- machine: %s, %d cores, Python %s" % (platform.machine(), os.cpu_count() or 0, platform.python_version()))
    for label, path, extra in tools:
        print("- %s: `%s`%s (%s)" % (label, path, (" " + " ".join(extra)) if extra else "", tool_version(path)))
    print("- best of %d run(s); wall time of the whole process (start-up, parse, verify, passes, print);"
          " peak RSS from wait4() of that process; ops = arith ops in the input;"
          " ratios = mlir-opt / dl-opt (> 1: dl-opt is faster / smaller)\n" % args.repeat)

    scratch = tempfile.TemporaryDirectory(prefix="dlc-bench-stderr-")
    results = []
    rows = []
    diffs = []
    for c, title, path, ops in cases:
        for cfg, pass_args in PASS_CONFIGS:
            by_tool = {}
            for label, tpath, extra in tools:
                out_path = os.path.join(work, "%s.%s.%s.out.mlir" % (c, cfg, label)) if args.check_output else None
                print("running %s on %s, %s ..." % (label, c, cfg), file=sys.stderr)
                run, argv = measure(tpath, extra, path, pass_args, args.repeat, out_path, args.timeout,
                                    scratch.name)
                by_tool[label] = run
                if not run.ok:
                    print("\n%s FAILED on %s (%s): %s\n  command: %s\n  stderr (tail):\n%s" % (
                        label, c, cfg, run.status, " ".join(argv),
                        "\n".join("    " + l for l in run.stderr_tail.splitlines()[-20:])), file=sys.stderr)
                results.append({
                    "case": c, "ops": ops, "passes": cfg, "tool": label, "ok": run.ok, "status": run.status,
                    "seconds": run.seconds if run.ok else None,
                    "peak_mib": run.maxrss_kib / 1024 if run.ok else None,
                })
            base = by_tool.get("mlir-opt")
            for label, _, _ in tools:
                run = by_tool[label]
                if not run.ok:
                    rows.append((title, cfg, label, "FAILED (%s)" % run.status, "", "", "", ""))
                    continue
                tr = mr = "—"
                if label == "dl-opt" and base is not None and base.ok:
                    tr = "%.2f" % (base.seconds / run.seconds)
                    mr = "%.2f" % (base.maxrss_kib / run.maxrss_kib)
                rows.append((title, cfg, label, "%.3f" % run.seconds, fmt_rate(ops, run.seconds),
                             "%.1f" % (run.maxrss_kib / 1024), tr, mr))
            if args.check_output and len(tools) == 2:
                a, b = by_tool["dl-opt"], by_tool["mlir-opt"]
                if a.ok and b.ok:
                    d = compare_files(a.out_path, b.out_path)
                    diffs.append((title, cfg, "identical" if d is None else "DIFFERENT: " + d))
                else:
                    diffs.append((title, cfg, "not compared (a tool failed)"))

    header = ("case", "passes", "tool", "seconds", "ops/s", "peak MiB", "time ratio", "mem ratio")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] * 3 + ["---:"] * 5) + "|")
    for r in rows:
        print("| " + " | ".join(r) + " |")

    if args.check_output:
        print("\n## Output comparison (dl-opt vs mlir-opt)\n")
        if len(tools) != 2:
            print("- skipped: needs both tools")
        for title, cfg, verdict in diffs:
            print("- %s, %s: %s" % (title, cfg, verdict))

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"repeat": args.repeat, "scale": args.scale, "results": results}, f, indent=2)

    scratch.cleanup()
    if cleanup is not None:
        cleanup.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
