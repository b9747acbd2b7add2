// RUN: dl-opt %s --split-input-file --lower-onnx-to-graph | FileCheck %s
// RUN: dl-opt %s --split-input-file --lower-onnx-to-graph | dl-opt --split-input-file | FileCheck %s
// RUN: dl-opt %s --split-input-file --lower-onnx-to-graph --fuse-ops --lower-to-loops --lower-to-llvm 2>/dev/null | FileCheck %s --check-prefix=LLVM

// Reduce* become graph.reduce_* with explicit axes between elementwise
// steps; ArgMax/ArgMin/LogSoftmax/Hardmax become their graph ops (f16 in
// f32); the normalizations are decomposed into reduce_mean and arithmetic.

// CHECK-LABEL: func.func @reduce
// CHECK: %[[SQ:.+]] = graph.mul %arg0, %arg0
// CHECK: %[[S:.+]] = graph.reduce_sum %[[SQ]] {axes = array<i64: 1>} : (tensor<3x4x5xf32>) -> tensor<3x5xf32>
// CHECK: %[[L2:.+]] = graph.sqrt %[[S]]
// CHECK: %[[MIN:.+]] = graph.reduce_min %arg0 {axes = array<i64: 0, 1, 2>, keepdims} : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
// CHECK: %[[M:.+]] = graph.reduce_max %arg0 {axes = array<i64: 2>, keepdims}
// CHECK: graph.elementwise "equal" %[[M]]
// CHECK: %[[SH:.+]] = graph.elementwise "select"
// CHECK: graph.sub %arg0, %[[SH]]
// CHECK: graph.exp
// CHECK: graph.reduce_sum %{{.+}} {axes = array<i64: 2>, keepdims}
// CHECK: %[[LOG:.+]] = graph.elementwise "log"
// CHECK: %[[LSE:.+]] = graph.add %[[LOG]], %[[SH]]
// CHECK: return %[[L2]], %[[MIN]], %[[LSE]], %arg0
// LLVM-LABEL: llvm.func @reduce(
func.func @reduce(%x: tensor<3x4x5xf32>) -> (tensor<3x5xf32>, tensor<1x1x1xf32>, tensor<3x4x1xf32>, tensor<3x4x5xf32>) {
  %axes = onnx.Constant dense<[1]> : tensor<1xi64>
  %0 = onnx.ReduceL2 %x, %axes {keepdims = 0 : i64} : (tensor<3x4x5xf32>, tensor<1xi64>) -> tensor<3x5xf32>
  %1 = onnx.ReduceMin %x : (tensor<3x4x5xf32>) -> tensor<1x1x1xf32>
  %2 = onnx.ReduceLogSumExp %x {axes = [-1]} : (tensor<3x4x5xf32>) -> tensor<3x4x1xf32>
  %e = onnx.Constant dense<> : tensor<0xi64>
  %3 = onnx.ReduceSum %x, %e {noop_with_empty_axes = 1 : i64} : (tensor<3x4x5xf32>, tensor<0xi64>) -> tensor<3x4x5xf32>
  return %0, %1, %2, %3 : tensor<3x5xf32>, tensor<1x1x1xf32>, tensor<3x4x1xf32>, tensor<3x4x5xf32>
}

// -----

// Axes given at run time are rejected.
// (Checked in lit/onnx-to-graph/reduce-invalid.mlir.)

// -----

// CHECK-LABEL: func.func @arg
// CHECK: %[[C:.+]] = graph.elementwise "cast" %arg0 : (tensor<3x4xf16>) -> tensor<3x4xf32>
// CHECK: graph.argmax %[[C]] {axis = 1 : i64, select_last_index} : (tensor<3x4xf32>) -> tensor<3xi64>
// CHECK: graph.log_softmax %{{.+}} {axis = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK: graph.elementwise "cast" %{{.+}} : (tensor<3x4xf32>) -> tensor<3x4xf16>
// CHECK: graph.hardmax %{{.+}} {axis = 0 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK: graph.argmin %arg1 {axis = 0 : i64, keepdims} : (tensor<3x4xi32>) -> tensor<1x4xi64>
// LLVM-LABEL: llvm.func @arg(
func.func @arg(%x: tensor<3x4xf16>, %i: tensor<3x4xi32>) -> (tensor<3xi64>, tensor<3x4xf16>, tensor<3x4xf16>, tensor<1x4xi64>) {
  %0 = onnx.ArgMax %x {axis = 1 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<3x4xf16>) -> tensor<3xi64>
  %1 = onnx.LogSoftmax %x : (tensor<3x4xf16>) -> tensor<3x4xf16>
  %2 = onnx.Hardmax %x {axis = 0 : i64} : (tensor<3x4xf16>) -> tensor<3x4xf16>
  %3 = onnx.ArgMin %i : (tensor<3x4xi32>) -> tensor<1x4xi64>
  return %0, %1, %2, %3 : tensor<3xi64>, tensor<3x4xf16>, tensor<3x4xf16>, tensor<1x4xi64>
}

// -----

// LayerNormalization's Mean and InvStdDev are the intermediate values.
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[MEAN:.+]] = graph.reduce_mean %arg0 {axes = array<i64: 2>, keepdims} : (tensor<2x4x3xf32>) -> tensor<2x4x1xf32>
// CHECK: %[[D:.+]] = graph.sub %arg0, %[[MEAN]]
// CHECK: %[[SQ:.+]] = graph.mul %[[D]], %[[D]]
// CHECK: %[[VAR:.+]] = graph.reduce_mean %[[SQ]] {axes = array<i64: 2>, keepdims}
// CHECK: %[[EPS:.+]] = graph.constant dense<1.000000e-03> : tensor<f32>
// CHECK: %[[VE:.+]] = graph.add %[[VAR]], %[[EPS]]
// CHECK: %[[SD:.+]] = graph.sqrt %[[VE]]
// CHECK: %[[INV:.+]] = graph.elementwise "reciprocal" %[[SD]]
// CHECK: %[[N:.+]] = graph.mul %[[D]], %[[INV]]
// CHECK: %[[Y:.+]] = graph.mul %[[N]], %arg1
// CHECK: %[[YB:.+]] = graph.add %[[Y]], %arg2
// CHECK: return %[[YB]], %[[MEAN]], %[[INV]]
func.func @layer_norm(%x: tensor<2x4x3xf32>, %w: tensor<3xf32>, %b: tensor<3xf32>) -> (tensor<2x4x3xf32>, tensor<2x4x1xf32>, tensor<2x4x1xf32>) {
  %y, %m, %i = onnx.LayerNormalization %x, %w, %b {epsilon = 1.0e-3 : f32} : (tensor<2x4x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x4x3xf32>, tensor<2x4x1xf32>, tensor<2x4x1xf32>)
  return %y, %m, %i : tensor<2x4x3xf32>, tensor<2x4x1xf32>, tensor<2x4x1xf32>
}

// -----

// GroupNormalization normalizes x as [N, G, C/G, S]; opset-18 scale and
// bias are per group, opset-21 ones per channel.
// CHECK-LABEL: func.func @group_norm
// CHECK: %[[G:.+]] = graph.reshape %arg0 {shape = array<i64: 2, 2, 2, 3>} : (tensor<2x4x3xf32>) -> tensor<2x2x2x3xf32>
// CHECK: graph.reduce_mean %[[G]] {axes = array<i64: 2, 3>, keepdims}
// CHECK: graph.reshape %arg1 {shape = array<i64: 2, 1, 1>} : (tensor<2xf32>) -> tensor<2x1x1xf32>
// CHECK: graph.reshape %{{.+}} {shape = array<i64: 2, 4, 3>}
// CHECK: graph.reshape %arg2 {shape = array<i64: 2, 2, 1>} : (tensor<4xf32>) -> tensor<2x2x1xf32>
// LLVM-LABEL: llvm.func @group_norm(
func.func @group_norm(%x: tensor<2x4x3xf32>, %g: tensor<2xf32>, %c: tensor<4xf32>) -> (tensor<2x4x3xf32>, tensor<2x4x3xf32>) {
  %0 = onnx.GroupNormalization %x, %g, %g {num_groups = 2 : i64} : (tensor<2x4x3xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x4x3xf32>
  %1 = onnx.GroupNormalization %x, %c, %c {num_groups = 2 : i64} : (tensor<2x4x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3xf32>
  return %0, %1 : tensor<2x4x3xf32>, tensor<2x4x3xf32>
}

// -----

// CHECK-LABEL: func.func @other_norms
// CHECK: %[[SQ:.+]] = graph.mul %arg0, %arg0
// CHECK: graph.reduce_mean %[[SQ]] {axes = array<i64: 2>, keepdims}
// CHECK: graph.reshape %arg0 {shape = array<i64: 2, 4, 1, 3>}
// CHECK: graph.reshape %arg2 {shape = array<i64: 4, 1, 1>}
// CHECK: graph.elementwise "abs" %arg0
// CHECK: %[[L1:.+]] = graph.reduce_sum %{{.+}} {axes = array<i64: 2>, keepdims}
// A zero norm divides by 1 (the result is 0, not 0/0).
// CHECK: %[[Z:.+]] = graph.elementwise "equal" %[[L1]], %{{.+}}
// CHECK: %[[SAFE:.+]] = graph.elementwise "select" %[[Z]], %{{.+}}, %[[L1]]
// CHECK: graph.div %arg0, %[[SAFE]]
// CHECK: %[[MV:.+]] = graph.reduce_mean %arg3 {axes = array<i64: 0, 2, 3>, keepdims}
// CHECK: graph.constant dense<9.99999971E-10> : tensor<f32>
func.func @other_norms(%x: tensor<2x4x3xf32>, %w: tensor<3xf32>, %c: tensor<4xf32>, %x4: tensor<2x3x4x5xf32>) -> (tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x3x4x5xf32>) {
  %r = onnx.RMSNormalization %x, %w : (tensor<2x4x3xf32>, tensor<3xf32>) -> tensor<2x4x3xf32>
  %n = onnx.InstanceNormalization %x, %c, %c : (tensor<2x4x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3xf32>
  %l = onnx.LpNormalization %x {p = 1 : i64} : (tensor<2x4x3xf32>) -> tensor<2x4x3xf32>
  %m = onnx.MeanVarianceNormalization %x4 : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
  return %r, %n, %l, %m : tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x3x4x5xf32>
}
