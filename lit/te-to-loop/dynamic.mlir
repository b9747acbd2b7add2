// RUN: dl-opt %s --lower-to-loops 2>&1 | FileCheck %s
// RUN: dl-opt %s --lower-to-loops | dl-opt --verify-each | FileCheck %s --check-prefix=RT

// Run-time extents at the loop level: arguments are dynamic memrefs, loop
// bounds are `loop.dim` values, and intermediates with run-time sizes
// follow the static arena in slots whose offsets are computed at run time
// (64-byte aligned). Buffers of the same size whose live ranges do not
// overlap share a slot: the matmul result (dead after relu) and the
// exponentials reuse slot 0.
// CHECK-LABEL: func.func @f(%arg0: memref<?x4xf32>, %arg1: memref<4x3xf32>, %arg2: memref<?x3xf32>, %arg3: memref<?xi8>)
// CHECK-SAME: loop.shape_function = "f.shapes"
// CHECK: %[[B:.+]] = loop.dim %arg0, 0 : memref<?x4xf32>
// CHECK: %[[MM:.+]] = loop.view %arg3[%[[S0:.+]]][%[[B]]] : memref<?xi8> to memref<?x3xf32>
// CHECK: %[[RELU:.+]] = loop.view %arg3[%[[S1:.+]]][%[[B]]] : memref<?xi8> to memref<?x3xf32>
// CHECK: %[[MAX:.+]] = loop.view %arg3[%[[S2:.+]]][%[[B]]] : memref<?xi8> to memref<?x1xf32>
// CHECK: %[[EXP:.+]] = loop.view %arg3[%[[S0]]][%[[B]]] : memref<?xi8> to memref<?x3xf32>
// CHECK: loop.for %{{.+}} = %{{.+}} to %[[B]] step
// The shape function: workspace bytes, then the output's dynamic extent.
// CHECK-LABEL: func.func @f.shapes(%arg0: memref<?x4xf32>, %arg1: memref<4x3xf32>) -> (index, index)
// CHECK-SAME: loop.output_shapes = [array<i64: -9223372036854775808, 3>], loop.shape_function_of = "f"
// CHECK: %[[D:.+]] = loop.dim %arg0, 0 : memref<?x4xf32>
// CHECK: return %{{.+}}, %[[D]] : index, index
// RT-LABEL: func.func @f.shapes
func.func @f(%x: tensor<?x4xf32>, %w: tensor<4x3xf32>) -> tensor<?x3xf32> {
  %y = graph.matmul %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %z = graph.relu %y : (tensor<?x3xf32>) -> tensor<?x3xf32>
  %s = graph.softmax %z {axis = 1 : i64} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %s : tensor<?x3xf32>
}
