// REQUIRES: mlir-opt
// RUN: dl-opt %S/Inputs/add_relu.onnx --mlir-print-op-generic | mlir-opt --allow-unregistered-dialect | FileCheck %s
// RUN: dl-opt %S/../../test-suite/models/cnn.onnx --mlir-print-op-generic 2>/dev/null | mlir-opt --allow-unregistered-dialect -o /dev/null || test ! -e %S/../../test-suite/models/cnn.onnx
// Imported IR in the generic form is accepted by upstream mlir-opt.

// CHECK: "onnx.Add"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: "onnx.Relu"
