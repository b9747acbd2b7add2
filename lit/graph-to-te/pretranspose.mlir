// RUN: dl-opt %s --split-input-file --lower-graph-to-te | FileCheck %s
// RUN: dl-opt %s --split-input-file --fuse-ops --lower-graph-to-te | FileCheck %s --check-prefix=FUSED

// A constant right-hand side used transposed (Gemm's transB) is
// transposed at compile time into a new blob: the product reads it as
// [k, n], with unit stride along n; the original constant is gone.
// CHECK-LABEL: func.func @linear
// CHECK: %[[W:.+]] = graph.constant dense_resource<w_t> : tensor<3x2xf32>
// CHECK-NOT: tensor<2x3xf32>
// CHECK: te.compute (%[[M:.+]], %[[N:.+]]) reduce (%[[K:.+]]) ins(%arg0, %[[W]] : tensor<4x3xf32>, tensor<3x2xf32>)
// CHECK:   te.extract %[[W]][%[[K]], %[[N]]] : tensor<3x2xf32>
// CHECK: w_t: "0x400000000000803F00008040000000400000A040000040400000C040"
// FUSED-LABEL: func.func @linear
// FUSED: %[[W:.+]] = graph.constant dense_resource<w_t> : tensor<3x2xf32>
// FUSED: te.group (%{{.+}} = %arg0, %{{.+}} = %[[W]]) {kind = "out_elementwise_fusable"} : (tensor<4x3xf32>, tensor<3x2xf32>)
func.func @linear(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = graph.constant dense_resource<w> : tensor<2x3xf32>
  %0 = graph.matmul %x, %w {transpose_b} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
  %1 = graph.relu %0 : (tensor<4x2xf32>) -> tensor<4x2xf32>
  return %1 : tensor<4x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}
