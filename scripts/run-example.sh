#!/usr/bin/env bash
# The main job: set up, build dl-opt (release), and run it on the example:
#
#   bash scripts/run-example.sh                   # dl-opt examples/hello.mlir --canonicalize --cse
#   bash scripts/run-example.sh FILE [ARGS...]    # dl-opt FILE ARGS... (ARGS default: --canonicalize --cse)
#
# The resulting IR goes to stdout; set-up and build messages go to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

bash scripts/setup.sh >&2
# shellcheck source=/dev/null
. scripts/env.sh

echo "[run-example] cargo build --release -p dl-opt" >&2
cargo build --release -p dl-opt >&2

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
DL_OPT=$TARGET_DIR/release/dl-opt

input=${1:-examples/hello.mlir}
if (($# > 1)); then
  args=("${@:2}")
else
  args=(--canonicalize --cse --symbol-dce)
fi
[[ -f $input ]] || { echo "[run-example] error: $input not found" >&2; exit 1; }

echo "[run-example] ${DL_OPT#"$ROOT"/} $input ${args[*]}" >&2
"$DL_OPT" "$input" "${args[@]}"
