// dl-opt's llvm-dialect output is accepted by upstream mlir-opt and
// translates to LLVM IR with mlir-translate.
// REQUIRES: mlir-opt
// RUN: dl-opt %S/basic.mlir --lower-loops-to-llvm --split-input-file | mlir-opt --split-input-file -o %t.mlir
// RUN: dl-opt %s --lower-loops-to-llvm | mlir-opt | FileCheck %s
// RUN: dl-opt %s --lower-loops-to-llvm --mlir-print-op-generic | mlir-opt --verify-each | FileCheck %s

// CHECK-LABEL: llvm.func @softmax_row(
// CHECK: llvm.intr.exp
// CHECK: llvm.fdiv
// CHECK-LABEL: llvm.func @softmax_row_workspace_size() -> i64
func.func @softmax_row(%x: memref<2x16xf32>, %y: memref<2x16xf32>, %ws: memref<128xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e = loop.view %ws[%c0] : memref<128xi8> to memref<16xf32>
  loop.for parallel %i = %c0 to %c2 step %c1 {
    %m = loop.for %j = %c0 to %c16 step %c1 iter_args(%a = %ninf) -> (f32) {
      %v = loop.load %x[%i, %j] : memref<2x16xf32>
      %n = arith.maxnumf %a, %v : f32
      loop.yield %n : f32
    }
    %s = loop.for %j = %c0 to %c16 step %c1 iter_args(%a = %zero) -> (f32) {
      %v = loop.load %x[%i, %j] : memref<2x16xf32>
      %d = arith.subf %v, %m : f32
      %ex = math.exp %d : f32
      loop.store %ex, %e[%j] : memref<16xf32>
      %n = arith.addf %a, %ex : f32
      loop.yield %n : f32
    }
    loop.for %j = %c0 to %c16 step %c1 {
      %v = loop.load %e[%j] : memref<16xf32>
      %q = arith.divf %v, %s : f32
      loop.store %q, %y[%i, %j] : memref<2x16xf32>
    }
  }
  return
}
