// RUN: dl-opt %S/Inputs/unsorted.onnx | FileCheck %s
// RUN: dl-opt %S/Inputs/unsorted.onnx --canonicalize | FileCheck %s --check-prefix=CANON
// Nodes stored out of order are imported topologically; Reshape's 0 and -1
// with a dynamic input dim.

// CHECK: func.func @main_graph(%[[X:.+]]: tensor<?x3x4xf32>) -> tensor<?x?xf32>
// CHECK: %[[S:.+]] = onnx.Constant dense<[0, -1]> : tensor<2xi64>
// CHECK: %[[R:.+]] = onnx.Reshape %[[X]], %[[S]] : (tensor<?x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
// CHECK: %[[T:.+]] = onnx.Transpose %[[R]] {perm = [1, 0]} : (tensor<?x?xf32>) -> tensor<?x?xf32>
// CHECK: return %[[T]]

// CANON: onnx.Reshape
// CANON: onnx.Transpose
