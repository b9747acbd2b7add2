// RUN: dl-opt %s | FileCheck %s
// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | FileCheck %s
// The te ops in their custom form, round-tripped.

// CHECK-LABEL: func.func @matmul
// CHECK: %[[R:.+]] = te.compute (%[[I:.+]], %[[J:.+]]) reduce (%[[K:.+]]) ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<8x4xf32>) {combiner = "add", init = 0.000000e+00 : f32, reduce_extents = array<i64: 8>, schedule = {parallel = array<i64: 0>, reorder = array<i64: 0, 2, 1>, tile = array<i64: 2, 2, 4>, unroll = array<i64: 2, 2>}} -> tensor<4x4xf32> {
// CHECK:   %[[A:.+]] = te.extract %arg0[%[[I]], %[[K]]] : tensor<4x8xf32>
// CHECK:   %[[B:.+]] = te.extract %arg1[%[[K]], %[[J]]] : tensor<8x4xf32>
// CHECK:   %[[M:.+]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK:   te.yield %[[M]] : f32
// CHECK: }
// CHECK: return %[[R]] : tensor<4x4xf32>
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) -> tensor<4x4xf32> {
  %0 = te.compute (%i, %j) reduce (%k) ins(%a, %b : tensor<4x8xf32>, tensor<8x4xf32>) {combiner = "add", init = 0.0 : f32, reduce_extents = array<i64: 8>, schedule = {parallel = array<i64: 0>, tile = array<i64: 2, 2, 4>, reorder = array<i64: 0, 2, 1>, unroll = array<i64: 2, 2>}} -> tensor<4x4xf32> {
    %x = te.extract %a[%i, %k] : tensor<4x8xf32>
    %y = te.extract %b[%k, %j] : tensor<8x4xf32>
    %m = arith.mulf %x, %y : f32
    te.yield %m : f32
  }
  return %0 : tensor<4x4xf32>
}

// A compute with no inputs (an iota) and a 0-d compute.
// CHECK-LABEL: func.func @iota
// CHECK: te.compute (%[[I:.+]]) -> tensor<16xi32> {
// CHECK:   arith.index_cast %[[I]] : index to i32
// CHECK: te.compute () reduce (%{{.+}}) ins(%{{.+}} : tensor<16xi32>) {combiner = "max", reduce_extents = array<i64: 16>} -> tensor<i32>
// CHECK: te.compute (%{{.+}}) ins(%{{.+}} : tensor<16xi32>) {schedule = {inline, vectorize = array<i64: 0, 8>}} -> tensor<16xi32>
func.func @iota() -> (tensor<i32>, tensor<16xi32>) {
  %0 = te.compute (%i) -> tensor<16xi32> {
    %v = arith.index_cast %i : index to i32
    te.yield %v : i32
  }
  %1 = te.compute () reduce (%k) ins(%0 : tensor<16xi32>) {combiner = "max", reduce_extents = array<i64: 16>} -> tensor<i32> {
    %v = te.extract %0[%k] : tensor<16xi32>
    te.yield %v : i32
  }
  %2 = te.compute (%i) ins(%0 : tensor<16xi32>) {schedule = {inline, vectorize = array<i64: 0, 8>}} -> tensor<16xi32> {
    %v = te.extract %0[%i] : tensor<16xi32>
    %w = arith.addi %v, %v : i32
    te.yield %w : i32
  }
  return %1, %2 : tensor<i32>, tensor<16xi32>
}

// A fused group of computes; compute_at on the producer.
// CHECK-LABEL: func.func @group
// CHECK: %[[G:.+]] = te.group (%[[X:.+]] = %arg0) {kind = "elementwise"} : (tensor<8xf32>) -> tensor<8xf32> {
// CHECK:   %[[E:.+]] = te.compute (%{{.+}}) ins(%[[X]] : tensor<8xf32>) {schedule = {compute_at = 0 : i64}} -> tensor<8xf32> {
// CHECK:   %[[R:.+]] = te.compute (%{{.+}}) ins(%[[E]] : tensor<8xf32>) -> tensor<8xf32> {
// CHECK:   te.yield %[[R]] : tensor<8xf32>
// CHECK: return %[[G]]
func.func @group(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = te.group (%arg1 = %x) {kind = "elementwise"} : (tensor<8xf32>) -> tensor<8xf32> {
    %1 = te.compute (%i) ins(%arg1 : tensor<8xf32>) {schedule = {compute_at = 0 : i64}} -> tensor<8xf32> {
      %v = te.extract %arg1[%i] : tensor<8xf32>
      %e = math.exp %v : f32
      te.yield %e : f32
    }
    %2 = te.compute (%i) ins(%1 : tensor<8xf32>) -> tensor<8xf32> {
      %v = te.extract %1[%i] : tensor<8xf32>
      %z = arith.constant 0.0 : f32
      %r = arith.maximumf %v, %z : f32
      te.yield %r : f32
    }
    te.yield %2 : tensor<8xf32>
  }
  return %0 : tensor<8xf32>
}
