// RUN: dl-opt %s --loop-unroll --split-input-file | FileCheck %s
// RUN: dl-opt %s --loop-unroll --split-input-file | dl-opt --verify-each --split-input-file | FileCheck %s

// A constant trip count divisible by the factor: one loop of step 4 whose
// body holds 4 copies (iv, iv+1, iv+2, iv+3); the accumulator is chained
// through the copies; no remainder loop, and the mark is gone.
// CHECK-LABEL: func.func @sum16
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[C1:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[C2:.*]] = arith.constant 2 : index
// CHECK-NEXT: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[R:.*]] = loop.for %[[I:.*]] = %{{.*}} to %{{.*}} step %[[C4]] iter_args(%[[A:.*]] = %{{.*}}) -> (f32) {
// CHECK-NEXT: %[[X0:.*]] = loop.load %{{.*}}[%[[I]]]
// CHECK-NEXT: %[[S0:.*]] = arith.addf %[[A]], %[[X0]]
// CHECK-NEXT: %[[I1:.*]] = arith.addi %[[I]], %[[C1]] : index
// CHECK-NEXT: %[[X1:.*]] = loop.load %{{.*}}[%[[I1]]]
// CHECK-NEXT: %[[S1:.*]] = arith.addf %[[S0]], %[[X1]]
// CHECK-NEXT: %[[I2:.*]] = arith.addi %[[I]], %[[C2]] : index
// CHECK: %[[I3:.*]] = arith.addi %[[I]], %[[C3]] : index
// CHECK: %[[S3:.*]] = arith.addf
// CHECK-NEXT: loop.yield %[[S3]] : f32
// CHECK-NEXT: }
// CHECK-NOT: loop.for
// CHECK-NOT: unroll
// CHECK: loop.store %[[R]]
func.func @sum16(%a: memref<16xf32>, %out: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %r = loop.for %i = %c0 to %c16 step %c1 iter_args(%s = %zero) -> (f32) {
    %x = loop.load %a[%i] : memref<16xf32>
    %n = arith.addf %s, %x : f32
    loop.yield %n : f32
  } {unroll = 4 : i64}
  loop.store %r, %out[%c0] : memref<1xf32>
  return
}

// -----

// 10 trips by 4: a main loop to 8 (step 4), then the original loop from
// 8 to 10 as the remainder, carrying the main loop's result.
// CHECK-LABEL: func.func @sum10
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C10:.*]] = arith.constant 10 : index
// CHECK: %[[M:.*]] = loop.for %{{.*}} = %{{.*}} to %[[C8]] step %{{.*}} iter_args
// CHECK-COUNT-4: arith.addf
// CHECK: %[[R:.*]] = loop.for %{{.*}} = %[[C8]] to %[[C10]] step %{{.*}} iter_args(%{{.*}} = %[[M]]) -> (f32) {
// CHECK-NEXT: loop.load
// CHECK-NEXT: arith.addf
// CHECK-NEXT: loop.yield
// CHECK: loop.store %[[R]]
func.func @sum10(%a: memref<10xf32>, %out: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  %zero = arith.constant 0.0 : f32
  %r = loop.for %i = %c0 to %c10 step %c1 iter_args(%s = %zero) -> (f32) {
    %x = loop.load %a[%i] : memref<10xf32>
    %n = arith.addf %s, %x : f32
    loop.yield %n : f32
  } {unroll = 4 : i64}
  loop.store %r, %out[%c0] : memref<1xf32>
  return
}

// -----

// Unknown trip count: the main loop's bound is computed at run time,
// lb + (max(ub - lb, 0) / 6) * 6, and the remainder loop always follows.
// CHECK-LABEL: func.func @dynamic
// CHECK: %[[D:.*]] = arith.subi %[[UB:.*]], %[[LB:.*]] : index
// CHECK: %[[P:.*]] = arith.maxsi %[[D]], %{{.*}} : index
// CHECK: %[[Q:.*]] = arith.divsi %[[P]], %[[C6:.*]] : index
// CHECK: %[[N:.*]] = arith.muli %[[Q]], %[[C6]] : index
// CHECK: %[[MUB:.*]] = arith.addi %[[LB]], %[[N]] : index
// CHECK: loop.for %{{.*}} = %[[LB]] to %[[MUB]] step %{{.*}} {
// CHECK-COUNT-3: loop.store
// CHECK: loop.for %{{.*}} = %[[MUB]] to %[[UB]] step %{{.*}} {
func.func @dynamic(%a: memref<64xf32>, %lb: index, %ub: index, %v: f32) {
  %c2 = arith.constant 2 : index
  loop.for %i = %lb to %ub step %c2 {
    loop.store %v, %a[%i] : memref<64xf32>
  } {unroll = 3 : i64}
  return
}
