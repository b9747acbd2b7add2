// RUN: dl-opt %s --lower-onnx-to-graph | FileCheck %s

// Shapes computed in the graph, as exporters write them (Shape, Gather,
// Concat, arithmetic), fold to constants before lowering; result types
// that depended on them become static, down to the function's results.

// CHECK-LABEL: func.func @exported(%arg0: tensor<2x3x4xf32>) -> tensor<2x12xf32>
// CHECK-NOT: onnx.
// CHECK: %[[R:.+]] = graph.reshape %arg0 {shape = array<i64: 2, 12>} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
// CHECK: return %[[R]] : tensor<2x12xf32>
func.func @exported(%x: tensor<2x3x4xf32>) -> tensor<?x?xf32> {
  %s = onnx.Shape %x : (tensor<2x3x4xf32>) -> tensor<3xi64>
  %i0 = onnx.Constant dense<0> : tensor<1xi64>
  %b = onnx.Gather %s, %i0 {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %i12 = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  %rest = onnx.Gather %s, %i12 {axis = 0 : i64} : (tensor<3xi64>, tensor<2xi64>) -> tensor<2xi64>
  %one = onnx.Constant dense<1> : tensor<1xi64>
  %a = onnx.Slice %rest, %i0, %one : (tensor<2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %c = onnx.Slice %rest, %one, %one : (tensor<2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<0xi64>
  %two = onnx.Constant dense<2> : tensor<1xi64>
  %last = onnx.Slice %rest, %one, %two : (tensor<2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %prod = onnx.Mul %a, %last : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %shape = onnx.Concat %b, %prod {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %r = onnx.Reshape %x, %shape : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// A Split of a constant folds into its pieces (ONNX's AffineGrid function
// splits a size vector into N, C, H, W), and a Range over one-element 1-D
// bounds (as that function writes them) folds like one over scalars.
// CHECK-LABEL: func.func @split_pieces(%arg0: tensor<2x3xf32>) -> (tensor<1x6xf32>, tensor<5xi64>)
// CHECK-NOT: onnx.
// CHECK: graph.reshape %arg0 {shape = array<i64: 1, 6>}
// CHECK: graph.constant dense<[0, 1, 2, 3, 4]> : tensor<5xi64>
func.func @split_pieces(%x: tensor<2x3xf32>) -> (tensor<?x?xf32>, tensor<?xi64>) {
  %size = onnx.Constant dense<[5, 6]> : tensor<2xi64>
  %h, %w = onnx.Split %size {axis = 0 : i64, num_outputs = 2 : i64} : (tensor<2xi64>) -> (tensor<1xi64>, tensor<1xi64>)
  %one = onnx.Constant dense<1> : tensor<1xi64>
  %s = onnx.Concat %one, %w {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %r = onnx.Reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %zero = onnx.Constant dense<0> : tensor<1xi64>
  %range = onnx.Range %zero, %h, %one : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xi64>
  return %r, %range : tensor<?x?xf32>, tensor<?xi64>
}
