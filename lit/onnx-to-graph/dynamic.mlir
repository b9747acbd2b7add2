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
