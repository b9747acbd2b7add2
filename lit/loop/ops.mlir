// RUN: dl-opt %s | FileCheck %s
// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | FileCheck %s
// Custom assembly forms of the loop dialect round-trip.

// CHECK-LABEL: func.func @loops
// CHECK-SAME: (%[[A:.*]]: memref<4x8xf32>, %[[OUT:.*]]: memref<4xf32>, %[[WS:.*]]: memref<?xi8>)
func.func @loops(%a: memref<4x8xf32>, %out: memref<4xf32>, %ws: memref<?xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  // CHECK: %[[T:.*]] = loop.view %[[WS]][%{{.*}}] : memref<?xi8> to memref<4xf32>
  %t = loop.view %ws[%c0] : memref<?xi8> to memref<4xf32>
  // CHECK: loop.for parallel %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
  loop.for parallel %i = %c0 to %c4 step %c1 {
    // CHECK: %[[R:.*]] = loop.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[S:.*]] = %{{.*}}) -> (f32) {
    %r = loop.for %j = %c0 to %c8 step %c1 iter_args(%s = %zero) -> (f32) {
      // CHECK: %[[X:.*]] = loop.load %[[A]][%[[I]], %[[J]]] : memref<4x8xf32>
      %x = loop.load %a[%i, %j] : memref<4x8xf32>
      %n = arith.addf %s, %x : f32
      // CHECK: loop.yield %{{.*}} : f32
      loop.yield %n : f32
    }
    // CHECK: loop.store %[[R]], %[[T]][%[[I]]] : memref<4xf32>
    loop.store %r, %t[%i] : memref<4xf32>
    // An empty yield may be left out; it is printed.
    // CHECK: loop.yield
  }
  return
}

// CHECK-LABEL: func.func @vectors_and_alloc
func.func @vectors_and_alloc(%a: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  // CHECK: %[[V:.*]] = loop.vector_load %{{.*}}[%{{.*}}] : memref<16xf32>, vector<8xf32>
  %v = loop.vector_load %a[%c0] : memref<16xf32>, vector<8xf32>
  // CHECK: loop.vector_store %[[V]], %{{.*}}[%{{.*}}] : memref<16xf32>, vector<8xf32>
  loop.vector_store %v, %a[%c8] : memref<16xf32>, vector<8xf32>
  // CHECK: loop.alloc() : memref<2x2xf32>
  %b = loop.alloc() : memref<2x2xf32>
  // CHECK: loop.load %{{.*}}[] : memref<f32>
  %s = loop.alloc() : memref<f32>
  %x = loop.load %s[] : memref<f32>
  return
}

// CHECK-LABEL: func.func @broadcast_and_unroll
func.func @broadcast_and_unroll(%a: memref<16xf32>, %s: f32, %i: i32) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  // CHECK: loop.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
  // CHECK: %[[B:.*]] = loop.broadcast %{{.*}} : f32 to vector<8xf32>
  // CHECK: loop.vector_store %[[B]]
  // CHECK: } {unroll = 2 : i64}
  loop.for %j = %c0 to %c16 step %c8 {
    %b = loop.broadcast %s : f32 to vector<8xf32>
    loop.vector_store %b, %a[%j] : memref<16xf32>, vector<8xf32>
  } {unroll = 2 : i64}
  // CHECK: loop.broadcast %{{.*}} : i32 to vector<4xi32>
  %v = loop.broadcast %i : i32 to vector<4xi32>
  return
}

// Run-time extents: loop.dim, and a view sized by index operands.
// CHECK-LABEL: func.func @dynamic
// CHECK: %[[N:.+]] = loop.dim %arg0, 0 : memref<?x4xf32>
// CHECK: loop.view %arg1[%c0][%[[N]]] : memref<?xi8> to memref<?x4xf32>
func.func @dynamic(%m: memref<?x4xf32>, %ws: memref<?xi8>) {
  %n = loop.dim %m, 0 : memref<?x4xf32>
  %c0 = arith.constant 0 : index
  %v = loop.view %ws[%c0][%n] : memref<?xi8> to memref<?x4xf32>
  return
}

// A buffer seen as one dimension, and an output extent set at run time.
// CHECK-LABEL: func.func @flatten_and_set_dim
// CHECK: %[[F:.+]] = loop.flatten %arg0 : memref<2x?xi64> to memref<?xi64>
// CHECK: loop.set_dim %arg0, 1, %arg1 : memref<2x?xi64>
func.func @flatten_and_set_dim(%m: memref<2x?xi64>, %n: index) {
  %f = loop.flatten %m : memref<2x?xi64> to memref<?xi64>
  loop.set_dim %m, 1, %n : memref<2x?xi64>
  return
}
