// A graph-level model with a run-time batch: y = relu(x + b), x: ?x4.
func.func @bias_relu(%x: tensor<?x4xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> attributes {onnx.input_names = ["x", "b"], onnx.output_names = ["y"]} {
  %s = graph.add %x, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %r = graph.relu %s : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
