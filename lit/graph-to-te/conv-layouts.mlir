// RUN: dl-opt %s --split-input-file --lower-graph-to-te | FileCheck %s
// RUN: dl-opt %s --split-input-file --lower-graph-to-te | dl-opt --split-input-file --verify-each | FileCheck %s

// A padded stride-1 f32 convolution with enough work (>= 2^16 multiply-adds)
// is a direct convolution over the flattened zero-bordered image: a copy
// with the padding and rows of pitch 18 (16 + 2), 18 * 18 + 2 elements per
// channel; then the convolution over 16 rows of pitch 18, reading
// xp[c, f + 18 * kh + kw] (unit stride along f); then the bias, reading
// the valid columns back as NCHW.
// CHECK-LABEL: func.func @flat
// CHECK: %[[XP:.+]] = te.compute (%{{.+}}, %{{.+}}, %{{.+}}) ins(%arg0 : tensor<1x8x16x16xf32>) -> tensor<1x8x326xf32> {
// CHECK:   arith.select
// CHECK: %[[Y:.+]] = te.compute (%[[N:.+]], %{{.+}}, %[[F:.+]]) reduce (%[[C:.+]], %[[KH:.+]], %[[KW:.+]]) ins(%[[XP]], %arg1 : tensor<1x8x326xf32>, tensor<16x8x3x3xf32>) {combiner = "add", reduce_extents = array<i64: 8, 3, 3>} -> tensor<1x16x288xf32> {
// CHECK-NOT: arith.select
// CHECK:   %[[R:.+]] = arith.muli %[[KH]], %c18 : index
// CHECK:   %[[OFF:.+]] = arith.addi %[[R]], %[[KW]] : index
// CHECK:   %[[T:.+]] = arith.addi %[[F]], %[[OFF]] : index
// CHECK:   te.extract %[[XP]][%[[N]], %[[C]], %[[T]]] : tensor<1x8x326xf32>
// CHECK: te.compute (%{{.+}}, %[[O:.+]], %[[OH:.+]], %[[OW:.+]]) ins(%[[Y]], %arg2 : tensor<1x16x288xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32> {
// CHECK:   %[[RO:.+]] = arith.muli %[[OH]], %c18 : index
// CHECK:   %[[FI:.+]] = arith.addi %[[RO]], %[[OW]] : index
// CHECK:   te.extract %[[Y]][%{{.+}}, %[[O]], %[[FI]]] : tensor<1x16x288xf32>
func.func @flat(%x: tensor<1x8x16x16xf32>, %w: tensor<16x8x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x16x16x16xf32> {
  %0 = graph.conv2d %x, %w, %b {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x16x16xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  return %0 : tensor<1x16x16x16xf32>
}

// -----

// A column stride of 2: the zero-bordered input is split by column phase
// (1x8x2x34x17: phase, padded row, column / 2), so tap kw of output column
// ow reads phase kw % 2 at column ow + kw / 2, with unit stride along ow.
// CHECK-LABEL: func.func @strided
// CHECK: %[[XQ:.+]] = te.compute (%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}) ins(%arg0 : tensor<1x8x32x32xf32>) -> tensor<1x8x2x34x17xf32> {
// CHECK: te.compute (%{{.+}}, %{{.+}}, %[[OH:.+]], %[[OW:.+]]) reduce (%[[C:.+]], %[[KH:.+]], %[[KW:.+]]) ins(%[[XQ]], %arg1 : tensor<1x8x2x34x17xf32>, tensor<16x8x3x3xf32>) {combiner = "add", reduce_extents = array<i64: 8, 3, 3>} -> tensor<1x16x16x16xf32> {
// CHECK:   %[[SH:.+]] = arith.divsi %[[KW]], %c2{{.*}} : index
// CHECK:   %[[Q:.+]] = arith.subi %[[KW]], %{{.+}} : index
// CHECK:   %[[COL:.+]] = arith.addi %[[OW]], %[[SH]] : index
// CHECK:   te.extract %[[XQ]][%{{.+}}, %[[C]], %[[Q]], %{{.+}}, %[[COL]]] : tensor<1x8x2x34x17xf32>
func.func @strided(%x: tensor<1x8x32x32xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x16x16xf32> {
  %0 = graph.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x32x32xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x16x16xf32>
  return %0 : tensor<1x16x16x16xf32>
}

// -----

// A small output width (8 columns) with constant weights: channels last.
// The weights are re-laid out at compile time as [c, kh, kw, o] (a new
// blob), the padded input is copied, the convolution computes [n, oh, ow, o]
// with o the unit-stride axis, and the result is read back as NCHW.
// CHECK-LABEL: func.func @nhwc
// CHECK: %[[W:.+]] = graph.constant dense_resource<cst_t> : tensor<16x3x3x16xf32>
// CHECK-NOT: graph.transpose
// CHECK: %[[XP:.+]] = te.compute (%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}) ins(%arg0 : tensor<1x16x8x8xf32>) -> tensor<1x16x10x10xf32>
// CHECK: %[[Y:.+]] = te.compute (%{{.+}}, %{{.+}}, %{{.+}}, %[[O:.+]]) reduce (%[[C:.+]], %[[KH:.+]], %[[KW:.+]]) ins(%[[XP]], %[[W]] : tensor<1x16x10x10xf32>, tensor<16x3x3x16xf32>) {{.*}} -> tensor<1x8x8x16xf32>
// CHECK:   te.extract %[[W]][%[[C]], %[[KH]], %[[KW]], %[[O]]] : tensor<16x3x3x16xf32>
// CHECK: te.compute (%[[N:.+]], %[[O2:.+]], %[[H:.+]], %[[V:.+]]) ins(%[[Y]] : tensor<1x8x8x16xf32>) -> tensor<1x16x8x8xf32>
// CHECK:   te.extract %[[Y]][%[[N]], %[[H]], %[[V]], %[[O2]]]
func.func @nhwc(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %w = graph.constant dense<0.5> : tensor<16x16x3x3xf32>
  %0 = graph.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x8x8xf32>
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// A run-time batch keeps the flattened layout: each compute takes the
// batch extent in dims(...).
// CHECK-LABEL: func.func @flat_batch
// CHECK: %[[N:.+]] = te.dim %arg0, 0 : tensor<?x8x16x16xf32>
// CHECK: %[[XP:.+]] = te.compute (%{{.+}}, %{{.+}}, %{{.+}}) ins(%arg0 : tensor<?x8x16x16xf32>) dims(%[[N]]) -> tensor<?x8x326xf32>
// CHECK: %[[Y:.+]] = te.compute ({{.*}}) reduce ({{.*}}) ins(%[[XP]], %arg1 : tensor<?x8x326xf32>, tensor<16x8x3x3xf32>) dims(%[[N]]) {{.*}} -> tensor<?x16x288xf32>
// CHECK: te.compute ({{.*}}) ins(%[[Y]] : tensor<?x16x288xf32>) dims(%[[N]]) -> tensor<?x16x16x16xf32>
func.func @flat_batch(%x: tensor<?x8x16x16xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<?x16x16x16xf32> {
  %0 = graph.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<?x8x16x16xf32>, tensor<16x8x3x3xf32>) -> tensor<?x16x16x16xf32>
  return %0 : tensor<?x16x16x16xf32>
}
