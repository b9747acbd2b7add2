// RUN: dl-opt %s --lower-te-to-loops 2>&1 | FileCheck %s
// RUN: dl-opt %s --lower-te-to-loops | dl-opt --verify-each | FileCheck %s --check-prefix=RT

// An elementwise compute: one loop nest over the output axes (axis 0
// parallel per its schedule), te.extract -> loop.load, the result stored
// straight into the output buffer (no workspace needed).
// CHECK: remark: workspace peak: 0 bytes for 0 intermediate buffers
// CHECK: remark: workspace peak: 0 bytes for 0 intermediate buffers
// CHECK-LABEL: func.func @add_relu(%arg0: memref<4x8xf32>, %arg1: memref<4x8xf32>, %arg2: memref<4x8xf32>, %arg3: memref<?xi8>)
// CHECK-SAME: attributes {loop.num_outputs = 1 : i64, loop.workspace_size = 0 : i64}
// CHECK:   loop.for parallel %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:     loop.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:       %[[X:.+]] = loop.load %arg0[%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK:       %[[Y:.+]] = loop.load %arg1[%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK:       %[[S:.+]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK:       %[[R:.+]] = arith.maximumf %[[S]], %{{.+}} : f32
// CHECK:       loop.store %[[R]], %arg2[%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK:   return
// RT: func.func @add_relu
func.func @add_relu(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %0 = te.compute (%i, %j) ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>) {schedule = {parallel = array<i64: 0>}} -> tensor<4x8xf32> {
    %x = te.extract %a[%i, %j] : tensor<4x8xf32>
    %y = te.extract %b[%i, %j] : tensor<4x8xf32>
    %s = arith.addf %x, %y : f32
    %r = arith.maximumf %s, %zero : f32
    te.yield %r : f32
  }
  return %0 : tensor<4x8xf32>
}

// Results that no compute of this function produces (an argument, a
// constant) are copied into their output buffers.
// CHECK-LABEL: func.func @passthrough(%arg0: memref<3xf32>, %arg1: memref<3xf32>, %arg2: memref<2xf32>, %arg3: memref<?xi8>)
// CHECK-SAME: loop.num_outputs = 2 : i64
// CHECK: %[[C:.+]] = loop.constant dense<2.000000e+00> : tensor<2xf32> : memref<2xf32>
// CHECK: loop.load %arg0
// CHECK: loop.store %{{.+}}, %arg1
// CHECK: loop.load %[[C]]
// CHECK: loop.store %{{.+}}, %arg2
// RT-LABEL: func.func @passthrough
func.func @passthrough(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<2xf32>) {
  %c = graph.constant dense<2.0> : tensor<2xf32>
  return %x, %c : tensor<3xf32>, tensor<2xf32>
}
