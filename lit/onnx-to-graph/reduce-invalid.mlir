// RUN: dl-opt %s --split-input-file --verify-diagnostics --lower-onnx-to-graph
// Reductions need their axes at compile time; run-time axes give dynamic
// result shapes and are rejected, located at the op.

func.func @runtime_axes(%x: tensor<3x4x5xf32>, %a: tensor<1xi64>) -> tensor<3x1x5xf32> {
  // expected-error@+1 {{'onnx.ReduceL1' op failed to lower to graph}}
  %0 = onnx.ReduceL1 %x, %a : (tensor<3x4x5xf32>, tensor<1xi64>) -> tensor<3x1x5xf32>
  return %0 : tensor<3x1x5xf32>
}

// -----

func.func @bad_axis(%x: tensor<3x4xf32>) -> tensor<3xi64> {
  // expected-error@+1 {{'onnx.ArgMax' op axis 2 is out of range for rank 2}}
  %0 = onnx.ArgMax %x {axis = 2 : i64, keepdims = 0 : i64} : (tensor<3x4xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

func.func @bad_shape(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error@+1 {{'onnx.ReduceSum' op result #0 has shape 3x4 but the inferred shape is 3x1 of f32}}
  %0 = onnx.ReduceSum %x {axes = [1]} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
