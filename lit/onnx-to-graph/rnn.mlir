// RUN: dl-opt %s --lower-onnx-to-graph | FileCheck %s
// RUN: dl-opt %s --lower-onnx-to-graph --fuse-ops --lower-to-loops --lower-to-llvm 2>/dev/null | dl-opt > /dev/null

// The recurrence is unrolled over the static sequence: per step, products
// with the gate weights (matmul with transpose_b), bias adds, activations;
// the steps' hidden states are concatenated into Y.

// CHECK-LABEL: func.func @gru
// CHECK-COUNT-2: graph.sigmoid
// CHECK: graph.tanh
// CHECK-COUNT-2: graph.sigmoid
// CHECK: graph.tanh
// CHECK: graph.concat %{{.+}}, %{{.+}} {axis = 0 : i64} : (tensor<1x1x1x3xf32>, tensor<1x1x1x3xf32>) -> tensor<2x1x1x3xf32>
func.func @gru(%x: tensor<2x1x2xf32>, %w: tensor<1x9x2xf32>, %r: tensor<1x9x3xf32>) -> (tensor<2x1x1x3xf32>, tensor<1x1x3xf32>) {
  %y, %h = onnx.GRU %x, %w, %r {hidden_size = 3 : i64} : (tensor<2x1x2xf32>, tensor<1x9x2xf32>, tensor<1x9x3xf32>) -> (tensor<2x1x1x3xf32>, tensor<1x1x3xf32>)
  return %y, %h : tensor<2x1x1x3xf32>, tensor<1x1x3xf32>
}

// CHECK-LABEL: func.func @lstm_reverse
// CHECK: graph.matmul %{{.+}}, %{{.+}} {transpose_b}
// CHECK: graph.tanh
func.func @lstm_reverse(%x: tensor<3x1x2xf32>, %w: tensor<1x12x2xf32>, %r: tensor<1x12x3xf32>) -> (tensor<3x1x1x3xf32>, tensor<1x1x3xf32>, tensor<1x1x3xf32>) {
  %y, %h, %c = onnx.LSTM %x, %w, %r {direction = "reverse", hidden_size = 3 : i64} : (tensor<3x1x2xf32>, tensor<1x12x2xf32>, tensor<1x12x3xf32>) -> (tensor<3x1x1x3xf32>, tensor<1x1x3xf32>, tensor<1x1x3xf32>)
  return %y, %h, %c : tensor<3x1x1x3xf32>, tensor<1x1x3xf32>, tensor<1x1x3xf32>
}
