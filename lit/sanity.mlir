// Sanity check of lit/lit.cfg.py: needs only LLVM's FileCheck, not and count,
// no dlc binary. Keep it.
//
// RUN: FileCheck --version | FileCheck %s --check-prefix=V
// RUN: cat %s | FileCheck %s --check-prefix=SELF
// RUN: not FileCheck %s --check-prefix=NOPE < /dev/null
// RUN: FileCheck --version | grep -c "LLVM version" | count 1
//
// V: LLVM version {{2[2-9]\.}}
// SELF: {{^}}func.func @sanity()
// NOPE: this line never matches

func.func @sanity() {
  return
}
