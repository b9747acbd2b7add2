// RUN: dl-opt %s --lower-loops-to-llvm | FileCheck %s
// RUN: dl-opt %s --lower-loops-to-llvm | dl-opt | FileCheck %s

// math functions with no LLVM intrinsic call the C math library, declared
// once per module even when several functions use them; bf16 conversions
// are bit manipulation (no compiler-runtime call).

// CHECK-COUNT-1: llvm.func @erff(f32) -> f32 attributes {sym_visibility = "private"}
// CHECK-NOT: llvm.func @erff
// CHECK: llvm.func @log1p(f64) -> f64 attributes {sym_visibility = "private"}
// CHECK-LABEL: llvm.func internal @a(
// CHECK: llvm.call @erff(%{{.+}}) : (f32) -> f32
// CHECK: llvm.call @log1p(%{{.+}}) : (f64) -> f64
// CHECK-LABEL: llvm.func internal @b(
// CHECK: llvm.call @erff
// CHECK-LABEL: llvm.func internal @c(
// CHECK: llvm.bitcast %{{.+}} : f32 to i32
// CHECK: llvm.fcmp "uno"
// CHECK: llvm.bitcast %{{.+}} : i16 to bf16
// CHECK: llvm.bitcast %{{.+}} : bf16 to i16
// CHECK: llvm.shl
func.func private @a(%x: f32, %y: f64) -> f64 {
  %0 = math.erf %x : f32
  %1 = math.log1p %y : f64
  return %1 : f64
}
func.func private @b(%x: f32) -> f32 {
  %0 = math.erf %x : f32
  return %0 : f32
}
func.func private @c(%x: f32) -> f32 {
  %0 = arith.truncf %x : f32 to bf16
  %1 = arith.extf %0 : bf16 to f32
  return %1 : f32
}
