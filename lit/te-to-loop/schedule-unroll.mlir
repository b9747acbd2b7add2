// RUN: dl-opt %s --lower-te-to-loops | FileCheck %s
// RUN: dl-opt %s --lower-te-to-loops | dl-opt --verify-each | FileCheck %s --check-prefix=RT

// unroll = (axis, factor) unrolls the axis' innermost loop (its point loop
// when tiled) in the lowered IR; no `unroll` mark is left behind.
// 8 iterations by 4: one loop of step 4 with 4 copies of the body.
// CHECK-LABEL: func.func @unroll_j(
// CHECK:   loop.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:     %[[C4:.+]] = arith.constant 4 : index
// CHECK:     %[[C1:.+]] = arith.constant 1 : index
// CHECK:     %[[C2:.+]] = arith.constant 2 : index
// CHECK:     %[[C3:.+]] = arith.constant 3 : index
// CHECK:     loop.for %[[J:.+]] = %{{.+}} to %{{.+}} step %[[C4]] {
// CHECK:       loop.load %arg0[%[[I]], %[[J]]]
// CHECK:       loop.store %{{.+}}, %arg1[%[[I]], %[[J]]]
// CHECK:       %[[J1:.+]] = arith.addi %[[J]], %[[C1]] : index
// CHECK:       loop.load %arg0[%[[I]], %[[J1]]]
// CHECK:       loop.store %{{.+}}, %arg1[%[[I]], %[[J1]]]
// CHECK:       %[[J2:.+]] = arith.addi %[[J]], %[[C2]] : index
// CHECK:       loop.store %{{.+}}, %arg1[%[[I]], %[[J2]]]
// CHECK:       %[[J3:.+]] = arith.addi %[[J]], %[[C3]] : index
// CHECK:       loop.store %{{.+}}, %arg1[%[[I]], %[[J3]]]
// CHECK-NEXT:  loop.yield
// CHECK-NOT: unroll
// CHECK: return
// RT-LABEL: func.func @unroll_j(
func.func @unroll_j(%a: tensor<3x8xf32>) -> tensor<3x8xf32> {
  %0 = te.compute (%i, %j) ins(%a : tensor<3x8xf32>) {schedule = {unroll = array<i64: 1, 4>}} -> tensor<3x8xf32> {
    %x = te.extract %a[%i, %j] : tensor<3x8xf32>
    %e = math.exp %x : f32
    te.yield %e : f32
  }
  return %0 : tensor<3x8xf32>
}

// A reduction of 7 by 3: the accumulator is chained through the 3 copies
// of the main loop (to 6), then a remainder loop from 6 to 7 carries it on.
// CHECK-LABEL: func.func @unroll_reduction(
// CHECK:   %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:   %[[C6:.+]] = arith.constant 6 : index
// CHECK:   %[[M:.+]] = loop.for %{{.+}} = %{{.+}} to %[[C6]] step %{{.+}} iter_args(%[[A:.+]] = %[[Z]]) -> (f32) {
// CHECK:     %[[S1:.+]] = arith.addf %[[A]], %{{.+}} : f32
// CHECK:     %[[S2:.+]] = arith.addf %[[S1]], %{{.+}} : f32
// CHECK:     %[[S3:.+]] = arith.addf %[[S2]], %{{.+}} : f32
// CHECK:     loop.yield %[[S3]] : f32
// CHECK:   %[[R:.+]] = loop.for %{{.+}} = %[[C6]] to %{{.+}} step %{{.+}} iter_args(%[[B:.+]] = %[[M]]) -> (f32) {
// CHECK:     arith.addf %[[B]], %{{.+}} : f32
// CHECK:   loop.store %[[R]], %arg1[%{{.+}}] : memref<2xf32>
func.func @unroll_reduction(%a: tensor<2x7xf32>) -> tensor<2xf32> {
  %0 = te.compute (%i) reduce (%k) ins(%a : tensor<2x7xf32>) {combiner = "add", reduce_extents = array<i64: 7>, schedule = {unroll = array<i64: 1, 3>}} -> tensor<2xf32> {
    %x = te.extract %a[%i, %k] : tensor<2x7xf32>
    te.yield %x : f32
  }
  return %0 : tensor<2xf32>
}

// Unrolling a clamped point loop (tile 4 of 7): its trip count is only
// known at run time, so the main loop's bound is computed and a remainder
// loop always follows.
// CHECK-LABEL: func.func @unroll_tiled(
// CHECK:   %[[UB:.+]] = arith.minsi %{{.+}}, %{{.+}} : index
// CHECK:   arith.subi %[[UB]], %[[LB:.+]] : index
// CHECK:   %[[MUB:.+]] = arith.addi %[[LB]], %{{.+}} : index
// CHECK:   loop.for %{{.+}} = %[[LB]] to %[[MUB]] step %{{.+}} {
// CHECK-COUNT-2: math.exp
// CHECK:   loop.for %{{.+}} = %[[MUB]] to %[[UB]] step %{{.+}} {
// CHECK-NEXT: loop.load
// CHECK-NEXT: math.exp
func.func @unroll_tiled(%a: tensor<7xf32>) -> tensor<7xf32> {
  %0 = te.compute (%i) ins(%a : tensor<7xf32>) {schedule = {tile = array<i64: 4>, unroll = array<i64: 0, 2>}} -> tensor<7xf32> {
    %x = te.extract %a[%i] : tensor<7xf32>
    %e = math.exp %x : f32
    te.yield %e : f32
  }
  return %0 : tensor<7xf32>
}
