// RUN: dl-opt %s --loop-promote --split-input-file | FileCheck %s
// RUN: dl-opt %s --loop-promote --split-input-file | dl-opt --verify-each --split-input-file | FileCheck %s

// Two accumulators of a tile at invariant addresses %c[%i, %j] and
// %c[%i, %j + 8] (a vector apart): loaded before the reduction loop, kept
// in iter_args, stored after it. The reads of %a and %b stay in the loop.
// CHECK-LABEL: func.func @tile
// CHECK: %[[C0:.+]] = loop.vector_load %arg2[%arg3, %arg4]
// CHECK: %[[C1:.+]] = loop.vector_load %arg2[%arg3, %[[J8:.+]]]
// CHECK: %[[R:.+]]:2 = loop.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[X:.+]] = %[[C0]], %[[Y:.+]] = %[[C1]]) -> (vector<8xf32>, vector<8xf32>) {
// CHECK-NOT: loop.vector_load %arg2
// CHECK: %[[S0:.+]] = arith.addf %[[X]], %{{.+}} : vector<8xf32>
// CHECK: %[[S1:.+]] = arith.addf %[[Y]], %{{.+}} : vector<8xf32>
// CHECK-NOT: loop.vector_store
// CHECK: loop.yield %[[S0]], %[[S1]] : vector<8xf32>, vector<8xf32>
// CHECK: loop.vector_store %[[R]]#0, %arg2[%arg3, %arg4]
// CHECK: loop.vector_store %[[R]]#1, %arg2[%arg3, %[[J8]]]
func.func @tile(%a: memref<4x32xf32>, %b: memref<32x16xf32>, %c: memref<4x16xf32>, %i: index, %j: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %j8 = arith.addi %j, %c8 : index
  loop.for %k = %c0 to %c32 step %c1 {
    %x = loop.load %a[%i, %k] : memref<4x32xf32>
    %xv = loop.broadcast %x : f32 to vector<8xf32>
    %b0 = loop.vector_load %b[%k, %j] : memref<32x16xf32>, vector<8xf32>
    %b1 = loop.vector_load %b[%k, %j8] : memref<32x16xf32>, vector<8xf32>
    %o0 = loop.vector_load %c[%i, %j] : memref<4x16xf32>, vector<8xf32>
    %p0 = arith.mulf %xv, %b0 : vector<8xf32>
    %s0 = arith.addf %o0, %p0 : vector<8xf32>
    loop.vector_store %s0, %c[%i, %j] : memref<4x16xf32>, vector<8xf32>
    %o1 = loop.vector_load %c[%i, %j8] : memref<4x16xf32>, vector<8xf32>
    %p1 = arith.mulf %xv, %b1 : vector<8xf32>
    %s1 = arith.addf %o1, %p1 : vector<8xf32>
    loop.vector_store %s1, %c[%i, %j8] : memref<4x16xf32>, vector<8xf32>
    loop.yield
  }
  return
}

// -----

// Addresses that may overlap (%c[%j] and %c[%j + 4] with vectors of 8)
// are not promoted.
// CHECK-LABEL: func.func @overlap
// CHECK: loop.for
// CHECK-NOT: iter_args
// CHECK: loop.vector_load %arg1[%arg2]
func.func @overlap(%a: memref<8xf32>, %c: memref<16xf32>, %j: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %j4 = arith.addi %j, %c4 : index
  loop.for %k = %c0 to %c8 step %c1 {
    %x = loop.vector_load %a[%c0] : memref<8xf32>, vector<8xf32>
    %o0 = loop.vector_load %c[%j] : memref<16xf32>, vector<8xf32>
    %s0 = arith.addf %o0, %x : vector<8xf32>
    loop.vector_store %s0, %c[%j] : memref<16xf32>, vector<8xf32>
    %o1 = loop.vector_load %c[%j4] : memref<16xf32>, vector<8xf32>
    %s1 = arith.addf %o1, %x : vector<8xf32>
    loop.vector_store %s1, %c[%j4] : memref<16xf32>, vector<8xf32>
    loop.yield
  }
  return
}

// -----

// An address that depends on the loop, or a buffer also accessed in a
// nested loop, stays in memory.
// CHECK-LABEL: func.func @variant
// CHECK: loop.for %[[K:.+]] = {{.*}} {
// CHECK-NOT: iter_args
// CHECK: loop.store %{{.+}}, %arg1[%[[K]]]
// CHECK: loop.store %{{.+}}, %arg2[%c0]
func.func @variant(%a: memref<8xf32>, %c: memref<8xf32>, %d: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  loop.for %k = %c0 to %c8 step %c1 {
    %x = loop.load %a[%k] : memref<8xf32>
    loop.store %x, %c[%k] : memref<8xf32>
    %o = loop.load %d[%c0] : memref<1xf32>
    %s = arith.addf %o, %x : f32
    loop.store %s, %d[%c0] : memref<1xf32>
    loop.for %q = %c0 to %c1 step %c1 {
      %y = loop.load %d[%c0] : memref<1xf32>
      loop.yield
    }
    loop.yield
  }
  return
}

// -----

// A loop that may not run (run-time bounds) keeps its accesses: the load
// would otherwise happen before it unconditionally.
// CHECK-LABEL: func.func @maybe_empty
// CHECK-NOT: iter_args
func.func @maybe_empty(%a: memref<8xf32>, %d: memref<1xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  loop.for %k = %c0 to %n step %c1 {
    %x = loop.load %a[%k] : memref<8xf32>
    %o = loop.load %d[%c0] : memref<1xf32>
    %s = arith.addf %o, %x : f32
    loop.store %s, %d[%c0] : memref<1xf32>
    loop.yield
  }
  return
}

// -----

// The point loop of a tile over a run-time extent: min(%o + 4, %n), with
// %o the induction variable of a loop that ends at %n, runs at least once.
// CHECK-LABEL: func.func @dynamic_tile
// CHECK: loop.for %[[O:.+]] = %{{.+}} to %arg2 step %c4 {
// CHECK: %[[C:.+]] = loop.load %arg1[%c0]
// CHECK: %[[R:.+]] = loop.for %{{.+}} = %[[O]] to %{{.+}} step %c1 iter_args(%{{.+}} = %[[C]]) -> (f32) {
// CHECK: loop.store %[[R]], %arg1[%c0]
func.func @dynamic_tile(%a: memref<?xf32>, %d: memref<1xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %o = %c0 to %n step %c4 {
    %e = arith.addi %o, %c4 : index
    %u = arith.minsi %e, %n : index
    loop.for %k = %o to %u step %c1 {
      %x = loop.load %a[%k] : memref<?xf32>
      %s = loop.load %d[%c0] : memref<1xf32>
      %t = arith.addf %s, %x : f32
      loop.store %t, %d[%c0] : memref<1xf32>
      loop.yield
    }
    loop.yield
  }
  return
}
