// RUN: dl-opt %S/Inputs/add_relu.onnx | FileCheck %s
// RUN: dl-opt %S/Inputs/add_relu.onnx | dl-opt | FileCheck %s
// RUN: dl-opt %S/Inputs/add_relu.onnx --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC
// Importing a 2-node model: arguments, broadcasting, names and locations.

// CHECK: module attributes {onnx.opset = {ai.onnx = 13 : i64}} {
// CHECK-NEXT: func.func @main_graph(%[[X:.+]]: tensor<2x3xf32>, %[[Y:.+]]: tensor<3xf32>) -> tensor<2x3xf32> attributes {onnx.input_names = ["x", "y"], onnx.output_names = ["out"]} {
// CHECK-NEXT: %[[S:.+]] = onnx.Add %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[R:.+]] = onnx.Relu %[[S]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[R]] : tensor<2x3xf32>

// LOC: onnx.Add {{.*}} loc(#[[ADD:loc[0-9]+]])
// LOC: onnx.Relu {{.*}} loc(#[[RELU:loc[0-9]+]])
// LOC: #loc = loc("{{.*}}add_relu.onnx":0:0)
// LOC: #[[ADD]] = loc("add0"(#loc))
// LOC: #[[RELU]] = loc("relu0"(#loc))
