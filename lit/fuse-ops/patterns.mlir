// RUN: dl-opt %s --fuse-ops --split-input-file | FileCheck %s
// RUN: dl-opt %s --fuse-ops --split-input-file | dl-opt --split-input-file | FileCheck %s

// conv2d + bias-add + relu: one out-elementwise-fusable group.
// CHECK-LABEL: func.func @conv_bias_relu
// CHECK: %[[C:.*]] = graph.constant
// CHECK-NEXT: %[[F:.*]] = graph.fused out_elementwise_fusable (%[[X:.*]] = %arg0, %[[W:.*]] = %arg1, %[[B:.*]] = %[[C]]) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32> {
// CHECK-NEXT: %[[V0:.*]] = graph.conv2d %[[X]], %[[W]] {padding
// CHECK-NEXT: %[[V1:.*]] = graph.add %[[V0]], %[[B]]
// CHECK-NEXT: %[[V2:.*]] = graph.relu %[[V1]]
// CHECK-NEXT: graph.yield %[[V2]] : tensor<1x4x8x8xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[F]]
func.func @conv_bias_relu(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  %b = graph.constant dense<1.0> : tensor<4x1x1xf32>
  %0 = graph.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %1 = graph.add %0, %b : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %2 = graph.relu %1 : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %2 : tensor<1x4x8x8xf32>
}

// -----

// matmul + add + relu.
// CHECK-LABEL: func.func @matmul_add_relu
// CHECK: graph.fused out_elementwise_fusable (%{{.*}} = %arg0, %{{.*}} = %arg1, %{{.*}} = %arg2)
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: graph.add
// CHECK-NEXT: graph.relu
// CHECK-NEXT: graph.yield
func.func @matmul_add_relu(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = graph.matmul %x, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %1 = graph.add %0, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %2 = graph.relu %1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}

// -----

// A diamond: the relu's two consumers meet again in the add, which
// post-dominates it, so the whole diamond (and the conv) is one group.
// CHECK-LABEL: func.func @diamond
// CHECK: %[[F:.*]] = graph.fused out_elementwise_fusable
// CHECK-NEXT: graph.conv2d
// CHECK-NEXT: graph.relu
// CHECK-NEXT: graph.sigmoid
// CHECK-NEXT: graph.tanh
// CHECK-NEXT: graph.add
// CHECK-NEXT: graph.yield
// CHECK-NEXT: }
// CHECK-NEXT: return %[[F]]
func.func @diamond(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x1x1xf32>) -> tensor<1x4x8x8xf32> {
  %0 = graph.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = graph.relu %0 : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %2 = graph.sigmoid %1 : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %3 = graph.tanh %1 : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %4 = graph.add %2, %3 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %4 : tensor<1x4x8x8xf32>
}

// -----

// A diamond whose branches are not all fusable: the softmax (opaque) on one
// branch keeps the relu from fusing into the add; the add fuses only with the
// sigmoid on the other branch.
// CHECK-LABEL: func.func @diamond_opaque
// CHECK: %[[R:.*]] = graph.relu %arg0
// CHECK-NEXT: %[[S:.*]] = graph.softmax %[[R]]
// CHECK-NEXT: %[[F:.*]] = graph.fused elementwise (%[[A:.*]] = %[[R]], %[[B:.*]] = %[[S]])
// CHECK-NEXT: %[[G:.*]] = graph.sigmoid %[[A]]
// CHECK-NEXT: graph.add %[[G]], %[[B]]
// CHECK-NEXT: graph.yield
// CHECK-NEXT: }
// CHECK-NEXT: return %[[F]]
func.func @diamond_opaque(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = graph.relu %x : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = graph.softmax %0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = graph.sigmoid %0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = graph.add %2, %1 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %3 : tensor<2x4xf32>
}

// -----

// A reduction fuses its elementwise producers.
// CHECK-LABEL: func.func @reduce_producers
// CHECK: graph.fused comm_reduce (%{{.*}} = %arg0, %{{.*}} = %arg1) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2xf32>
// CHECK-NEXT: graph.sub
// CHECK-NEXT: graph.exp
// CHECK-NEXT: graph.reduce_sum
// CHECK-NEXT: graph.yield
func.func @reduce_producers(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2xf32> {
  %0 = graph.sub %x, %y : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = graph.exp %0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = graph.reduce_sum %1 {axes = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2xf32>
  return %2 : tensor<2xf32>
}

// -----

// Opaque ops stay alone; a single op makes no group.
// CHECK-LABEL: func.func @opaque_alone
// CHECK-NOT: graph.fused
// CHECK: graph.softmax
// CHECK-NEXT: graph.softmax
// CHECK-NEXT: return
func.func @opaque_alone(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = graph.softmax %x : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = graph.softmax %0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----

// A value with consumers outside the group (here: returned) ends its group:
// the conv epilogue stops at the relu; its two users form their own groups.
// CHECK-LABEL: func.func @multiple_consumers
// CHECK: %[[F0:.*]] = graph.fused out_elementwise_fusable
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: graph.relu
// CHECK-NEXT: graph.yield
// CHECK: %[[F1:.*]] = graph.fused elementwise (%{{.*}} = %[[F0]])
// CHECK-NEXT: graph.exp
// CHECK-NEXT: graph.sqrt
// CHECK-NEXT: graph.yield
// CHECK: return %[[F0]], %[[F1]]
func.func @multiple_consumers(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %0 = graph.matmul %x, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %1 = graph.relu %0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = graph.exp %1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = graph.sqrt %2 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %1, %3 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Injective chains fuse (phase 1); two convolutions never share a group.
// CHECK-LABEL: func.func @injective_chain
// CHECK: graph.fused injective
// CHECK-NEXT: graph.reshape
// CHECK-NEXT: graph.transpose
// CHECK-NEXT: graph.relu
// CHECK-NEXT: graph.yield
func.func @injective_chain(%x: tensor<2x6xf32>) -> tensor<4x3xf32> {
  %0 = graph.reshape %x {shape = array<i64: 3, 4>} : (tensor<2x6xf32>) -> tensor<3x4xf32>
  %1 = graph.transpose %0 {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %2 = graph.relu %1 : (tensor<4x3xf32>) -> tensor<4x3xf32>
  return %2 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func.func @two_convs
// CHECK: %[[A:.*]] = graph.fused out_elementwise_fusable
// CHECK-NEXT: graph.conv2d
// CHECK-NEXT: graph.relu
// CHECK: graph.fused out_elementwise_fusable (%{{.*}} = %[[A]]
// CHECK-NEXT: graph.conv2d
// CHECK-NEXT: graph.relu
func.func @two_convs(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32> {
  %0 = graph.conv2d %x, %w : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = graph.relu %0 : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %2 = graph.conv2d %1, %w : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %3 = graph.relu %2 : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %3 : tensor<1x4x8x8xf32>
}
