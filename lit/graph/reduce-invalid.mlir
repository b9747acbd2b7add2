// RUN: dl-opt %s --split-input-file --verify-diagnostics

func.func @argmax_f32(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{'graph.argmax' op result element type must be i64}}
  %0 = graph.argmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reduce_min_shape(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{'graph.reduce_min' op result shape [2] does not match the inferred shape [2, 1]}}
  %0 = graph.reduce_min %x {axes = array<i64: 1>, keepdims} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @hardmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{'graph.hardmax' op axis 2 is out of range for rank 2}}
  %0 = graph.hardmax %x {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
