// RUN: dl-opt %s --lower-loops-to-llvm | FileCheck %s

// Loads and stores claim the element size as alignment (at most 4): an
// i1 or f16 element at an odd offset must not be claimed 4-aligned (LLVM
// then assumed every access hit element 0 and folded the selects away).
// CHECK-LABEL: llvm.func @narrow
// CHECK: llvm.load %{{.+}} {alignment = 1 : i64} : !llvm.ptr -> i1
// CHECK: llvm.load %{{.+}} {alignment = 2 : i64} : !llvm.ptr -> f16
// CHECK: llvm.load %{{.+}} {alignment = 4 : i64} : !llvm.ptr -> f64
// CHECK: llvm.store %{{.+}}, %{{.+}} {alignment = 2 : i64} : f16, !llvm.ptr
func.func @narrow(%m: memref<3xi1>, %h: memref<3xf16>, %d: memref<3xf64>, %o: memref<3xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  loop.for %i = %c0 to %c3 step %c1 {
    %b = loop.load %m[%i] : memref<3xi1>
    %x = loop.load %h[%i] : memref<3xf16>
    %y = loop.load %d[%i] : memref<3xf64>
    %z = arith.truncf %y : f64 to f16
    %r = arith.select %b, %x, %z : f16
    loop.store %r, %o[%i] : memref<3xf16>
  }
  return
}
