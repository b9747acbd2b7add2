#!/usr/bin/env bash
# dlc set-up: installs everything the build and the tests need on Debian 12
# (bookworm), as root, and is idempotent (fast when everything is there).
#
#   bash scripts/setup.sh          # install/check, then print the env vars
#   source scripts/setup.sh        # same, and export the env vars into this shell
#   source scripts/env.sh          # only export the env vars (written by setup.sh)
#
# What it does:
#   1. apt: LLVM/MLIR 22 (Debian bookworm-security), the libraries they link
#      against, a C/C++ toolchain for the -sys crates, python3 + venv.
#      `apt-get update` runs only when a package is missing.
#   2. checks that the Rust toolchain (cargo) is present: it is NOT installed here.
#   3. creates the Python venv .venv/ in the repo root; installs `lit` from PyPI
#      only when LLVM's own lit is not shipped; installs PY_PACKAGES (below).
#   4. writes scripts/env.sh (LLVM_SYS_221_PREFIX, MLIR_SYS_220_PREFIX,
#      TABLEGEN_220_PREFIX, ...), which the other scripts source.
#
# Overrides (environment): DLC_LLVM_PREFIX (default /usr/lib/llvm-22),
#   DLC_PYTHON3 (interpreter used to create the venv, default python3),
#   DLC_LIT (path of a lit script to use instead of the detected one).

_dlc_setup_sourced=0
(return 0 2>/dev/null) && _dlc_setup_sourced=1

# --------------------------------------------------------------------------
# Debian packages. Keep in sync with docs/design ("Set-up").
DLC_APT_PACKAGES=(
  # LLVM / MLIR 22 (bookworm-security)
  llvm-22-dev libmlir-22-dev mlir-22-tools libpolly-22-dev llvm-22-tools
  # libclang + clang resource headers: bindgen (mlir-sys) needs them
  libclang-22-dev
  # system libraries LLVM's static libs link against (llvm-config --system-libs)
  zlib1g-dev libzstd-dev libz3-dev libxml2-dev
  # C/C++ compiler and linker for cargo and the cc-built wrappers of the -sys crates
  build-essential pkg-config ca-certificates
  # Python for lit, the benchmarks and the test-suite
  python3 python3-venv
)

# --------------------------------------------------------------------------
# Python packages installed into .venv (from PyPI).
# >>> ADD LATER PACKAGES HERE (e.g. for test-suite/ and bench/):
#       onnx onnxruntime numpy
#     Pin versions as needed, e.g. "onnx==1.23.*". Changing this list makes the
#     next setup run `pip install` again; otherwise pip is not touched.
DLC_PY_PACKAGES=(
  "onnx==1.23.*"         # test-suite/models/gen_models.py (helpers default to IR 14)
  "onnxruntime==1.31.*"  # reference outputs (reads ONNX IR <= 13)
  "numpy==2.*"
)
# <<<

_dlc_log() { printf '[setup] %s\n' "$*" >&2; }
_dlc_die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

_dlc_root() { (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); }

# -- 1. apt ------------------------------------------------------------------
_dlc_missing_apt_packages() {
  local p status
  for p in "${DLC_APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    [[ $status == ii* ]] || printf '%s\n' "$p"
  done
}

_dlc_apt() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    _dlc_log "no dpkg: not a Debian system; skipping apt (install LLVM/MLIR 22 yourself"
    _dlc_log "and set DLC_LLVM_PREFIX)"
    return 0
  fi
  local missing
  mapfile -t missing < <(_dlc_missing_apt_packages)
  if ((${#missing[@]} == 0)); then
    _dlc_log "apt packages: all ${#DLC_APT_PACKAGES[@]} installed"
    return 0
  fi
  _dlc_log "apt packages missing: ${missing[*]}"
  local sudo=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || _dlc_die "not root and no sudo: cannot apt-get install ${missing[*]}"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update \
    || _dlc_die "apt-get update failed"
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" \
    || _dlc_die "apt-get install failed. The LLVM 22 packages come from Debian's
        bookworm-security suite: check that it is in /etc/apt/sources.list(.d)."
}

# -- 2. Rust ---------------------------------------------------------------------
_dlc_check_cargo() {
  local cargo
  cargo=$(command -v cargo 2>/dev/null || true)
  if [[ -z $cargo && -n ${HOME:-} && -x $HOME/.cargo/bin/cargo ]]; then
    cargo=$HOME/.cargo/bin/cargo
  fi
  if [[ -z $cargo ]]; then
    _dlc_die "cargo not found (looked on PATH and in \$HOME/.cargo/bin).
        dlc needs a Rust toolchain; this script does not install one.
        Install Rust with rustup, then run this script again."
  fi
  _dlc_log "rust: $("$cargo" --version 2>/dev/null || echo "$cargo (version unknown)")"
}

# -- 3. Python venv ------------------------------------------------------------
_dlc_venv() {
  local root=$1 venv=$1/.venv py=${DLC_PYTHON3:-python3}
  if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    command -v "$py" >/dev/null 2>&1 || _dlc_die "$py not found"
    _dlc_log "creating venv $venv"
    rm -rf "$venv"
    "$py" -m venv "$venv" || _dlc_die "'$py -m venv' failed (python3-venv missing?)"
  fi
  # keep the venv out of git without touching the repo's .gitignore
  [[ -f $venv/.gitignore ]] || printf '*\n' >"$venv/.gitignore"

  local want=("${DLC_PY_PACKAGES[@]}")
  if [[ -z $(_dlc_find_lit "") ]]; then
    want+=(lit)  # LLVM's lit is not shipped: take lit from PyPI
  fi
  ((${#want[@]})) || return 0
  local stamp=$venv/.dlc-py-packages have=""
  [[ -f $stamp ]] && have=$(<"$stamp")
  if [[ $have != "${want[*]}" ]]; then
    _dlc_log "pip install ${want[*]}"
    "$venv/bin/python" -m pip install --disable-pip-version-check -q "${want[@]}" \
      || _dlc_die "pip install ${want[*]} failed"
    printf '%s' "${want[*]}" >"$stamp"
  fi
}

# Prints the lit script to use, or nothing. Same order as env.sh.
# With an empty root, only LLVM's own lit (or $DLC_LIT) counts.
_dlc_find_lit() {
  local root=$1 prefix=${DLC_LLVM_PREFIX:-/usr/lib/llvm-22} c
  for c in "${DLC_LIT:-}" "$prefix/bin/lit" "$prefix/build/utils/lit/lit.py" \
           "${root:+$root/.venv/bin/lit}"; do
    if [[ -n $c && -f $c ]]; then printf '%s\n' "$c"; return 0; fi
  done
}

# -- 4. env.sh -----------------------------------------------------------------
_dlc_write_env() {
  local file=$1/scripts/env.sh tmp
  tmp=$(mktemp)
  cat >"$tmp" <<'EOF'
# shellcheck shell=bash
# dlc build/test environment. Generated by scripts/setup.sh (safe to re-source).
#   source scripts/env.sh
# Nothing here is specific to one machine: paths are computed when sourced.
_dlc_env_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)
export DLC_ROOT="$_dlc_env_root"
export DLC_LLVM_PREFIX="${DLC_LLVM_PREFIX:-/usr/lib/llvm-22}"
# llvm-sys (inkwell), mlir-sys (melior) and tblgen look for these:
export LLVM_SYS_221_PREFIX="${LLVM_SYS_221_PREFIX:-$DLC_LLVM_PREFIX}"
export MLIR_SYS_220_PREFIX="${MLIR_SYS_220_PREFIX:-$DLC_LLVM_PREFIX}"
export TABLEGEN_220_PREFIX="${TABLEGEN_220_PREFIX:-$DLC_LLVM_PREFIX}"
# pin bindgen/clang-sys to the same LLVM (another llvm-config may be on PATH)
export LLVM_CONFIG_PATH="${LLVM_CONFIG_PATH:-$DLC_LLVM_PREFIX/bin/llvm-config}"
export LIBCLANG_PATH="${LIBCLANG_PATH:-$DLC_LLVM_PREFIX/lib}"
# FileCheck, not, count, mlir-opt (used by lit/lit.cfg.py)
export LLVM_BIN_DIR="${LLVM_BIN_DIR:-$DLC_LLVM_PREFIX/bin}"
# cargo from rustup when it is not on PATH yet
if ! command -v cargo >/dev/null 2>&1 && [ -n "${HOME:-}" ] && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
# Python venv and lit
export DLC_PYTHON="$_dlc_env_root/.venv/bin/python"
for _dlc_env_c in "${DLC_LIT:-}" "$DLC_LLVM_PREFIX/bin/lit" \
    "$DLC_LLVM_PREFIX/build/utils/lit/lit.py" "$_dlc_env_root/.venv/bin/lit"; do
  if [ -n "$_dlc_env_c" ] && [ -f "$_dlc_env_c" ]; then export DLC_LIT="$_dlc_env_c"; break; fi
done
unset _dlc_env_c _dlc_env_root
EOF
  if [[ -f $file ]] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
  else
    mv "$tmp" "$file"
    chmod 644 "$file"
    _dlc_log "wrote $file"
  fi
}

_dlc_setup_main() {
  local root
  root=$(_dlc_root)
  _dlc_apt
  _dlc_check_cargo
  local prefix=${DLC_LLVM_PREFIX:-/usr/lib/llvm-22} t
  for t in llvm-config mlir-opt FileCheck not count; do
    [[ -x $prefix/bin/$t ]] || _dlc_die "$prefix/bin/$t missing (LLVM 22 not installed?)"
  done
  _dlc_venv "$root"
  _dlc_write_env "$root"
  # shellcheck source=/dev/null
  . "$root/scripts/env.sh"
  [[ -n ${DLC_LIT:-} ]] || _dlc_die "no lit found (LLVM's or the venv's)"
  _dlc_log "llvm: $("$prefix/bin/llvm-config" --version) at $prefix; lit: $DLC_LIT"
}

_dlc_print_env() {
  local v
  for v in LLVM_SYS_221_PREFIX MLIR_SYS_220_PREFIX TABLEGEN_220_PREFIX \
           LLVM_CONFIG_PATH LIBCLANG_PATH LLVM_BIN_DIR DLC_PYTHON DLC_LIT; do
    printf 'export %s=%q\n' "$v" "${!v}"
  done
}

if ((_dlc_setup_sourced)); then
  # Run the work in a subshell so that `set -e` cannot kill an interactive shell,
  # then export the environment into the caller.
  if (set -euo pipefail; _dlc_setup_main); then
    # shellcheck source=/dev/null
    . "$(_dlc_root)/scripts/env.sh"
    unset _dlc_setup_sourced
  else
    unset _dlc_setup_sourced
    return 1
  fi
else
  set -euo pipefail
  _dlc_setup_main
  _dlc_log "done; environment (also in scripts/env.sh, 'source' it):"
  _dlc_print_env
fi
