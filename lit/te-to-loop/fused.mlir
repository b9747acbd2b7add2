// RUN: dl-opt %s --fuse-ops --lower-to-loops 2>&1 | FileCheck %s
// RUN: dl-opt %s --fuse-ops --lower-graph-to-te | dl-opt --lower-to-loops | FileCheck %s --check-prefix=TE

// A fused group (conv + bias + relu) from graph level through the
// --lower-to-loops alias: the te.group is inlined, conv and bias-add get
// workspace views (the relu, the group's result, writes the output
// buffer), and the chain exp -> relu -> exp reuses dead space: the third
// buffer lands where the first one was.
// CHECK: remark: workspace peak: 256 bytes for 2 intermediate buffers
// CHECK: remark: workspace peak: 128 bytes for 3 intermediate buffers
// CHECK-LABEL: func.func @fused(%arg0: memref<1x3x4x4xf32>, %arg1: memref<2x3x1x1xf32>, %arg2: memref<2x1x1xf32>, %arg3: memref<1x2x4x4xf32>, %arg4: memref<?xi8>)
// CHECK-SAME: loop.num_outputs = 1 : i64, loop.workspace_size = 256 : i64
// CHECK-NEXT: %[[O0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[CV:.+]] = loop.view %arg4[%[[O0]]] : memref<?xi8> to memref<1x2x4x4xf32>
// CHECK-NEXT: %[[O1:.+]] = arith.constant 128 : index
// CHECK-NEXT: %[[AD:.+]] = loop.view %arg4[%[[O1]]] : memref<?xi8> to memref<1x2x4x4xf32>
// CHECK:  iter_args
// CHECK:  arith.mulf
// CHECK:  arith.addf
// CHECK:  loop.store %{{.+}}, %[[CV]]
// CHECK:  loop.load %[[CV]]
// CHECK:  loop.store %{{.+}}, %[[AD]]
// CHECK:  loop.load %[[AD]]
// CHECK:  arith.maximumf
// CHECK:  loop.store %{{.+}}, %arg3
// CHECK-NOT: te.
// CHECK-NOT: graph.
// TE-LABEL: func.func @fused
// TE: loop.workspace_size = 256 : i64
func.func @fused(%x: tensor<1x3x4x4xf32>, %w: tensor<2x3x1x1xf32>, %b: tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %1 = graph.conv2d %x, %w : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32>
  %2 = graph.add %1, %b : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = graph.relu %2 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %3 : tensor<1x2x4x4xf32>
}

// Live ranges: e0 [0,1], r [1,2], e1 [2,3]: e1 reuses e0's offset 0.
// CHECK-LABEL: func.func @chain
// CHECK-NEXT: %[[Z:.+]] = arith.constant 0 : index
// CHECK-NEXT: loop.view %arg2[%[[Z]]]
// CHECK-NEXT: arith.constant 64 : index
// CHECK-NEXT: loop.view
// CHECK-NEXT: %[[Z2:.+]] = arith.constant 0 : index
// CHECK-NEXT: loop.view %arg2[%[[Z2]]]
// TE-LABEL: func.func @chain
func.func @chain(%x: tensor<16xf32>) -> tensor<16xf32> {
  %0 = graph.exp %x : (tensor<16xf32>) -> tensor<16xf32>
  %1 = graph.sqrt %0 : (tensor<16xf32>) -> tensor<16xf32>
  %2 = graph.exp %1 : (tensor<16xf32>) -> tensor<16xf32>
  %3 = graph.sqrt %2 : (tensor<16xf32>) -> tensor<16xf32>
  return %3 : tensor<16xf32>
}
