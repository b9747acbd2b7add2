# -*- Python -*-
# LLVM lit configuration for dlc's .mlir tests.
#
#   lit -sv lit/                       (scripts/test-all.sh does this)
#
# Tools used in RUN lines are found on PATH, in this order:
#   $DLC_BIN_DIR   (default <repo>/target/release, or $CARGO_TARGET_DIR/release)
#                  dl-opt, dlc, dl-run
#   $LLVM_BIN_DIR  (default /usr/lib/llvm-22/bin; also from $DLC_LLVM_PREFIX)
#                  FileCheck, not, count, and mlir-opt when it exists
# Features: `mlir-opt` when upstream mlir-opt is available (`// REQUIRES: mlir-opt`),
#           `dl-opt` when the dl-opt binary has been built.

import os

import lit.formats

# `config` and `lit_config` are provided by lit.
config.name = "dlc"
# lit's internal shell (portable; LLVM's default, and lit >= 23 rejects
# execute_external=True). DLC_LIT_EXTERNAL_SHELL=1 runs RUN lines with bash instead
# (only with lit <= 22).
config.test_format = lit.formats.ShTest(
    execute_external=os.environ.get("DLC_LIT_EXTERNAL_SHELL", "") not in ("", "0")
)
config.suffixes = [".mlir"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "README.md"]

config.test_source_root = os.path.dirname(os.path.abspath(__file__))
repo_root = os.path.dirname(config.test_source_root)

target_dir = os.environ.get("CARGO_TARGET_DIR") or os.path.join(repo_root, "target")
if not os.path.isabs(target_dir):
    target_dir = os.path.join(repo_root, target_dir)
config.test_exec_root = os.path.join(target_dir, "lit")

dlc_bin_dir = os.path.abspath(
    os.environ.get("DLC_BIN_DIR") or os.path.join(target_dir, "release")
)
llvm_prefix = os.environ.get("DLC_LLVM_PREFIX") or "/usr/lib/llvm-22"
llvm_bin_dir = os.path.abspath(
    os.environ.get("LLVM_BIN_DIR") or os.path.join(llvm_prefix, "bin")
)


def _exe(directory, name):
    path = os.path.join(directory, name)
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


for tool in ("FileCheck", "not", "count"):
    if not _exe(llvm_bin_dir, tool):
        lit_config.fatal(
            "'%s' not found in %s (set LLVM_BIN_DIR, or run scripts/setup.sh)"
            % (tool, llvm_bin_dir)
        )

if _exe(llvm_bin_dir, "mlir-opt"):
    config.available_features.add("mlir-opt")

if _exe(dlc_bin_dir, "dl-opt"):
    config.available_features.add("dl-opt")
else:
    lit_config.note(
        "dl-opt not found in %s: build it (cargo build --release -p dl-opt) "
        "or set DLC_BIN_DIR" % dlc_bin_dir
    )

# dlc's binaries first, then LLVM's tools, then the usual PATH.
path = os.pathsep.join(
    [dlc_bin_dir, llvm_bin_dir, config.environment.get("PATH", os.environ.get("PATH", ""))]
)
config.environment["PATH"] = path

# Pass through variables that are useful when debugging a test.
for var in ("RUST_BACKTRACE", "RUST_LOG", "HOME", "TMPDIR"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

# Explicit substitutions for the tools, for RUN lines that want full paths.
config.substitutions.append(("%dlc_bin_dir", dlc_bin_dir))
config.substitutions.append(("%llvm_bin_dir", llvm_bin_dir))

lit_config.note("dlc lit: dl-opt from %s, LLVM tools from %s" % (dlc_bin_dir, llvm_bin_dir))
