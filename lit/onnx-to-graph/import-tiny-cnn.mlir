// RUN: dl-opt %S/Inputs/tiny_cnn.onnx --lower-onnx-to-graph | FileCheck %s
// RUN: dl-opt %S/Inputs/tiny_cnn.onnx --lower-onnx-to-graph | dl-opt --verify-each | FileCheck %s
// RUN: dl-opt %S/Inputs/tiny_cnn.onnx --lower-onnx-to-graph --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC
// RUN: dl-opt %S/Inputs/tiny_cnn.onnx --lower-onnx-to-graph --fuse-ops | FileCheck %s --check-prefix=FUSE
// The imported CNN (Inputs/gen_tiny_cnn.py) lowered to graph ops; the full
// chain onnx -> graph -> fused groups; every op keeps its ONNX node location.

// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x9x9xf32>) -> tensor<1x5xf32>
// CHECK: %[[W1:.+]] = graph.constant dense_resource<c1.w> : tensor<4x3x3x3xf32>
// CHECK: %[[B1:.+]] = graph.constant dense<{{.*}}> : tensor<4xf32>
// CHECK: %[[W2:.+]] = graph.constant dense_resource<c2.w> : tensor<4x2x3x3xf32>
// CHECK: %[[FCB:.+]] = graph.constant dense<{{.*}}> : tensor<5xf32>
// CHECK-NEXT: %[[C1:.+]] = graph.conv2d %[[X]], %[[W1]], %[[B1]] {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x3x9x9xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x9x9xf32>
// CHECK-NEXT: %[[R1:.+]] = graph.relu %[[C1]]
// SAME_UPPER with stride 2 on 9x9: 5x5 output, one pad on each side.
// CHECK-NEXT: %[[C2:.+]] = graph.conv2d %[[R1]], %[[W2]] {groups = 2 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x9x9xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x5x5xf32>
// CHECK-NEXT: %[[BN:.+]] = graph.batch_norm %[[C2]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} {epsilon = 1.000000e-03 : f32}
// CHECK-NEXT: %[[R2:.+]] = graph.relu %[[BN]]
// CHECK-NEXT: %[[P1:.+]] = graph.max_pool2d %[[R2]] {ceil_mode, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>) -> tensor<1x4x3x3xf32>
// CHECK-NEXT: %[[P2:.+]] = graph.avg_pool2d %[[P1]] {count_include_pad, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
// CHECK-NEXT: %[[G:.+]] = graph.global_avg_pool2d %[[P2]] : (tensor<1x4x3x3xf32>) -> tensor<1x4x1x1xf32>
// CHECK-NEXT: %[[F:.+]] = graph.reshape %[[G]] {shape = array<i64: 1, 4>} : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
// Gemm alpha = 0.5, beta = 2: scaled product plus scaled, broadcast C.
// CHECK-NEXT: %[[MM:.+]] = graph.matmul %[[F]], %{{.+}} : (tensor<1x4xf32>, tensor<4x5xf32>) -> tensor<1x5xf32>
// CHECK-NEXT: %[[AL:.+]] = graph.constant dense<5.000000e-01> : tensor<f32>
// CHECK-NEXT: %[[S1:.+]] = graph.mul %[[MM]], %[[AL]] : (tensor<1x5xf32>, tensor<f32>) -> tensor<1x5xf32>
// CHECK-NEXT: %[[BE:.+]] = graph.constant dense<2.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[S2:.+]] = graph.mul %[[FCB]], %[[BE]] : (tensor<5xf32>, tensor<f32>) -> tensor<5xf32>
// CHECK-NEXT: %[[Y:.+]] = graph.add %[[S1]], %[[S2]] : (tensor<1x5xf32>, tensor<5xf32>) -> tensor<1x5xf32>
// CHECK-NEXT: %[[SM:.+]] = graph.softmax %[[Y]] {axis = 1 : i64} : (tensor<1x5xf32>) -> tensor<1x5xf32>
// CHECK-NEXT: return %[[SM]] : tensor<1x5xf32>
// CHECK-NOT: onnx.Constant
// CHECK: dialect_resources
// CHECK: c1.w: "0x04000000

// LOC: graph.conv2d {{.*}} loc(#[[CONV1:loc[0-9]+]])
// LOC: graph.relu {{.*}} loc(#[[RELU1:loc[0-9]+]])
// LOC: graph.matmul {{.*}} loc(#[[FC:loc[0-9]+]])
// LOC-NEXT: graph.constant {{.*}} loc(#[[FC]])
// LOC-NEXT: graph.mul {{.*}} loc(#[[FC]])
// LOC: graph.softmax {{.*}} loc(#[[SM:loc[0-9]+]])
// LOC-DAG: #[[CONV1]] = loc("conv1"(#loc))
// LOC-DAG: #[[RELU1]] = loc("relu1"(#loc))
// LOC-DAG: #[[FC]] = loc("fc"(#loc))
// LOC-DAG: #[[SM]] = loc("softmax"(#loc))

// conv + bias + relu, and conv + batch_norm + relu, become fused groups.
// FUSE-LABEL: func.func @main_graph
// FUSE: %[[G1:.+]] = graph.fused out_elementwise_fusable (%[[A:.+]] = %arg0, %[[W:.+]] = %{{.+}}, %[[B:.+]] = %{{.+}}) : (tensor<1x3x9x9xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x9x9xf32> {
// FUSE-NEXT: %[[C:.+]] = graph.conv2d %[[A]], %[[W]], %[[B]] {padding = array<i64: 1, 1, 1, 1>}
// FUSE-NEXT: %[[R:.+]] = graph.relu %[[C]]
// FUSE-NEXT: graph.yield %[[R]] : tensor<1x4x9x9xf32>
// FUSE-NEXT: }
// FUSE-NEXT: %[[G2:.+]] = graph.fused out_elementwise_fusable (%{{.+}} = %[[G1]],
// FUSE-NEXT: graph.conv2d
// FUSE-NEXT: graph.batch_norm
// FUSE-NEXT: graph.relu
// FUSE-NEXT: graph.yield
// FUSE-NEXT: }
// FUSE-NEXT: graph.max_pool2d %[[G2]]
// FUSE: graph.fused out_elementwise_fusable
// FUSE-NEXT: graph.matmul
// FUSE-NEXT: graph.mul
// FUSE-NEXT: graph.mul
// FUSE-NEXT: graph.add
// FUSE-NEXT: graph.yield
// FUSE-NEXT: }
// FUSE-NEXT: graph.softmax
