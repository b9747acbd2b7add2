// RUN: dl-opt %s --lower-onnx-to-graph | FileCheck %s
// RUN: dl-opt %s --lower-onnx-to-graph | dl-opt | FileCheck %s
// RUN: dl-opt %s --lower-onnx-to-graph --fuse-ops --lower-to-loops --lower-to-llvm 2>/dev/null | dl-opt > /dev/null

// DeformConv: sample positions (window constants plus the offsets, the
// spatial axes reversed for the grid) normalised for align_corners = 0,
// one grid_sample per offset group, the mask, then the grouped
// convolution as an einsum and the bias.
// CHECK-LABEL: func.func @deform_conv
// CHECK: %[[OFF:.+]] = graph.reshape %arg2 {shape = array<i64: 1, 2, 4, 2, 4, 4>}
// CHECK: graph.gather %[[OFF]], %{{.+}} {axis = 3 : i64}
// CHECK: graph.constant dense<4.000000e-01> : tensor<1x1x1x2x1x1xf32>
// CHECK: graph.constant dense<-8.000000e-01> : tensor<1x1x1x2x1x1xf32>
// CHECK: graph.transpose %{{.+}} {perm = array<i64: 0, 1, 2, 4, 5, 3>}
// CHECK: %[[GRID:.+]] = graph.reshape %{{.+}} {shape = array<i64: 2, 16, 4, 2>}
// CHECK: %[[X:.+]] = graph.reshape %arg0 {shape = array<i64: 2, 2, 5, 5>}
// CHECK: %[[S:.+]] = graph.grid_sample %[[X]], %[[GRID]] {mode = "linear", padding_mode = "zeros"} : (tensor<2x2x5x5xf32>, tensor<2x16x4x2xf32>) -> tensor<2x2x16x4xf32>
// CHECK: %[[M:.+]] = graph.reshape %arg4 {shape = array<i64: 1, 2, 1, 4, 16>}
// CHECK: graph.mul %{{.+}}, %[[M]]
// CHECK: graph.einsum %{{.+}}, %{{.+}} {equation = "gok,ngkp->ngop"} : (tensor<2x3x8xf32>, tensor<1x2x8x16xf32>) -> tensor<1x2x3x16xf32>
// CHECK: %[[B:.+]] = graph.reshape %arg3 {shape = array<i64: 1, 6, 1, 1>}
// CHECK: graph.add %{{.+}}, %[[B]]
func.func @deform_conv(%x: tensor<1x4x5x5xf32>, %w: tensor<6x2x2x2xf32>, %o: tensor<1x16x4x4xf32>, %b: tensor<6xf32>, %m: tensor<1x8x4x4xf32>) -> tensor<1x6x4x4xf32> {
  %y = onnx.DeformConv %x, %w, %o, %b, %m {group = 2 : i64, kernel_shape = [2, 2], offset_group = 2 : i64} : (tensor<1x4x5x5xf32>, tensor<6x2x2x2xf32>, tensor<1x16x4x4xf32>, tensor<6xf32>, tensor<1x8x4x4xf32>) -> tensor<1x6x4x4xf32>
  return %y : tensor<1x6x4x4xf32>
}

