// RUN: dl-opt %s --lower-graph-to-te | FileCheck %s
// RUN: dl-opt %s --fuse-ops --lower-graph-to-te | dl-opt | FileCheck %s --check-prefix=FUSE

// A graph.fused group becomes a te.group holding a chain of computes.
// CHECK-LABEL: func.func @fused
// CHECK: %[[G:.+]] = te.group (%[[A:.+]] = %arg0, %[[B:.+]] = %arg1, %[[C:.+]] = %arg2) {kind = "out_elementwise_fusable"} : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32> {
// CHECK:   %[[CV:.+]] = te.compute {{.*}} ins(%[[A]], %[[B]] : {{.*}}) {combiner = "add", reduce_extents = array<i64: 3, 1, 1>}
// CHECK:   %[[AD:.+]] = te.compute {{.*}} ins(%[[CV]], %[[C]] :
// CHECK:   %[[RL:.+]] = te.compute {{.*}} ins(%[[AD]] :
// CHECK:   te.yield %[[RL]] : tensor<1x2x4x4xf32>
// CHECK: }
// CHECK: return %[[G]]
func.func @fused(%x: tensor<1x3x4x4xf32>, %w: tensor<2x3x1x1xf32>, %b: tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %0 = graph.fused out_elementwise_fusable (%arg3 = %x, %arg4 = %w, %arg5 = %b) : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32> {
    %1 = graph.conv2d %arg3, %arg4 : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32>
    %2 = graph.add %1, %arg5 : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
    %3 = graph.relu %2 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
    graph.yield %3 : tensor<1x2x4x4xf32>
  }
  return %0 : tensor<1x2x4x4xf32>
}

// FUSE-LABEL: func.func @unfused
// FUSE: te.group
// FUSE-COUNT-2: te.compute
// FUSE: te.yield %{{.+}} : tensor<4xf32>
// FUSE-NOT: graph.
func.func @unfused(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.relu %0 : (tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
