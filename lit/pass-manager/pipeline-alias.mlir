// A registered pipeline alias runs only when its flag is given.
// RUN: dl-opt %s | FileCheck %s --check-prefix=NONE
// RUN: dl-opt %s --lower-to-llvm | FileCheck %s --check-prefix=ALIAS
// RUN: dl-opt %s --lower-loops-to-llvm | FileCheck %s --check-prefix=ALIAS

// NONE: func.func @scale
// NONE-NOT: llvm.func
// ALIAS: llvm.func @scale
func.func @scale(%a: memref<4xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  loop.for %i = %c0 to %c4 step %c1 {
    %v = loop.load %a[%i] : memref<4xf32>
    %w = arith.addf %v, %v : f32
    loop.store %w, %out[%i] : memref<4xf32>
  }
  return
}
