// RUN: dl-opt %S/../onnx/Inputs/add_relu.onnx --lower-onnx-to-graph | FileCheck %s
// RUN: dl-opt %S/../onnx/Inputs/add_relu.onnx --lower-onnx-to-graph --fuse-ops | FileCheck %s --check-prefix=FUSE
// RUN: dl-opt %S/../onnx/Inputs/add_relu.onnx --lower-onnx-to-graph --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC
// The 2-node model: a broadcasting add and a relu, then one fused group.

// CHECK: func.func @main_graph(%[[X:.+]]: tensor<2x3xf32>, %[[Y:.+]]: tensor<3xf32>) -> tensor<2x3xf32> attributes {onnx.input_names = ["x", "y"], onnx.output_names = ["out"]} {
// CHECK-NEXT: %[[S:.+]] = graph.add %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[R:.+]] = graph.relu %[[S]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]] : tensor<2x3xf32>

// FUSE: %[[F:.+]] = graph.fused broadcast (%[[A:.+]] = %arg0, %[[B:.+]] = %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> {
// FUSE-NEXT: %[[S:.+]] = graph.add %[[A]], %[[B]]
// FUSE-NEXT: %[[R:.+]] = graph.relu %[[S]]
// FUSE-NEXT: graph.yield %[[R]]
// FUSE-NEXT: }
// FUSE-NEXT: return %[[F]]

// LOC: graph.add {{.*}} loc(#[[L:loc[0-9]+]])
// LOC: #[[L]] = loc("{{[^"]+}}"(#loc))
