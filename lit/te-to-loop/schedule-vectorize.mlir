// RUN: dl-opt %s --lower-te-to-loops | FileCheck %s
// RUN: dl-opt %s --lower-te-to-loops 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// RUN: dl-opt %s --lower-te-to-loops | dl-opt --verify-each | FileCheck %s --check-prefix=RT
// RUN: dl-opt %s --lower-te-to-loops --lower-loops-to-llvm | FileCheck %s --check-prefix=LLVM

// vectorize = (1, 8) on the innermost output axis: step 8, a vector load
// where the axis is the last index, a scalar load + loop.broadcast where
// the value does not depend on the axis, float constants splatted as
// dense vector constants, vector arith/compare/select, a vector store.
// CHECK-LABEL: func.func @bias_relu(
// CHECK:   loop.for parallel %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:     %[[C16:.+]] = arith.constant 16 : index
// CHECK:     %[[C8:.+]] = arith.constant 8 : index
// CHECK:     loop.for %[[J:.+]] = %{{.+}} to %[[C16]] step %[[C8]] {
// CHECK:       %[[X:.+]] = loop.vector_load %arg0[%[[I]], %[[J]]] : memref<4x16xf32>, vector<8xf32>
// CHECK:       %[[S:.+]] = loop.load %arg1[%[[I]]] : memref<4xf32>
// CHECK:       %[[B:.+]] = loop.broadcast %[[S]] : f32 to vector<8xf32>
// CHECK:       %[[M:.+]] = arith.mulf %[[X]], %[[B]] : vector<8xf32>
// CHECK:       %[[Z:.+]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK:       %[[C:.+]] = arith.cmpf olt, %[[M]], %[[Z]] : vector<8xf32>
// CHECK:       %[[E:.+]] = math.exp %[[M]] : vector<8xf32>
// CHECK:       %[[R:.+]] = arith.select %[[C]], %[[E]], %[[M]] : vector<8xi1>, vector<8xf32>
// CHECK:       loop.vector_store %[[R]], %arg2[%[[I]], %[[J]]] : memref<4x16xf32>, vector<8xf32>
// RT-LABEL: func.func @bias_relu(
// LLVM-LABEL: llvm.func @bias_relu(
// LLVM: llvm.load %{{.+}} {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
// LLVM: %[[P:.+]] = llvm.mlir.poison : vector<8xf32>
// LLVM: %[[I:.+]] = llvm.insertelement %{{.+}}, %[[P]][%{{.+}} : i32] : vector<8xf32>
// LLVM: llvm.shufflevector %[[I]], %[[P]] [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
// LLVM: llvm.fmul %{{.+}}, %{{.+}} : vector<8xf32>
// LLVM: llvm.mlir.constant(dense<0.000000e+00> : vector<8xf32>) : vector<8xf32>
// LLVM: llvm.fcmp "olt" %{{.+}}, %{{.+}} : vector<8xf32>
// LLVM: llvm.intr.exp(%{{.+}}) : (vector<8xf32>) -> vector<8xf32>
// LLVM: llvm.select %{{.+}}, %{{.+}}, %{{.+}} : vector<8xi1>, vector<8xf32>
// LLVM: llvm.store %{{.+}}, %{{.+}} {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
func.func @bias_relu(%a: tensor<4x16xf32>, %s: tensor<4xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %0 = te.compute (%i, %j) ins(%a, %s : tensor<4x16xf32>, tensor<4xf32>) {schedule = {parallel = array<i64: 0>, vectorize = array<i64: 1, 8>}} -> tensor<4x16xf32> {
    %x = te.extract %a[%i, %j] : tensor<4x16xf32>
    %y = te.extract %s[%i] : tensor<4xf32>
    %m = arith.mulf %x, %y : f32
    %c = arith.cmpf olt, %m, %zero : f32
    %e = math.exp %m : f32
    %r = arith.select %c, %e, %m : f32
    te.yield %r : f32
  }
  return %0 : tensor<4x16xf32>
}

// A reduction outside the vectorized axis (reorder = (i, k, j)): the output
// vector is loaded, combined and stored back (after a scalar nest that
// fills the output with the identity).
// CHECK-LABEL: func.func @matmul_k_outside(
// CHECK:   %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:   loop.store %[[Z]], %arg2
// CHECK:   loop.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:     loop.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:       loop.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:         %[[A:.+]] = loop.load %arg0[%[[I]], %[[K]]] : memref<2x3xf32>
// CHECK:         %[[B:.+]] = loop.vector_load %arg1[%[[K]], %[[J]]] : memref<3x8xf32>, vector<4xf32>
// CHECK:         %[[AB:.+]] = loop.broadcast %[[A]] : f32 to vector<4xf32>
// CHECK:         %[[M:.+]] = arith.mulf %[[AB]], %[[B]] : vector<4xf32>
// CHECK:         %[[O:.+]] = loop.vector_load %arg2[%[[I]], %[[J]]] : memref<2x8xf32>, vector<4xf32>
// CHECK:         %[[N:.+]] = arith.addf %[[O]], %[[M]] : vector<4xf32>
// CHECK:         loop.vector_store %[[N]], %arg2[%[[I]], %[[J]]] : memref<2x8xf32>, vector<4xf32>
func.func @matmul_k_outside(%a: tensor<2x3xf32>, %b: tensor<3x8xf32>) -> tensor<2x8xf32> {
  %0 = te.compute (%i, %j) reduce (%k) ins(%a, %b : tensor<2x3xf32>, tensor<3x8xf32>) {combiner = "add", reduce_extents = array<i64: 3>, schedule = {reorder = array<i64: 0, 2, 1>, vectorize = array<i64: 1, 4>}} -> tensor<2x8xf32> {
    %x = te.extract %a[%i, %k] : tensor<2x3xf32>
    %y = te.extract %b[%k, %j] : tensor<3x8xf32>
    %m = arith.mulf %x, %y : f32
    te.yield %m : f32
  }
  return %0 : tensor<2x8xf32>
}

// When vectorization is not legal the nest is scalar and a remark says why.
// REMARK: remark: schedule 'vectorize' of axis 1 by 8 not applied (lowered scalarly): the extent 12 (tile 0) of axis 1 is not a multiple of the width 8
// REMARK: remark: schedule 'vectorize' of axis 1 by 4 not applied (lowered scalarly): axis 1 is not the innermost loop
// REMARK: remark: schedule 'vectorize' of axis 1 by 4 not applied (lowered scalarly): a te.extract does not use the axis exactly as its last index
// CHECK-LABEL: func.func @not_vectorized(
// CHECK-NOT: vector
// CHECK: return
func.func @not_vectorized(%a: tensor<4x12xf32>, %t: tensor<12x4xf32>) -> (tensor<4x12xf32>, tensor<4x4xf32>, tensor<4x12xf32>) {
  %0 = te.compute (%i, %j) ins(%a : tensor<4x12xf32>) {schedule = {vectorize = array<i64: 1, 8>}} -> tensor<4x12xf32> {
    %x = te.extract %a[%i, %j] : tensor<4x12xf32>
    te.yield %x : f32
  }
  %1 = te.compute (%i, %j) reduce (%k) ins(%a : tensor<4x12xf32>) {combiner = "add", reduce_extents = array<i64: 12>, schedule = {vectorize = array<i64: 1, 4>}} -> tensor<4x4xf32> {
    %x = te.extract %a[%i, %k] : tensor<4x12xf32>
    te.yield %x : f32
  }
  %2 = te.compute (%i, %j) ins(%t : tensor<12x4xf32>) {schedule = {vectorize = array<i64: 1, 4>}} -> tensor<4x12xf32> {
    %x = te.extract %t[%j, %i] : tensor<12x4xf32>
    te.yield %x : f32
  }
  return %0, %1, %2 : tensor<4x12xf32>, tensor<4x4xf32>, tensor<4x12xf32>
}
