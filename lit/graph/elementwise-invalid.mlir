// RUN: dl-opt %s --split-input-file --verify-diagnostics

func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.elementwise' op has unknown kind 'frobnicate'}}
  %0 = graph.elementwise "frobnicate" %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.elementwise' op kind 'pow' takes 2 operand(s), got 1}}
  %0 = graph.elementwise "pow" %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @f(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error@+1 {{'graph.elementwise' op kind 'exp' does not accept operands of element types i32}}
  %0 = graph.elementwise "exp" %x : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @f(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.elementwise' op kind 'less' gives the wrong result element type}}
  %0 = graph.elementwise "less" %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @f(%x: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{'graph.elementwise' op operand #0 of shape [4] does not broadcast to the result shape [2, 3]}}
  %0 = graph.elementwise "abs" %x : (tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
