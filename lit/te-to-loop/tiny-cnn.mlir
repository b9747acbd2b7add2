// RUN: dl-opt %S/../onnx-to-graph/Inputs/tiny_cnn.onnx --lower-onnx-to-graph --fuse-ops --lower-to-loops 2>&1 | FileCheck %s
// RUN: dl-opt %S/../onnx-to-graph/Inputs/tiny_cnn.onnx --lower-onnx-to-graph --fuse-ops --lower-to-loops --lower-loops-to-llvm | FileCheck %s --check-prefix=LLVM

// The tiny CNN's 19 intermediates pack into 2688 bytes; weights stay
// dense_resource blobs down to the llvm globals.
// CHECK: remark: workspace peak: 2688 bytes for 19 intermediate buffers
// CHECK-LABEL: func.func @main_graph(%arg0: memref<1x3x9x9xf32>, %arg1: memref<1x5xf32>, %arg2: memref<?xi8>)
// CHECK-SAME: loop.num_outputs = 1 : i64, loop.workspace_size = 2688 : i64
// CHECK: loop.constant dense_resource<c1.w> : tensor<4x3x3x3xf32> : memref<4x3x3x3xf32>
// CHECK-NOT: te.
// CHECK: dialect_resources
// LLVM: llvm.mlir.global internal constant @__dlc_cst_main_graph_1(dense_resource<c1.w> : tensor<4x3x3x3xf32>)
// LLVM: llvm.func @main_graph_workspace_size() -> i64
// LLVM-NEXT: llvm.mlir.constant(2688 : i64) : i64
