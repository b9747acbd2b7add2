#!/usr/bin/env python3
"""Prints the per-operator table of the last node-conformance run
(cases/results.json, from run.py) as Markdown, with onnxruntime's passes
per operator when cases/ort_results.json (from ort_baseline.py) exists:

  .venv/bin/python test-suite/onnx-node/table.py > table.md
"""
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    cases_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "cases")
    with open(os.path.join(cases_dir, "results.json")) as f:
        res = json.load(f)["cases"]
    ort = {}
    p = os.path.join(cases_dir, "ort_results.json")
    if os.path.exists(p):
        with open(p) as f:
            ort = json.load(f)
    table = collections.defaultdict(lambda: [0, 0, 0, 0])
    for name, r in res.items():
        row = table[r.get("operator", "?")]
        row[{"PASS": 0, "FAIL": 1, "SKIP": 2}[r["status"]]] += 1
        if name in ort and ort[name] is None:
            row[3] += 1
    totals = [sum(r[i] for r in table.values()) for i in range(4)]
    head = "| operator | dlc pass | dlc fail | skip |" + (" onnxruntime pass |" if ort else "")
    print(head)
    print("|---|---:|---:|---:|" + ("---:|" if ort else ""))
    for op in sorted(table, key=lambda s: (s.lower(), s)):
        p_, f_, s_, o_ = table[op]
        print(f"| {op} | {p_} | {f_} | {s_} |" + (f" {o_} |" if ort else ""))
    t = totals
    print(f"| **all** | **{t[0]}** | **{t[1]}** | **{t[2]}** |" + (f" **{t[3]}** |" if ort else ""))


if __name__ == "__main__":
    main()
