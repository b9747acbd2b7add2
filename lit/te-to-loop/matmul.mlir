// RUN: dl-opt %s --lower-te-to-loops | FileCheck %s
// RUN: dl-opt %s --lower-te-to-loops --lower-loops-to-llvm | FileCheck %s --check-prefix=LLVM

// A reduction: output axes, then the reduction axis carrying the
// accumulator in iter_args (initialised from the combiner's identity),
// combined with arith.addf; the bias add reads the matmul's buffer, a
// workspace view; constants become loop.constant (then llvm globals).
// CHECK-LABEL: func.func @matmul(%arg0: memref<4x8xf32>, %arg1: memref<4x4xf32>, %arg2: memref<?xi8>)
// CHECK-SAME: loop.num_outputs = 1 : i64, loop.workspace_size = 64 : i64
// CHECK:   %[[MM:.+]] = loop.view %arg2[%{{.+}}] : memref<?xi8> to memref<4x4xf32>
// CHECK:   %[[W:.+]] = loop.constant dense<5.000000e-01> : tensor<8x4xf32> : memref<8x4xf32>
// CHECK:   loop.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:     loop.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:       %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:       %[[ACC:.+]] = loop.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[A:.+]] = %[[Z]]) -> (f32) {
// CHECK:         %[[X:.+]] = loop.load %arg0[%[[I]], %[[K]]] : memref<4x8xf32>
// CHECK:         %[[Y:.+]] = loop.load %[[W]][%[[K]], %[[J]]] : memref<8x4xf32>
// CHECK:         %[[M:.+]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK:         %[[N:.+]] = arith.addf %[[A]], %[[M]] : f32
// CHECK:         loop.yield %[[N]] : f32
// CHECK:       loop.store %[[ACC]], %[[MM]][%[[I]], %[[J]]] : memref<4x4xf32>
// CHECK:   loop.for
// CHECK:     loop.for
// CHECK:       loop.load %[[MM]]
// CHECK:       loop.store %{{.+}}, %arg1
// LLVM: llvm.mlir.global internal constant @__dlc_cst_matmul_1(dense<5.000000e-01> : tensor<8x4xf32>) {{.*}} : !llvm.array<32 x f32>
// LLVM: llvm.func @matmul(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr) -> i32
// LLVM: llvm.mlir.addressof @__dlc_cst_matmul_1 : !llvm.ptr
// LLVM: llvm.func @matmul_workspace_size() -> i64
// LLVM-NEXT: llvm.mlir.constant(64 : i64) : i64
func.func @matmul(%a: tensor<4x8xf32>) -> tensor<4x4xf32> {
  %w = graph.constant dense<0.5> : tensor<8x4xf32>
  %0 = te.compute (%i, %j) reduce (%k) ins(%a, %w : tensor<4x8xf32>, tensor<8x4xf32>) {combiner = "add", reduce_extents = array<i64: 8>} -> tensor<4x4xf32> {
    %x = te.extract %a[%i, %k] : tensor<4x8xf32>
    %y = te.extract %w[%k, %j] : tensor<8x4xf32>
    %m = arith.mulf %x, %y : f32
    te.yield %m : f32
  }
  %1 = te.compute (%i, %j) ins(%0 : tensor<4x4xf32>) -> tensor<4x4xf32> {
    %x = te.extract %0[%i, %j] : tensor<4x4xf32>
    %c = arith.constant 1.0 : f32
    %s = arith.addf %x, %c : f32
    te.yield %s : f32
  }
  return %1 : tensor<4x4xf32>
}
