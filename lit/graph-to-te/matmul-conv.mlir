// RUN: dl-opt %s --split-input-file --lower-graph-to-te | FileCheck %s

// CHECK-LABEL: func.func @matmul
// CHECK: te.compute (%[[M:.+]], %[[N:.+]]) reduce (%[[K:.+]]) ins(%arg0, %arg1 : tensor<2x3xf32>, tensor<3x4xf32>) {combiner = "add", reduce_extents = array<i64: 3>} -> tensor<2x4xf32> {
// CHECK:   %[[A:.+]] = te.extract %arg0[%[[M]], %[[K]]] : tensor<2x3xf32>
// CHECK:   %[[B:.+]] = te.extract %arg1[%[[K]], %[[N]]] : tensor<3x4xf32>
// CHECK:   %[[P:.+]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK:   te.yield %[[P]] : f32
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Batch dimensions broadcast; transpose_b swaps the rhs read.
// CHECK-LABEL: func.func @batch_matmul_tb
// CHECK: te.compute (%[[BT:.+]], %[[M:.+]], %[[N:.+]]) reduce (%[[K:.+]]) ins(%arg0, %arg1 : tensor<5x2x3xf32>, tensor<4x3xf32>) {combiner = "add", reduce_extents = array<i64: 3>} -> tensor<5x2x4xf32> {
// CHECK:   te.extract %arg0[%[[BT]], %[[M]], %[[K]]] : tensor<5x2x3xf32>
// CHECK:   te.extract %arg1[%[[N]], %[[K]]] : tensor<4x3xf32>
func.func @batch_matmul_tb(%a: tensor<5x2x3xf32>, %b: tensor<4x3xf32>) -> tensor<5x2x4xf32> {
  %0 = graph.matmul %a, %b {transpose_b} : (tensor<5x2x3xf32>, tensor<4x3xf32>) -> tensor<5x2x4xf32>
  return %0 : tensor<5x2x4xf32>
}

// -----

// Padding is a bounds-checked read: the index is clamped by a select and
// the value replaced by 0 outside; the bias is a second compute.
// CHECK-LABEL: func.func @conv2d
// CHECK: %[[C:.+]] = te.compute (%[[N:.+]], %[[O:.+]], %[[OH:.+]], %[[OW:.+]]) reduce (%[[CI:.+]], %[[KH:.+]], %[[KW:.+]]) ins(%arg0, %arg1 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) {combiner = "add", reduce_extents = array<i64: 3, 3, 3>} -> tensor<1x4x4x4xf32> {
// CHECK:   arith.muli %[[OH]], %{{.+}} : index
// CHECK:   arith.cmpi sge
// CHECK:   arith.cmpi slt
// CHECK:   arith.andi
// CHECK:   %[[H:.+]] = arith.select %[[OK:[^,]+]], %{{.+}}, %{{.+}} : index
// CHECK:   %[[W:.+]] = arith.select %[[OK]], %{{.+}}, %{{.+}} : index
// CHECK:   %[[X:.+]] = te.extract %arg0[%[[N]], %[[CI]], %[[H]], %[[W]]] : tensor<1x3x8x8xf32>
// CHECK:   %[[XP:.+]] = arith.select %[[OK]], %[[X]], %{{.+}} : f32
// CHECK:   %[[WV:.+]] = te.extract %arg1[%[[O]], %[[CI]], %[[KH]], %[[KW]]] : tensor<4x3x3x3xf32>
// CHECK:   arith.mulf %[[XP]], %[[WV]] : f32
// CHECK: te.compute (%{{.+}}, %[[O2:.+]], %{{.+}}, %{{.+}}) ins(%[[C]], %arg2 : tensor<1x4x4x4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32> {
// CHECK:   te.extract %arg2[%[[O2]]] : tensor<4xf32>
// CHECK:   arith.addf
func.func @conv2d(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %0 = graph.conv2d %x, %w, %b {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// No padding: plain reads. Groups pick the input channel from the output channel.
// CHECK-LABEL: func.func @conv2d_groups
// CHECK: te.compute (%{{.+}}, %[[O:.+]], %{{.+}}, %{{.+}}) reduce (%[[C:.+]], %{{.+}}, %{{.+}}) ins(%arg0, %arg1 : tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) {combiner = "add", reduce_extents = array<i64: 2, 3, 3>} -> tensor<1x4x3x3xf32> {
// CHECK-NOT: arith.select
// CHECK:   %[[G:.+]] = arith.divsi %[[O]], %{{.+}} : index
// CHECK:   %[[B:.+]] = arith.muli %[[G]], %{{.+}} : index
// CHECK:   %[[CI:.+]] = arith.addi %[[B]], %[[C]] : index
// CHECK:   te.extract %arg0[%{{.+}}, %[[CI]], %{{.+}}, %{{.+}}] : tensor<1x4x5x5xf32>
// CHECK-NOT: arith.select
// CHECK:   te.yield
func.func @conv2d_groups(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %0 = graph.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}
