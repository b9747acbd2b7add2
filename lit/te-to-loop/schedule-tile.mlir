// RUN: dl-opt %s --lower-te-to-loops | FileCheck %s
// RUN: dl-opt %s --lower-te-to-loops | dl-opt --verify-each | FileCheck %s --check-prefix=RT

// tile/split strip-mine an axis: an outer loop stepping by the tile in the
// outer band, an inner point loop from the outer index to
// min(outer + tile, extent) in the inner band (the clamp only when the
// tile does not divide the extent). `split` is tile by another name.
// CHECK-LABEL: func.func @tile(
// CHECK:   %[[C7:.+]] = arith.constant 7 : index
// CHECK:   %[[C4:.+]] = arith.constant 4 : index
// CHECK:   loop.for parallel %[[IO:.+]] = %{{.+}} to %[[C7]] step %[[C4]] {
// CHECK:     %[[C13:.+]] = arith.constant 13 : index
// CHECK:     %[[C8:.+]] = arith.constant 8 : index
// CHECK:     loop.for %[[JO:.+]] = %{{.+}} to %[[C13]] step %[[C8]] {
// CHECK:       %[[E:.+]] = arith.addi %[[IO]], %{{.+}} : index
// CHECK:       %[[UB:.+]] = arith.minsi %[[E]], %{{.+}} : index
// CHECK:       loop.for %[[I:.+]] = %[[IO]] to %[[UB]] step %{{.+}} {
// CHECK:         %[[E2:.+]] = arith.addi %[[JO]], %{{.+}} : index
// CHECK:         %[[UB2:.+]] = arith.minsi %[[E2]], %{{.+}} : index
// CHECK:         loop.for %[[J:.+]] = %[[JO]] to %[[UB2]] step %{{.+}} {
// CHECK:           %[[X:.+]] = loop.load %arg0[%[[I]], %[[J]]] : memref<7x13xf32>
// CHECK:           %[[R:.+]] = math.exp %[[X]] : f32
// CHECK:           loop.store %[[R]], %arg1[%[[I]], %[[J]]] : memref<7x13xf32>
// RT-LABEL: func.func @tile(
func.func @tile(%a: tensor<7x13xf32>) -> tensor<7x13xf32> {
  %0 = te.compute (%i, %j) ins(%a : tensor<7x13xf32>) {schedule = {parallel = array<i64: 0>, tile = array<i64: 4, 0>, split = array<i64: 1, 8>}} -> tensor<7x13xf32> {
    %x = te.extract %a[%i, %j] : tensor<7x13xf32>
    %e = math.exp %x : f32
    te.yield %e : f32
  }
  return %0 : tensor<7x13xf32>
}

// A tiled reduction axis that stays innermost: both of its loops carry the
// accumulator in iter_args; 16 divides 32, so no clamp.
// CHECK-LABEL: func.func @tile_reduction(
// CHECK:   loop.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:     loop.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:       %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:       %[[C16:.+]] = arith.constant 16 : index
// CHECK:       %[[ACC:.+]] = loop.for %[[KO:.+]] = %{{.+}} to %{{.+}} step %[[C16]] iter_args(%[[A:.+]] = %[[Z]]) -> (f32) {
// CHECK:         %[[E:.+]] = arith.addi %[[KO]], %{{.+}} : index
// CHECK-NOT:     arith.minsi
// CHECK:         %[[IN:.+]] = loop.for %[[K:.+]] = %[[KO]] to %[[E]] step %{{.+}} iter_args(%[[B:.+]] = %[[A]]) -> (f32) {
// CHECK:           loop.load %arg0[%[[I]], %[[K]]]
// CHECK:           %[[M:.+]] = arith.mulf
// CHECK:           %[[N:.+]] = arith.addf %[[B]], %[[M]] : f32
// CHECK:           loop.yield %[[N]] : f32
// CHECK:         loop.yield %[[IN]] : f32
// CHECK:       loop.store %[[ACC]], %arg2[%[[I]], %[[J]]] : memref<8x8xf32>
func.func @tile_reduction(%a: tensor<8x32xf32>, %b: tensor<32x8xf32>) -> tensor<8x8xf32> {
  %0 = te.compute (%i, %j) reduce (%k) ins(%a, %b : tensor<8x32xf32>, tensor<32x8xf32>) {combiner = "add", reduce_extents = array<i64: 32>, schedule = {tile = array<i64: 0, 0, 16>}} -> tensor<8x8xf32> {
    %x = te.extract %a[%i, %k] : tensor<8x32xf32>
    %y = te.extract %b[%k, %j] : tensor<32x8xf32>
    %m = arith.mulf %x, %y : f32
    te.yield %m : f32
  }
  return %0 : tensor<8x8xf32>
}
