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

// A sum of products (a matmul): the product of two f16 values is exact in
// f32, so it is taken there; rounding it to f16 first (as the body's f16
// mulf would) made the fp16 Attention conformance cases miss by 2 ulps.
// CHECK-LABEL: func.func @dot
// CHECK: iter_args(%[[A:.+]] = %{{.+}}) -> (f32)
// CHECK:   %[[X:.+]] = loop.load %arg0[%{{.+}}, %{{.+}}] : memref<4x8xf16>
// CHECK:   %[[Y:.+]] = loop.load %arg1[%{{.+}}, %{{.+}}] : memref<8x2xf16>
// CHECK-NOT: arith.mulf %{{.+}} : f16
// CHECK:   %[[WX:.+]] = arith.extf %[[X]] : f16 to f32
// CHECK:   %[[WY:.+]] = arith.extf %[[Y]] : f16 to f32
// CHECK:   %[[P:.+]] = arith.mulf %[[WX]], %[[WY]] : f32
// CHECK:   arith.addf %[[A]], %[[P]] : f32
func.func @dot(%a: tensor<4x8xf16>, %b: tensor<8x2xf16>) -> tensor<4x2xf16> {
  %s = te.compute (%i, %j) reduce (%k) ins(%a, %b : tensor<4x8xf16>, tensor<8x2xf16>) {combiner = "add", reduce_extents = array<i64: 8>} -> tensor<4x2xf16> {
    %x = te.extract %a[%i, %k] : tensor<4x8xf16>
    %y = te.extract %b[%k, %j] : tensor<8x2xf16>
    %p = arith.mulf %x, %y : f16
    te.yield %p : f16
  }
  return %s : tensor<4x2xf16>
}
