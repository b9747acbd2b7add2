#!/usr/bin/env bash
# Run every test of dlc: set-up, one release build of the whole workspace, the
# Rust tests (same profile, nothing is rebuilt), the lit tests under lit/, then
# the test-suite steps: end-to-end models (small ones, then ResNet-50,
# MobileNetV2 and a BERT layer), and the ONNX backend node cases
# (test-suite/onnx-node; fails only on a change against its expected failures).
#
#   bash scripts/test-all.sh
#
# Exits non-zero if any step fails; prints a summary at the end, whose last line
# is "tests: N passed, N failed, N skipped" (Rust tests + lit tests).
# Logs of each step: $CARGO_TARGET_DIR/test-logs/ (default target/test-logs/).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
BIN_DIR=$TARGET_DIR/release
LOG_DIR=$TARGET_DIR/test-logs
mkdir -p "$LOG_DIR"
rm -f "$LOG_DIR"/*.log

STEP_NAMES=()
STEP_RESULTS=()
FAILED=0

# run_step NAME LOGFILE CMD...: runs CMD, output to the terminal and LOGFILE.
run_step() {
  local name=$1 log=$2 rc=0 start end
  shift 2
  printf '\n==== %s: %s\n' "$name" "$*"
  start=$(date +%s)
  "$@" 2>&1 | tee "$log" || rc=$?
  end=$(date +%s)
  STEP_NAMES+=("$name")
  if ((rc == 0)); then
    STEP_RESULTS+=("ok ($((end - start))s)")
  else
    STEP_RESULTS+=("FAILED (exit $rc, $((end - start))s, log: ${log#"$ROOT"/})")
    FAILED=1
  fi
  return "$rc"
}

skip_step() {
  STEP_NAMES+=("$1")
  STEP_RESULTS+=("skipped ($2)")
}

# count_tests: adds up the Rust and lit test counts from the step logs.
PASSED_N=0 FAILED_N=0 SKIPPED_N=0
count_tests() {
  local p f s
  # cargo: "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; ..."
  if [[ -f $LOG_DIR/cargo-test.log ]]; then
    read -r p f s < <(awk '/^test result:/ {
        for (i = 1; i <= NF; i++) {
          if ($(i+1) ~ /^passed/) p += $i
          if ($(i+1) ~ /^failed/) f += $i
          if ($(i+1) ~ /^ignored/) s += $i
        } } END { print p+0, f+0, s+0 }' "$LOG_DIR/cargo-test.log")
    PASSED_N=$((PASSED_N + p)) FAILED_N=$((FAILED_N + f)) SKIPPED_N=$((SKIPPED_N + s))
  fi
  # lit: "  Passed     : 3 (75.00%)" ...
  if [[ -f $LOG_DIR/lit.log ]]; then
    read -r p f s < <(awk -F: '/^  [A-Z][A-Za-z ]*: *[0-9]+ \(/ {
        label = $1; sub(/^ +/, "", label); sub(/ +$/, "", label)
        n = $2 + 0
        if (label == "Passed" || label == "Passed With Retry" || label == "Expectedly Failed") p += n
        else if (label == "Unsupported" || label == "Skipped" || label == "Excluded") s += n
        else f += n
      } END { print p+0, f+0, s+0 }' "$LOG_DIR/lit.log")
    PASSED_N=$((PASSED_N + p)) FAILED_N=$((FAILED_N + f)) SKIPPED_N=$((SKIPPED_N + s))
  fi
}

print_summary() {
  local i
  count_tests
  printf '\n==== summary\n'
  for i in "${!STEP_NAMES[@]}"; do
    printf '  %-12s %s\n' "${STEP_NAMES[$i]}" "${STEP_RESULTS[$i]}"
  done
  if ((FAILED)); then
    echo "test-all: FAILED"
  else
    echo "test-all: all steps passed"
  fi
  echo "tests: $PASSED_N passed, $FAILED_N failed, $SKIPPED_N skipped"
}

# ---- set-up: installs what is missing (scripts/setup.sh) -------------------
if ! run_step "setup" "$LOG_DIR/setup.log" bash scripts/setup.sh; then
  print_summary
  exit 1
fi
# shellcheck source=/dev/null
. scripts/env.sh

# ---- build: everything, once, release profile --------------------------------
build_ok=1
run_step "cargo build" "$LOG_DIR/build.log" \
  cargo build --release --workspace --all-targets || build_ok=0

# ---- seeded whole models (MLP, CNN) with onnxruntime references --------------
# Before the Rust tests, so those that load the whole models do not skip.
LIT_SCRATCH=$(mktemp -d)
run_step "models" "$LOG_DIR/models.log" \
  "$DLC_PYTHON" test-suite/models/gen_models.py --lit-inputs "$LIT_SCRATCH" || true
rm -rf "$LIT_SCRATCH"

# ---- Rust unit/integration/doc tests -----------------------------------------
if ((build_ok)); then
  run_step "cargo test" "$LOG_DIR/cargo-test.log" \
    cargo test --release --workspace --no-fail-fast || true
else
  skip_step "cargo test" "build failed"
fi

# ---- lit tests (lit/*.mlir) against the release binaries ---------------------
if ((build_ok)); then
  run_step "lit" "$LOG_DIR/lit.log" \
    env DLC_BIN_DIR="$BIN_DIR" "$DLC_PYTHON" "$DLC_LIT" -sv lit/ || true
else
  skip_step "lit" "build failed"
fi

# ---- test-suite (whole models through JIT and the C ABI) ---------------------
# End-to-end models (seeded MLP and CNN, onnxruntime references).
if ((build_ok)); then
  run_step "test-suite" "$LOG_DIR/test-suite.log" \
    "$DLC_PYTHON" test-suite/run.py --bin-dir "$BIN_DIR" || true
else
  skip_step "test-suite" "build failed"
fi

# ---- whole models: ResNet-50, MobileNetV2, a BERT-base layer ----------------
# Seeded weights (test-suite/models/gen_big_models.py, run by run_big.py when
# a model is missing), onnxruntime references, limit 1e-3 relative error. The
# models with run-time dimensions are compiled once by dlc and run at every
# shape through the dynamic C ABI; the ResNet-50 compile time is printed.
if ((build_ok)); then
  run_step "big-models" "$LOG_DIR/big-models.log" \
    "$DLC_PYTHON" test-suite/run_big.py --bin-dir "$BIN_DIR" || true
else
  skip_step "big-models" "build failed"
fi

# ---- ONNX backend node conformance cases (test-suite/onnx-node) --------------
# Written from the installed onnx package (gen_cases.py; a stamp skips the
# rewrite when the onnx version is unchanged), then run through dl-run. Fails
# on a newly failing case or on a listed case that now passes; see the
# expected-failures policy in test-suite/onnx-node/run.py.
gen_ok=1
run_step "onnx-cases" "$LOG_DIR/onnx-cases.log" \
  "$DLC_PYTHON" test-suite/onnx-node/gen_cases.py || gen_ok=0
if ((build_ok && gen_ok)); then
  run_step "onnx-node" "$LOG_DIR/onnx-node.log" \
    "$DLC_PYTHON" test-suite/onnx-node/run.py --no-generate --bin-dir "$BIN_DIR" || true
elif ((build_ok)); then
  skip_step "onnx-node" "case generation failed"
else
  skip_step "onnx-node" "build failed"
fi

# ---- summary ----------------------------------------------------------------
print_summary
exit "$FAILED"
