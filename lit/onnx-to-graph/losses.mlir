// RUN: dl-opt %s --lower-onnx-to-graph | FileCheck %s
// RUN: dl-opt %s --lower-onnx-to-graph --fuse-ops --lower-to-loops --lower-to-llvm 2>/dev/null | dl-opt > /dev/null

// The losses: -x[n, t, d...] by gather_elements on the class axis (after
// log_softmax for SoftmaxCrossEntropyLoss), ignored targets gathered as
// class 0 and zeroed by a select, weights by gather; mean divides by the
// sum of the weights used.

// CHECK-LABEL: func.func @nll_weight_ii_mean
// CHECK: %[[IG:.+]] = graph.elementwise "equal" %arg1, %{{.+}} : (tensor<3x2xi64>, tensor<i64>) -> tensor<3x2xi1>
// CHECK: %[[T:.+]] = graph.elementwise "select" %[[IG]], %{{.+}}, %arg1 : (tensor<3x2xi1>, tensor<i64>, tensor<3x2xi64>) -> tensor<3x2xi64>
// CHECK: %[[T3:.+]] = graph.reshape %[[T]] {shape = array<i64: 3, 1, 2>}
// CHECK: graph.gather_elements %arg0, %[[T3]] {axis = 1 : i64} : (tensor<3x5x2xf32>, tensor<3x1x2xi64>) -> tensor<3x1x2xf32>
// CHECK: graph.sub
// CHECK: %[[W:.+]] = graph.gather %arg2, %[[T]] {axis = 0 : i64} : (tensor<5xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
// CHECK: %[[WK:.+]] = graph.elementwise "select" %[[IG]], %{{.+}}, %[[W]]
// CHECK: %[[L:.+]] = graph.mul %{{.+}}, %[[WK]]
// CHECK: %[[S:.+]] = graph.reduce_sum %[[L]] : (tensor<3x2xf32>) -> tensor<f32>
// CHECK: %[[WS:.+]] = graph.reduce_sum %[[WK]] : (tensor<3x2xf32>) -> tensor<f32>
// CHECK: graph.div %[[S]], %[[WS]]
func.func @nll_weight_ii_mean(%x: tensor<3x5x2xf32>, %t: tensor<3x2xi64>, %w: tensor<5xf32>) -> tensor<f32> {
  %l = onnx.NegativeLogLikelihoodLoss %x, %t, %w {ignore_index = -1 : i64} : (tensor<3x5x2xf32>, tensor<3x2xi64>, tensor<5xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// CHECK-LABEL: func.func @sce_none_log_prob
// CHECK: %[[LP:.+]] = graph.log_softmax %arg0 {axis = 1 : i64}
// CHECK: graph.gather_elements %[[LP]], %{{.+}} {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x1xi64>) -> tensor<3x1xf32>
// CHECK: %[[L:.+]] = graph.sub
// CHECK: return %[[L]], %[[LP]]
func.func @sce_none_log_prob(%x: tensor<3x5xf32>, %t: tensor<3xi64>) -> (tensor<3xf32>, tensor<3x5xf32>) {
  %l, %lp = onnx.SoftmaxCrossEntropyLoss %x, %t {reduction = "none"} : (tensor<3x5xf32>, tensor<3xi64>) -> (tensor<3xf32>, tensor<3x5xf32>)
  return %l, %lp : tensor<3xf32>, tensor<3x5xf32>
}

// CHECK-LABEL: func.func @sce_mean
// CHECK: graph.log_softmax
// CHECK: graph.reduce_mean %{{.+}} : (tensor<2x4xf32>) -> tensor<f32>
func.func @sce_mean(%x: tensor<2x3x4xf32>, %t: tensor<2x4xi64>) -> tensor<f32> {
  %l = onnx.SoftmaxCrossEntropyLoss %x, %t : (tensor<2x3x4xf32>, tensor<2x4xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
