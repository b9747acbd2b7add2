// RUN: dl-opt %s --lower-te-to-loops | FileCheck %s
// RUN: dl-opt %s --lower-te-to-loops | dl-opt --verify-each | FileCheck %s --check-prefix=RT

// reorder = (k, i, j): the reduction loop is outermost, so the accumulator
// cannot live in iter_args. The output is first filled with the combiner's
// identity (-inf for max), then every point is load / combine / store.
// CHECK-LABEL: func.func @max_k_outside(
// CHECK:   loop.for %[[I0:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:     loop.for %[[J0:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:       %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK:       loop.store %[[NINF]], %arg1[%[[I0]], %[[J0]]] : memref<4x5xf32>
// CHECK:   %[[C6:.+]] = arith.constant 6 : index
// CHECK:   loop.for %[[K:.+]] = %{{.+}} to %[[C6]] step %{{.+}} {
// CHECK:     %[[C4:.+]] = arith.constant 4 : index
// CHECK:     loop.for %[[I:.+]] = %{{.+}} to %[[C4]] step %{{.+}} {
// CHECK:       %[[C5:.+]] = arith.constant 5 : index
// CHECK:       loop.for %[[J:.+]] = %{{.+}} to %[[C5]] step %{{.+}} {
// CHECK-NOT:     iter_args
// CHECK:         %[[X:.+]] = loop.load %arg0[%[[I]], %[[K]], %[[J]]] : memref<4x6x5xf32>
// CHECK:         %[[OLD:.+]] = loop.load %arg1[%[[I]], %[[J]]] : memref<4x5xf32>
// CHECK:         %[[NEW:.+]] = arith.maximumf %[[OLD]], %[[X]] : f32
// CHECK:         loop.store %[[NEW]], %arg1[%[[I]], %[[J]]] : memref<4x5xf32>
// RT-LABEL: func.func @max_k_outside(
func.func @max_k_outside(%a: tensor<4x6x5xf32>) -> tensor<4x5xf32> {
  %0 = te.compute (%i, %j) reduce (%k) ins(%a : tensor<4x6x5xf32>) {combiner = "max", reduce_extents = array<i64: 6>, schedule = {reorder = array<i64: 2, 0, 1>}} -> tensor<4x5xf32> {
    %x = te.extract %a[%i, %k, %j] : tensor<4x6x5xf32>
    te.yield %x : f32
  }
  return %0 : tensor<4x5xf32>
}

// Tiling with a reorder (TVM/Halide convention): the outer tile loops in
// `reorder` order (j.o, i.o), then the inner point loops in the same order
// (j, i); the reduction k stays innermost, so iter_args are kept and an
// `init` attribute seeds the accumulator.
// CHECK-LABEL: func.func @tiled_reorder(
// CHECK:   %[[C8:.+]] = arith.constant 8 : index
// CHECK:   %[[T4:.+]] = arith.constant 4 : index
// CHECK:   loop.for %[[JO:.+]] = %{{.+}} to %[[C8]] step %[[T4]] {
// CHECK:     %[[C6:.+]] = arith.constant 6 : index
// CHECK:     %[[T2:.+]] = arith.constant 2 : index
// CHECK:     loop.for %[[IO:.+]] = %{{.+}} to %[[C6]] step %[[T2]] {
// CHECK:       loop.for %[[J:.+]] = %[[JO]] to %{{.+}} step %{{.+}} {
// CHECK:         loop.for %[[I:.+]] = %[[IO]] to %{{.+}} step %{{.+}} {
// CHECK:           %[[INIT:.+]] = arith.constant 1.000000e+00 : f32
// CHECK:           %[[S:.+]] = loop.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %[[INIT]]) -> (f32) {
// CHECK:             loop.load %arg0[%[[I]], %[[K]]]
// CHECK:           loop.store %[[S]], %arg2[%[[I]], %[[J]]] : memref<6x8xf32>
func.func @tiled_reorder(%a: tensor<6x3xf32>, %b: tensor<3x8xf32>) -> tensor<6x8xf32> {
  %0 = te.compute (%i, %j) reduce (%k) ins(%a, %b : tensor<6x3xf32>, tensor<3x8xf32>) {combiner = "add", init = 1.0 : f32, reduce_extents = array<i64: 3>, schedule = {tile = array<i64: 2, 4, 0>, reorder = array<i64: 1, 0, 2>}} -> tensor<6x8xf32> {
    %x = te.extract %a[%i, %k] : tensor<6x3xf32>
    %y = te.extract %b[%k, %j] : tensor<3x8xf32>
    %m = arith.mulf %x, %y : f32
    te.yield %m : f32
  }
  return %0 : tensor<6x8xf32>
}
