// RUN: dl-opt %s --split-input-file --lower-graph-to-te | FileCheck %s

// CHECK-LABEL: func.func @transpose
// CHECK: te.compute (%[[A:.+]], %[[B:.+]], %[[C:.+]]) ins(%arg0 : tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
// CHECK:   te.extract %arg0[%[[B]], %[[C]], %[[A]]] : tensor<2x3x4xf32>
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = graph.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// Reshape linearises the output index and delinearises it in the input shape.
// CHECK-LABEL: func.func @reshape
// CHECK: te.compute (%[[I:.+]], %[[J:.+]]) ins(%arg0 : tensor<2x3xf32>) -> tensor<3x2xf32> {
// CHECK:   arith.muli %[[I]], %{{.+}} : index
// CHECK:   %[[F:.+]] = arith.addi %[[J]], %{{.+}} : index
// CHECK:   %[[R:.+]] = arith.divsi %[[F]], %{{.+}} : index
// CHECK:   %[[C:.+]] = arith.remsi %[[F]], %{{.+}} : index
// CHECK:   te.extract %arg0[%[[R]], %[[C]]] : tensor<2x3xf32>
func.func @reshape(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = graph.reshape %x {shape = array<i64: 3, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Concat reads every input at a clamped index and selects by the axis index.
// CHECK-LABEL: func.func @concat
// CHECK: te.compute (%{{.+}}, %[[J:.+]]) ins(%arg0, %arg1 : tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32> {
// CHECK:   %[[B:.+]] = te.extract %arg1
// CHECK:   %[[A:.+]] = te.extract %arg0
// CHECK:   %[[C:.+]] = arith.cmpi slt, %[[J]], %{{.+}} : index
// CHECK:   %[[S:.+]] = arith.select %[[C]], %[[A]], %[[B]] : f32
// CHECK:   te.yield %[[S]] : f32
func.func @concat(%x: tensor<2x3xf32>, %y: tensor<2x1xf32>) -> tensor<2x4xf32> {
  %0 = graph.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
