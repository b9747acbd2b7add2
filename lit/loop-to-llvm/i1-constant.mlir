// RUN: dl-opt %s --lower-loops-to-llvm | dl-opt | FileCheck %s

// An i1 constant lowers to llvm.mlir.constant(true) : i1, which reads back
// (the llvm verifier used to reject a bool for i1).
// CHECK: llvm.mlir.constant(true) : i1
func.func @f(%m: memref<4xi1>, %ws: memref<?xi8>) attributes {loop.num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %t = arith.constant true
  loop.for %i = %c0 to %c4 step %c1 {
    loop.store %t, %m[%i] : memref<4xi1>
  }
  return
}
