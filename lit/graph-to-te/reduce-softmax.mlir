// RUN: dl-opt %s --split-input-file --lower-graph-to-te | FileCheck %s

// CHECK-LABEL: func.func @reduce_sum
// CHECK: te.compute (%[[I:.+]]) reduce (%[[K:.+]]) ins(%arg0 : tensor<2x3xf32>) {combiner = "add", reduce_extents = array<i64: 3>} -> tensor<2xf32> {
// CHECK:   te.extract %arg0[%[[I]], %[[K]]] : tensor<2x3xf32>
func.func @reduce_sum(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %0 = graph.reduce_sum %x {axes = array<i64: -1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// keepdims keeps the reduced axis as an (unused) size-1 output index.
// CHECK-LABEL: func.func @reduce_max_keepdims
// CHECK: te.compute (%{{.+}}, %[[J:.+]]) reduce (%[[K:.+]]) ins(%arg0 : tensor<2x3xf32>) {combiner = "max", reduce_extents = array<i64: 2>} -> tensor<1x3xf32> {
// CHECK:   te.extract %arg0[%[[K]], %[[J]]] : tensor<2x3xf32>
func.func @reduce_max_keepdims(%x: tensor<2x3xf32>) -> tensor<1x3xf32> {
  %0 = graph.reduce_max %x {axes = array<i64: 0>, keepdims} : (tensor<2x3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_mean_all
// CHECK: %[[S:.+]] = te.compute () reduce (%{{.+}}, %{{.+}}) ins(%arg0 : tensor<2x3xf32>) {combiner = "add", reduce_extents = array<i64: 2, 3>} -> tensor<f32> {
// CHECK: te.compute () ins(%[[S]] : tensor<f32>) -> tensor<f32> {
// CHECK:   te.extract %[[S]][] : tensor<f32>
// CHECK:   arith.constant 6.000000e+00 : f32
func.func @reduce_mean_all(%x: tensor<2x3xf32>) -> tensor<f32> {
  %0 = graph.reduce_mean %x : (tensor<2x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Softmax: max, exp(x - max), sum, divide.
// CHECK-LABEL: func.func @softmax
// CHECK: %[[M:.+]] = te.compute (%{{.+}}, %{{.+}}) reduce (%{{.+}}) ins(%arg0 : tensor<2x3xf32>) {combiner = "max", reduce_extents = array<i64: 3>} -> tensor<2x1xf32>
// CHECK: %[[E:.+]] = te.compute (%{{.+}}, %{{.+}}) ins(%arg0, %[[M]] : tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
// CHECK:   arith.subf
// CHECK:   math.exp
// CHECK: %[[S:.+]] = te.compute (%{{.+}}, %{{.+}}) reduce (%{{.+}}) ins(%[[E]] : tensor<2x3xf32>) {combiner = "add", reduce_extents = array<i64: 3>} -> tensor<2x1xf32>
// CHECK: %[[R:.+]] = te.compute (%{{.+}}, %{{.+}}) ins(%[[E]], %[[S]] : tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
// CHECK:   arith.divf
// CHECK: return %[[R]]
func.func @softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.softmax %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
