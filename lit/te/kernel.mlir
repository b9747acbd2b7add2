// RUN: dl-opt %s | FileCheck %s
// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | FileCheck %s
// te.kernel, the imperative escape hatch: one memref argument per input,
// then the flat output buffer; it yields the result's run-time extents.
// Here: the positions of the positive elements, a compaction.

// CHECK-LABEL: func.func @positive
// CHECK: %[[R:.+]] = te.kernel (%[[X:.+]] = %arg0) outs(%[[O:.+]]) {bounds = array<i64: 8>} : (tensor<8xf32>) -> tensor<?xi64> {
// CHECK:   %[[N:.+]] = loop.for
// CHECK:     loop.load %[[X]][%{{.+}}] : memref<8xf32>
// CHECK:     loop.store %{{.+}}, %[[O]][%{{.+}}] : memref<?xi64>
// CHECK:   te.yield %[[N]] : index
// CHECK: }
// CHECK: return %[[R]] : tensor<?xi64>
func.func @positive(%x: tensor<8xf32>) -> tensor<?xi64> {
  %r = te.kernel (%xb = %x) outs(%o) {bounds = array<i64: 8>} : (tensor<8xf32>) -> tensor<?xi64> {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %zero = arith.constant 0.0 : f32
    %n = loop.for %i = %c0 to %c8 step %c1 iter_args(%k = %c0) -> (index) {
      %v = loop.load %xb[%i] : memref<8xf32>
      %pos = arith.cmpf ogt, %v, %zero : f32
      // Not selected: written at %k and overwritten by the next one (the
      // output has room for all 8).
      %iv = arith.index_cast %i : index to i64
      loop.store %iv, %o[%k] : memref<?xi64>
      %inc = arith.select %pos, %c1, %c0 : index
      %k1 = arith.addi %k, %inc : index
      loop.yield %k1 : index
    }
    te.yield %n : index
  }
  return %r : tensor<?xi64>
}

// A kernel with a static result yields nothing.
// CHECK-LABEL: func.func @reverse
// CHECK: te.kernel (%{{.+}} = %arg0) outs(%{{.+}}) {bounds = array<i64>} : (tensor<4xi32>) -> tensor<4xi32>
// CHECK: te.yield
func.func @reverse(%x: tensor<4xi32>) -> tensor<4xi32> {
  %r = te.kernel (%xb = %x) outs(%o) {bounds = array<i64>} : (tensor<4xi32>) -> tensor<4xi32> {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c3 = arith.constant 3 : index
    %c4 = arith.constant 4 : index
    loop.for %i = %c0 to %c4 step %c1 {
      %v = loop.load %xb[%i] : memref<4xi32>
      %j = arith.subi %c3, %i : index
      loop.store %v, %o[%j] : memref<?xi32>
    }
    te.yield
  }
  return %r : tensor<4xi32>
}
