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
