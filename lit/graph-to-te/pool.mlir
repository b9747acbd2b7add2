// RUN: dl-opt %s --split-input-file --lower-graph-to-te | FileCheck %s

// Max pooling: a max reduction over the window; padding reads -inf.
// CHECK-LABEL: func.func @max_pool
// CHECK: te.compute (%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}) reduce (%{{.+}}, %{{.+}}) ins(%arg0 : tensor<1x2x5x5xf32>) {combiner = "max", reduce_extents = array<i64: 3, 3>} -> tensor<1x2x3x3xf32> {
// CHECK:   te.extract %arg0
// CHECK:   %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK:   arith.select %{{.+}}, %{{.+}}, %[[NINF]] : f32
func.func @max_pool(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %0 = graph.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// Average pooling: a sum, then a divide by the per-point window size.
// CHECK-LABEL: func.func @avg_pool
// CHECK: %[[S:.+]] = te.compute {{.*}} reduce {{.*}} ins(%arg0 : tensor<1x1x4x4xf32>) {combiner = "add", reduce_extents = array<i64: 2, 2>} -> tensor<1x1x2x2xf32> {
// CHECK: te.compute {{.*}} ins(%[[S]] : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
// CHECK:   arith.maxsi
// CHECK:   arith.minsi
// CHECK:   arith.index_cast %{{.+}} : index to i64
// CHECK:   arith.sitofp %{{.+}} : i64 to f32
// CHECK:   arith.divf
func.func @avg_pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %0 = graph.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, count_include_pad} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @global_avg_pool
// CHECK: %[[S:.+]] = te.compute (%[[N:.+]], %[[C:.+]], %{{.+}}, %{{.+}}) reduce (%[[H:.+]], %[[W:.+]]) ins(%arg0 : tensor<1x2x3x3xf32>) {combiner = "add", reduce_extents = array<i64: 3, 3>} -> tensor<1x2x1x1xf32> {
// CHECK:   te.extract %arg0[%[[N]], %[[C]], %[[H]], %[[W]]] : tensor<1x2x3x3xf32>
// CHECK: te.compute {{.*}} ins(%[[S]] : tensor<1x2x1x1xf32>)
// CHECK:   arith.constant 9.000000e+00 : f32
// CHECK:   arith.divf
func.func @global_avg_pool(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32> {
  %0 = graph.global_avg_pool2d %x : (tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32>
  return %0 : tensor<1x2x1x1xf32>
}
