// RUN: dl-opt %S/Inputs/external_data.onnx | FileCheck %s
// An initializer in external_data.bin (at offset 16), a dynamic batch dim.

// CHECK: func.func @main_graph(%[[X:.+]]: tensor<?x4xf32>) -> tensor<?x8xf32>
// CHECK: %[[W:.+]] = onnx.Constant dense<{{\[\[}}0.000000e+00, 1.250000e-01, 2.500000e-01, {{.*}}3.875000e+00]]> : tensor<4x8xf32>
// CHECK: onnx.MatMul %[[X]], %[[W]] : (tensor<?x4xf32>, tensor<4x8xf32>) -> tensor<?x8xf32>
