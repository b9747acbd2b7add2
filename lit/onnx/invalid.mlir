// RUN: dl-opt %s --split-input-file --verify-diagnostics
// The verifiers re-run shape inference and reject what does not match.

func.func @bad_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{'onnx.Add' op shapes [2, 3] and [4] are not broadcast-compatible}}
  %0 = onnx.Add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @wrong_result(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x5xf32> {
  // expected-error@+1 {{'onnx.MatMul' op result #0 has shape 2x5 but the inferred shape is 2x4 of f32}}
  %0 = onnx.MatMul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @mixed_elements(%a: tensor<2xf32>, %b: tensor<2xi32>) -> tensor<2xf32> {
  // expected-error@+1 {{'onnx.Mul' op Mul operands must have the same element type}}
  %0 = onnx.Mul %a, %b : (tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error@+1 {{'onnx.Conv' op Conv input has 3 channels but W expects 2 x group 1}}
  %0 = onnx.Conv %x, %w : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @bad_auto_pad(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  // expected-error@+1 {{'onnx.MaxPool' op unknown auto_pad 'SAME'}}
  %0 = onnx.MaxPool %x {auto_pad = "SAME", kernel_shape = [2, 2]} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

func.func @bad_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error@+1 {{'onnx.Transpose' op perm [0, 0] is not a permutation of 0..2}}
  %0 = onnx.Transpose %x {perm = [0, 0]} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @bad_reshape(%x: tensor<2x3xf32>) -> tensor<4x2xf32> {
  %s = onnx.Constant dense<[4, -1]> : tensor<2xi64>
  // expected-error@+1 {{'onnx.Reshape' op cannot reshape 6 elements into [4, -1]}}
  %0 = onnx.Reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @concat_axis(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error@+1 {{'onnx.Concat' op axis 2 is out of range for rank 2}}
  %0 = onnx.Concat %x, %x {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @gemm_k(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error@+1 {{'onnx.Gemm' op Gemm inner dimensions differ: K = 3 and K = 2}}
  %0 = onnx.Gemm %a, %b : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @ints_attr(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error@+1 {{'onnx.Transpose' op attribute 'perm' failed to satisfy constraint: 64-bit integer array attribute}}
  %0 = onnx.Transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @bn_params(%x: tensor<1x4x2x2xf32>, %p: tensor<3xf32>) -> tensor<1x4x2x2xf32> {
  // expected-error@+1 {{'onnx.BatchNormalization' op BatchNormalization parameters must have shape [4], got [3]}}
  %0 = onnx.BatchNormalization %x, %p, %p, %p, %p : (tensor<1x4x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}
