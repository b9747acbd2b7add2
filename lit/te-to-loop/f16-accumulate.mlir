// RUN: dl-opt %s --lower-te-to-loops | FileCheck %s

// A sum of f16 values accumulates in f32 (each term extended, the total
// rounded once at the store), as onnxruntime's kernels do; max stays f16.
// CHECK-LABEL: func.func @row_sum
// CHECK: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ACC:.+]] = loop.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[A:.+]] = %[[Z]]) -> (f32) {
// CHECK:   %[[V:.+]] = loop.load %arg0[%{{.+}}, %{{.+}}] : memref<4x64xf16>
// CHECK:   %[[W:.+]] = arith.extf %[[V]] : f16 to f32
// CHECK:   %[[S:.+]] = arith.addf %[[A]], %[[W]] : f32
// CHECK:   loop.yield %[[S]] : f32
// CHECK: %[[T:.+]] = arith.truncf %[[ACC]] : f32 to f16
// CHECK: loop.store %[[T]], %arg1[%{{.+}}] : memref<4xf16>
func.func @row_sum(%x: tensor<4x64xf16>) -> tensor<4xf16> {
  %s = te.compute (%i) reduce (%k) ins(%x : tensor<4x64xf16>) {combiner = "add", reduce_extents = array<i64: 64>} -> tensor<4xf16> {
    %v = te.extract %x[%i, %k] : tensor<4x64xf16>
    te.yield %v : f16
  }
  return %s : tensor<4xf16>
}

// CHECK-LABEL: func.func @row_max
// CHECK: iter_args(%{{.+}} = %{{.+}}) -> (f16)
// CHECK: arith.maximumf %{{.+}}, %{{.+}} : f16
// CHECK-NOT: arith.truncf
func.func @row_max(%x: tensor<4x64xf16>) -> tensor<4xf16> {
  %s = te.compute (%i) reduce (%k) ins(%x : tensor<4x64xf16>) {combiner = "max", reduce_extents = array<i64: 64>} -> tensor<4xf16> {
    %v = te.extract %x[%i, %k] : tensor<4x64xf16>
    te.yield %v : f16
  }
  return %s : tensor<4xf16>
}
