// RUN: dl-opt %s | FileCheck %s
// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | FileCheck %s
// Every graph op in its custom form, round-tripped.

// CHECK-LABEL: func.func @cnn
func.func @cnn(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %s: tensor<4xf32>) -> tensor<1x4xf32> {
  // CHECK: graph.conv2d %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %0 = graph.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  // CHECK: graph.conv2d %{{.*}}, %{{.*}} {strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x3x3xf32>
  %n = graph.conv2d %x, %w {strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x3x3xf32>
  // CHECK: graph.batch_norm {{.*}} {epsilon = 1.000000e-03 : f32}
  %1 = graph.batch_norm %0, %s, %b, %s, %s {epsilon = 1.0e-3 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  // CHECK: graph.relu %{{.*}} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %2 = graph.relu %1 : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK: graph.clamp {{.*}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32}
  %3 = graph.clamp %2 {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK: graph.max_pool2d {{.*}} {ceil_mode, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x5x5xf32>
  %4 = graph.max_pool2d %3 {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, ceil_mode} : (tensor<1x4x8x8xf32>) -> tensor<1x4x5x5xf32>
  // CHECK: graph.avg_pool2d {{.*}} {count_include_pad, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>) -> tensor<1x4x2x2xf32>
  %5 = graph.avg_pool2d %4 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, count_include_pad} : (tensor<1x4x5x5xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: graph.global_avg_pool2d %{{.*}} : (tensor<1x4x2x2xf32>) -> tensor<1x4x1x1xf32>
  %6 = graph.global_avg_pool2d %5 : (tensor<1x4x2x2xf32>) -> tensor<1x4x1x1xf32>
  // CHECK: graph.reshape %{{.*}} {shape = array<i64: 1, 4>} : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
  %7 = graph.reshape %6 {shape = array<i64: 1, 4>} : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
  return %7 : tensor<1x4xf32>
}

// CHECK-LABEL: func.func @dense
func.func @dense(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %y: tensor<4xf32>) -> (tensor<2x4xf32>, tensor<4x2xf32>, tensor<2xf32>, tensor<2x1xf32>, tensor<f32>) {
  // CHECK: %[[C:.*]] = graph.constant dense<5.000000e-01> : tensor<4xf32>
  %c = graph.constant dense<0.5> : tensor<4xf32>
  // CHECK: graph.matmul %{{.*}}, %{{.*}} : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %0 = graph.matmul %x, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  // CHECK: graph.matmul %{{.*}}, %{{.*}} {transpose_b} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x2xf32>
  %g = graph.matmul %x, %x {transpose_b} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x2xf32>
  // CHECK: graph.add %{{.*}}, %[[C]] : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %1 = graph.add %0, %c : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // CHECK: graph.sub
  %2 = graph.sub %1, %y : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // CHECK: graph.mul
  %3 = graph.mul %2, %2 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK: graph.div
  %4 = graph.div %3, %y : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // CHECK: graph.max
  %5 = graph.max %4, %c : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // CHECK: graph.min
  %6 = graph.min %5, %c : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // CHECK: graph.sigmoid
  %7 = graph.sigmoid %6 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK: graph.tanh
  %8 = graph.tanh %7 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK: graph.exp
  %9 = graph.exp %8 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK: graph.erf
  %10 = graph.erf %9 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK: graph.sqrt
  %11 = graph.sqrt %10 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK: graph.softmax %{{.*}} {axis = 1 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %12 = graph.softmax %11 {axis = 1 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK: graph.transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<2x4xf32>) -> tensor<4x2xf32>
  %13 = graph.transpose %12 {perm = array<i64: 1, 0>} : (tensor<2x4xf32>) -> tensor<4x2xf32>
  // CHECK: graph.reduce_sum %{{.*}} {axes = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2xf32>
  %14 = graph.reduce_sum %12 {axes = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2xf32>
  // CHECK: graph.reduce_mean %{{.*}} {axes = array<i64: -1>, keepdims} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %15 = graph.reduce_mean %12 {axes = array<i64: -1>, keepdims} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  // CHECK: graph.reduce_max %{{.*}} : (tensor<2x4xf32>) -> tensor<f32>
  %16 = graph.reduce_max %12 : (tensor<2x4xf32>) -> tensor<f32>
  // CHECK: graph.concat %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<8x2xf32>
  %17 = graph.concat %13, %13 {axis = 0 : i64} : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<8x2xf32>
  // CHECK: graph.broadcast_to %{{.*}} : (tensor<4xf32>) -> tensor<3x4xf32>
  %18 = graph.broadcast_to %c : (tensor<4xf32>) -> tensor<3x4xf32>
  return %0, %13, %14, %15, %16 : tensor<2x4xf32>, tensor<4x2xf32>, tensor<2xf32>, tensor<2x1xf32>, tensor<f32>
}

// CHECK-LABEL: func.func @fused
func.func @fused(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: %[[F:.*]] = graph.fused elementwise (%[[A:.*]] = %{{.*}}, %[[B:.*]] = %{{.*}}) {tag = 1 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NEXT: %[[S:.*]] = graph.add %[[A]], %[[B]]
  // CHECK-NEXT: %[[R:.*]] = graph.relu %[[S]]
  // CHECK-NEXT: graph.yield %[[R]] : tensor<4xf32>
  // CHECK-NEXT: }
  %0 = graph.fused elementwise (%a = %x, %b = %y) {tag = 1 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
    %1 = graph.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %2 = graph.relu %1 : (tensor<4xf32>) -> tensor<4xf32>
    graph.yield %2 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}
