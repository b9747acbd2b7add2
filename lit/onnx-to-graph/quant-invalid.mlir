// RUN: dl-opt %s --split-input-file --verify-diagnostics
// The quant ops' verifiers check element types and parameter shapes.

func.func @float_zero_point(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<f32>) -> tensor<4xf32> {
  // expected-error@+1 {{'onnx.QuantizeLinear' op QuantizeLinear's zero point must be an 8-, 16- or 32-bit integer tensor, got f32}}
  %0 = onnx.QuantizeLinear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @bad_axis_scale(%x: tensor<2x3xi8>, %s: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{'onnx.DequantizeLinear' op the scale must be a scalar or have 3 elements along axis 1, got shape [2]}}
  %0 = onnx.DequantizeLinear %x, %s : (tensor<2x3xi8>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @bad_blocks(%x: tensor<5x2xf32>, %s: tensor<2x2xf32>, %z: tensor<2x2xi8>) -> tensor<5x2xi8> {
  // expected-error@+1 {{'onnx.QuantizeLinear' op the scale of shape [2, 2] does not block [5, 2] by 2 along axis 0}}
  %0 = onnx.QuantizeLinear %x, %s, %z {axis = 0 : i64, block_size = 2 : i64} : (tensor<5x2xf32>, tensor<2x2xf32>, tensor<2x2xi8>) -> tensor<5x2xi8>
  return %0 : tensor<5x2xi8>
}

// -----

func.func @mismatched_zero_point(%a: tensor<2x3xui8>, %b: tensor<3x2xui8>, %az: tensor<i8>) -> tensor<2x2xi32> {
  // expected-error@+1 {{'onnx.MatMulInteger' op MatMulInteger's operands and their zero points must have the same element type}}
  %0 = onnx.MatMulInteger %a, %b, %az : (tensor<2x3xui8>, tensor<3x2xui8>, tensor<i8>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// -----

func.func @wrong_result(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xi8> {
  // expected-error@+1 {{'onnx.QuantizeLinear' op result #0 has shape 4 but the inferred shape is 4 of ui8}}
  %0 = onnx.QuantizeLinear %x, %s : (tensor<4xf32>, tensor<f32>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
