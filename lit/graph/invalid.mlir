// RUN: dl-opt %s --split-input-file --verify-diagnostics

func.func @conv_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error@+1 {{'graph.conv2d' op input channels 4 must equal weight input channels 3 times groups 1}}
  %0 = graph.conv2d %x, %w : (tensor<1x4x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_result(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32> {
  // expected-error@+1 {{'graph.conv2d' op result shape [1, 8, 8, 8] does not match the inferred shape [1, 8, 6, 6]}}
  %0 = graph.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

func.func @conv_strides(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error@+1 {{'strides' must have 2 elements, got 3}}
  %0 = graph.conv2d %x, %w {strides = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{shapes [2, 3] and [4, 3] are not broadcastable}}
  %0 = graph.add %a, %b : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @matmul_k(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error@+1 {{contraction dimensions differ: 3 vs 4}}
  %0 = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @reshape_count(%a: tensor<2x3xf32>) -> tensor<5xf32> {
  // expected-error@+1 {{cannot reshape 6 elements into shape [5]}}
  %0 = graph.reshape %a {shape = array<i64: 5>} : (tensor<2x3xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @transpose_perm(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error@+1 {{[0, 0] is not a permutation}}
  %0 = graph.transpose %a {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @reduce_axis(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{axis 2 is out of range for rank 2}}
  %0 = graph.reduce_sum %a {axes = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @elem_type(%a: tensor<2xf32>) -> tensor<2xf16> {
  // expected-error@+1 {{'graph.relu' op}}
  %0 = graph.relu %a : (tensor<2xf32>) -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

func.func @broadcast_to(%a: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error@+1 {{operand shape [3] does not broadcast to result shape [2, 4]}}
  %0 = graph.broadcast_to %a : (tensor<3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @bn(%x: tensor<1x4x2x2xf32>, %s: tensor<3xf32>) -> tensor<1x4x2x2xf32> {
  // expected-error@+1 {{operand #1 must have shape [4], got [3]}}
  %0 = graph.batch_norm %x, %s, %s, %s, %s : (tensor<1x4x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

func.func @pool_kernel(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error@+1 {{window of extent 3 does not fit input extent 2 with padding 0}}
  %0 = graph.max_pool2d %x {kernel = array<i64: 3, 3>} : (tensor<1x4x2x2xf32>) -> tensor<1x4x1x1xf32>
  return %0 : tensor<1x4x1x1xf32>
}

// -----

func.func @constant_type() -> tensor<2xf32> {
  // expected-error@+1 {{value type must match the result type}}
  %0 = "graph.constant"() {value = dense<1.0> : tensor<3xf32>} : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @fused_yield(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{yielded types must match the result types}}
  %0 = graph.fused elementwise (%a = %x) : (tensor<4xf32>) -> tensor<4xf32> {
    %1 = graph.reshape %a {shape = array<i64: 2, 2>} : (tensor<4xf32>) -> tensor<2x2xf32>
    graph.yield %1 : tensor<2x2xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @nonzero_rows(%x: tensor<2x3xf32>) -> tensor<3x?xi64> {
  // expected-error@+1 {{'graph.nonzero' op result must be tensor<2x?xi64> (one row per input axis)}}
  %r = graph.nonzero %x : (tensor<2x3xf32>) -> tensor<3x?xi64>
  return %r : tensor<3x?xi64>
}

// -----

func.func @nms_scores(%b: tensor<1x6x4xf32>, %s: tensor<1x2x5xf32>, %m: tensor<1xi64>, %t: tensor<1xf32>) -> tensor<?x3xi64> {
  // expected-error@+1 {{'graph.non_max_suppression' op expects boxes [batch, boxes, 4] and scores [batch, classes, boxes]}}
  %r = graph.non_max_suppression %b, %s, %m, %t : (tensor<1x6x4xf32>, tensor<1x2x5xf32>, tensor<1xi64>, tensor<1xf32>) -> tensor<?x3xi64>
  return %r : tensor<?x3xi64>
}

// -----

func.func @nms_threshold(%b: tensor<1x6x4xf32>, %s: tensor<1x2x6xf32>, %m: tensor<1xi64>, %t: tensor<2xf32>) -> tensor<?x3xi64> {
  // expected-error@+1 {{'graph.non_max_suppression' op expects max_output_boxes_per_class (integer) and the thresholds (float) to hold one element each}}
  %r = graph.non_max_suppression %b, %s, %m, %t : (tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<1xi64>, tensor<2xf32>) -> tensor<?x3xi64>
  return %r : tensor<?x3xi64>
}
