// llvm.mlir.constant(true) : i1 (what loop-to-llvm prints for an i1
// arith.constant) reads back, and prints as upstream mlir-opt does.
// RUN: dl-opt %s | FileCheck %s
// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --split-input-file --verify-diagnostics --mlir-print-op-generic > /dev/null
// CHECK-LABEL: llvm.func @bools
// CHECK: llvm.mlir.constant(true) : i1
// CHECK: llvm.mlir.constant(false) : i1
llvm.func @bools() -> i1 {
  %t = llvm.mlir.constant(true) : i1
  %f = llvm.mlir.constant(false) : i1
  %r = llvm.and %t, %f : i1
  llvm.return %r : i1
}
