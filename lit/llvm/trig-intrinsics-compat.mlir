// REQUIRES: mlir-opt
// RUN: dl-opt %s > %t.dl
// RUN: mlir-opt %s > %t.up
// RUN: diff %t.dl %t.up
// RUN: FileCheck %s --input-file=%t.dl

// CHECK: llvm.intr.tan
// CHECK: llvm.intr.asin
// CHECK: llvm.intr.acos
// CHECK: llvm.intr.atan
// CHECK: llvm.intr.sinh
// CHECK: llvm.intr.cosh
llvm.func @f(%x: f32) -> f32 {
  %0 = llvm.intr.tan(%x) : (f32) -> f32
  %1 = llvm.intr.asin(%0) : (f32) -> f32
  %2 = llvm.intr.acos(%1) : (f32) -> f32
  %3 = llvm.intr.atan(%2) : (f32) -> f32
  %4 = llvm.intr.sinh(%3) : (f32) -> f32
  %5 = llvm.intr.cosh(%4) : (f32) -> f32
  llvm.return %5 : f32
}
