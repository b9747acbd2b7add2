// RUN: dl-opt %s --loop-fma | FileCheck %s
// RUN: dl-opt %s --loop-fma | dl-opt --verify-each | FileCheck %s

// A single-use product added to a loop-carried accumulator becomes one
// fused multiply-add, on vectors and scalars; a product with another use,
// or added to a value that is not an accumulator, is kept.
// CHECK-LABEL: func.func @contract
// CHECK: loop.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[V:.+]] = %{{.+}}, %[[S:.+]] = %{{.+}}) -> (vector<8xf32>, f32) {
// CHECK:   %[[NV:.+]] = math.fma %arg2, %arg3, %[[V]] : vector<8xf32>
// CHECK:   %[[NS:.+]] = math.fma %arg0, %arg1, %[[S]] : f32
// CHECK:   %[[P:.+]] = arith.mulf %arg0, %arg0 : f32
// CHECK:   arith.addf %[[P]], %[[P]] : f32
// CHECK:   %[[Q:.+]] = arith.mulf %arg0, %arg1 : f32
// CHECK:   arith.addf %[[Q]], %arg5 : f32
// CHECK:   loop.yield %[[NV]], %[[NS]]
func.func @contract(%a: f32, %b: f32, %x: vector<8xf32>, %y: vector<8xf32>, %z: vector<8xf32>, %c: f32, %out: memref<2xf32>) -> (vector<8xf32>, f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r:2 = loop.for %i = %c0 to %c4 step %c1 iter_args(%v = %z, %s = %c) -> (vector<8xf32>, f32) {
    %p = arith.mulf %x, %y : vector<8xf32>
    %nv = arith.addf %v, %p : vector<8xf32>
    %q = arith.mulf %a, %b : f32
    %ns = arith.addf %q, %s : f32
    %r2 = arith.mulf %a, %a : f32
    %u = arith.addf %r2, %r2 : f32
    %q2 = arith.mulf %a, %b : f32
    %w = arith.addf %q2, %c : f32
    loop.store %u, %out[%c0] : memref<2xf32>
    loop.store %w, %out[%c1] : memref<2xf32>
    loop.yield %nv, %ns : vector<8xf32>, f32
  }
  return %r#0, %r#1 : vector<8xf32>, f32
}
