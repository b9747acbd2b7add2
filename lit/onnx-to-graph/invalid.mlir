// RUN: dl-opt %s --split-input-file --verify-diagnostics --lower-onnx-to-graph
// What the graph dialect cannot express fails, located at the onnx op,
// naming it and the reason.

func.func @dynamic_pool3d(%x: tensor<1x1x?x8x8xf32>) -> tensor<1x1x?x4x4xf32> {
  // expected-error@+1 {{'onnx.MaxPool' op failed to lower to graph: needs a static input shape}}
  %0 = onnx.MaxPool %x {kernel_shape = [3, 3, 3], dilations = [1, 2, 2]} : (tensor<1x1x?x8x8xf32>) -> tensor<1x1x?x4x4xf32>
  return %0 : tensor<1x1x?x4x4xf32>
}

// -----

func.func @pool_indices_3d(%x: tensor<1x1x4x4x4xf32>) -> tensor<1x1x2x2x2xi64> {
  // expected-error@+1 {{'onnx.MaxPool' op failed to lower to graph: the Indices result needs a static 4-D input}}
  %y, %idx = onnx.MaxPool %x {kernel_shape = [2, 2, 2], strides = [2, 2, 2]} : (tensor<1x1x4x4x4xf32>) -> (tensor<1x1x2x2x2xf32>, tensor<1x1x2x2x2xi64>)
  return %idx : tensor<1x1x2x2x2xi64>
}

// -----

func.func @conv3d(%x: tensor<1x2x4x4x4xf32>, %w: tensor<3x2x3x3x3xf32>) -> tensor<1x3x2x2x2xf32> {
  // expected-error@+1 {{'onnx.Conv' op failed to lower to graph: only 1-D and 2-D convolution (rank-3 or rank-4 X and W) lower to graph.conv2d, got rank 5}}
  %0 = onnx.Conv %x, %w : (tensor<1x2x4x4x4xf32>, tensor<3x2x3x3x3xf32>) -> tensor<1x3x2x2x2xf32>
  return %0 : tensor<1x3x2x2x2xf32>
}

// -----

func.func @running_stats_without_training(%x: tensor<1x2x3x3xf32>, %p: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error@+1 {{'onnx.BatchNormalization' op failed to lower to graph: running mean and variance outputs need training_mode = 1}}
  %0:3 = onnx.BatchNormalization %x, %p, %p, %p, %p : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>)
  return %0#0 : tensor<1x2x3x3xf32>
}

// -----

func.func @dynamic_reshape(%x: tensor<4x2xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  // expected-error@+1 {{'onnx.Reshape' op failed to lower to graph: with run-time dimensions needs a constant shape operand}}
  %0 = onnx.Reshape %x, %s : (tensor<4x2xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error@+1 {{'onnx.Relu' op failed to lower to graph: needs ranked tensor operands, got tensor<*xf32>}}
  %0 = onnx.Relu %x : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// Every failing op is reported: the first as the error, the others as notes.
func.func @two_failures(%x: tensor<1x2x4x4x4xf32>, %w: tensor<3x2x3x3x3xf32>) -> (tensor<1x3x2x2x2xf32>, tensor<1x3x2x2x2xf32>) {
  // expected-error@+1 {{'onnx.Conv' op failed to lower to graph}}
  %0 = onnx.Conv %x, %w : (tensor<1x2x4x4x4xf32>, tensor<3x2x3x3x3xf32>) -> tensor<1x3x2x2x2xf32>
  // expected-note@+1 {{'onnx.Conv' op failed to lower to graph}}
  %1 = onnx.Conv %x, %w : (tensor<1x2x4x4x4xf32>, tensor<3x2x3x3x3xf32>) -> tensor<1x3x2x2x2xf32>
  return %0, %1 : tensor<1x3x2x2x2xf32>, tensor<1x3x2x2x2xf32>
}

// -----

// Dropout in training mode is random unless the ratio is 0.
func.func @training_dropout(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = onnx.Constant dense<0.5> : tensor<f32>
  %t = onnx.Constant dense<true> : tensor<i1>
  // expected-error@+1 {{'onnx.Dropout' op failed to lower to graph: training mode with a non-zero ratio is random and not supported (inference only)}}
  %0 = onnx.Dropout %x, %r, %t : (tensor<4xf32>, tensor<f32>, tensor<i1>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @det_too_large(%x: tensor<6x6xf32>) -> tensor<f32> {
  // expected-error@+1 {{'onnx.Det' op failed to lower to graph: supports matrices up to 5x5, got 6x6}}
  %0 = onnx.Det %x : (tensor<6x6xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
