// RUN: dl-opt %s --allow-unregistered-dialect --verify-diagnostics --lower-onnx-to-graph
// An onnx op the dialect does not define has no lowering: a located error.

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{'onnx.Unique' op failed to lower to graph: has no lowering to the graph dialect}}
  %0 = "onnx.Unique"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
