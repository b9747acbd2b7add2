// RUN: dl-opt %s --lower-onnx-to-graph | FileCheck %s

// ai.onnx.ml Binarizer: x > threshold, cast back to x's type.
// CHECK-LABEL: func.func @binarizer
// CHECK: %[[T:.+]] = graph.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[C:.+]] = graph.elementwise "greater" %arg0, %[[T]] : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xi1>
// CHECK: graph.elementwise "cast" %[[C]] : (tensor<3x4xi1>) -> tensor<3x4xf32>
func.func @binarizer(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %y = onnx.Binarizer %x {threshold = 1.0 : f32} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// ArrayFeatureExtractor: a gather along the last axis; a 1-D input gives
// one row.
// CHECK-LABEL: func.func @afe
// CHECK: graph.gather %arg0, %arg1 {axis = 1 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<3x2xf32>
// CHECK: %[[R:.+]] = graph.reshape %arg2 {shape = array<i64: 1, 5>}
// CHECK: graph.gather %[[R]], %{{.+}} {axis = 1 : i64} : (tensor<1x5xf32>, tensor<2xi64>) -> tensor<1x2xf32>
func.func @afe(%x: tensor<3x4xf32>, %i: tensor<2xi64>, %v: tensor<5xf32>, %j: tensor<1x2xi64>) -> (tensor<3x2xf32>, tensor<1x2xf32>) {
  %y = onnx.ArrayFeatureExtractor %x, %i : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  %z = onnx.ArrayFeatureExtractor %v, %j : (tensor<5xf32>, tensor<1x2xi64>) -> tensor<1x2xf32>
  return %y, %z : tensor<3x2xf32>, tensor<1x2xf32>
}

// TreeEnsemble: each root-to-leaf path is the AND of its node tests (a
// false branch negated), as 0/1, times a constant leaf-weight matrix.
// Tree: node 0 (x0 <= 0.5) -> leaf 0, else node 1 (x0 in {1, 2}) -> leaf 1 / leaf 2.
// CHECK-LABEL: func.func @trees
// CHECK: graph.elementwise "less_equal"
// CHECK: graph.elementwise "not"
// CHECK: graph.elementwise "or"
// CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
func.func @trees(%x: tensor<4x1xf32>) -> tensor<4x2xf32> {
  %y = onnx.TreeEnsemble %x {aggregate_function = 1 : i64, leaf_targetids = [0, 1, 1], leaf_weights = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>, membership_values = dense<[1.0, 2.0, 0x7FC00000]> : tensor<3xf32>, n_targets = 2 : i64, nodes_falseleafs = [0, 1], nodes_falsenodeids = [1, 2], nodes_featureids = [0, 0], nodes_modes = dense<[0, 6]> : tensor<2xui8>, nodes_splits = dense<[0.5, 0.0]> : tensor<2xf32>, nodes_trueleafs = [1, 1], nodes_truenodeids = [0, 1], post_transform = 0 : i64, tree_roots = [0]} : (tensor<4x1xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
