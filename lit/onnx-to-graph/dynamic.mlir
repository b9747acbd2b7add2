// RUN: dl-opt %s --lower-onnx-to-graph | FileCheck %s

// A Reshape with run-time dimensions keeps ONNX's 0 (copy) and -1
// (inferred) for them in graph.reshape's shape; static ones are literal.
// CHECK-LABEL: func.func @heads
// CHECK: graph.reshape %arg0 {shape = array<i64: 0, 0, 12, 64>} : (tensor<?x?x768xf32>) -> tensor<?x?x12x64xf32>
// CHECK: graph.reshape %{{.+}} {shape = array<i64: -1, 768>} : (tensor<?x?x12x64xf32>) -> tensor<?x768xf32>
func.func @heads(%x: tensor<?x?x768xf32>) -> tensor<?x768xf32> {
  %s = onnx.Constant dense<[0, 0, 12, 64]> : tensor<4xi64>
  %y = onnx.Reshape %x, %s : (tensor<?x?x768xf32>, tensor<4xi64>) -> tensor<?x?x12x64xf32>
  %t = onnx.Constant dense<[-1, 768]> : tensor<2xi64>
  %z = onnx.Reshape %y, %t : (tensor<?x?x12x64xf32>, tensor<2xi64>) -> tensor<?x768xf32>
  return %z : tensor<?x768xf32>
}

// A run-time batch through Conv, MaxPool and Flatten (a single `?` is the
// remaining element count: -1).
// CHECK-LABEL: func.func @cnn_batch
// CHECK: graph.conv2d %arg0, %arg1 {{.*}}: (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x6x6xf32>
// CHECK: graph.max_pool2d {{.*}} -> tensor<?x4x3x3xf32>
// CHECK: graph.reshape %{{.+}} {shape = array<i64: -1, 36>} : (tensor<?x4x3x3xf32>) -> tensor<?x36xf32>
func.func @cnn_batch(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x36xf32> {
  %c = onnx.Conv %x, %w : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x6x6xf32>
  %p = onnx.MaxPool %c {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<?x4x6x6xf32>) -> tensor<?x4x3x3xf32>
  %f = onnx.Flatten %p {axis = 1 : i64} : (tensor<?x4x3x3xf32>) -> tensor<?x36xf32>
  return %f : tensor<?x36xf32>
}
