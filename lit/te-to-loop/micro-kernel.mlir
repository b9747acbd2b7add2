// RUN: dl-opt %s --te-schedule --lower-te-to-loops --loop-peel --loop-vectorize --loop-unroll --canonicalize --loop-hoist --loop-promote --loop-fma --cse --canonicalize | FileCheck %s
// RUN: dl-opt %s --te-schedule --lower-te-to-loops --loop-peel --loop-vectorize --loop-unroll --canonicalize --loop-hoist --loop-promote --loop-fma --cse --canonicalize | dl-opt --verify-each | FileCheck %s

// The default strategy for a matmul, one pass at a time: te-schedule picks
// 6 x 16 register tiles; te-to-loop builds k.o, i.o, j.o, k, i, j with the
// partial tiles marked {peel} and the point loops marked {unroll}; peeling
// gives the full tiles constant extents, so unrolling leaves straight-line
// code; the 6 x 2 accumulators (vector<8xf32>) are then promoted to
// iter_args of the reduction loop and each multiply-add is one fma. The
// tile loops of i and j are parallel (--loop-parallelize runs the outer one
// on the thread pool).
// M = 13 leaves a partial tile of one row, which gets its own kernel.
// CHECK-LABEL: func.func @matmul
// CHECK: loop.for parallel %[[I:[a-z0-9_]+]] = %{{.+}} to %c12 step %c6 {
// CHECK: loop.for parallel %[[J:[a-z0-9_]+]] = %{{.+}} to %c32 step %c16 {
// CHECK-COUNT-12: loop.vector_load %arg2
// CHECK: %{{.+}}:12 = loop.for %[[K:[a-z0-9_]+]] = %{{.+}} to %c20 step %c1 iter_args(
// CHECK-NOT: loop.vector_store
// CHECK: loop.vector_load %arg1[%[[K]], %[[J]]]
// CHECK-COUNT-12: math.fma
// CHECK: loop.yield
// CHECK-COUNT-12: loop.vector_store
// The one-row tail tile: 1 x 2 accumulators at row 12.
// CHECK: loop.for parallel %[[J2:[a-z0-9_]+]] = %{{.+}} to %c32 step %c16 {
// CHECK: loop.vector_load %arg2[%c12, %[[J2]]]
// CHECK: %{{.+}}:2 = loop.for
// CHECK-COUNT-2: math.fma
func.func @matmul(%a: tensor<13x20xf32>, %b: tensor<20x32xf32>) -> tensor<13x32xf32> {
  %0 = te.compute (%i, %j) reduce (%k) ins(%a, %b : tensor<13x20xf32>, tensor<20x32xf32>) {combiner = "add", reduce_extents = array<i64: 20>} -> tensor<13x32xf32> {
    %x = te.extract %a[%i, %k] : tensor<13x20xf32>
    %y = te.extract %b[%k, %j] : tensor<20x32xf32>
    %m = arith.mulf %x, %y : f32
    te.yield %m : f32
  }
  return %0 : tensor<13x32xf32>
}
