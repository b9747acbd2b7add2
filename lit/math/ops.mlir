// RUN: dl-opt %s | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | FileCheck %s
// Round trip of every math op.

// CHECK-LABEL: func.func @float_ops
// CHECK-SAME: (%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[V:.*]]: vector<4xf64>, %[[I:.*]]: i32)
func.func @float_ops(%x: f32, %y: f32, %v: vector<4xf64>, %i: i32) {
  // CHECK: math.exp %[[X]] fastmath<fast> : f32
  %0 = math.exp %x fastmath<fast> : f32
  // CHECK: math.exp2 %[[X]] : f32
  %1 = math.exp2 %x : f32
  // CHECK: math.expm1 %[[V]] : vector<4xf64>
  %2 = math.expm1 %v : vector<4xf64>
  // CHECK: math.log %[[X]] : f32
  %3 = math.log %x : f32
  // CHECK: math.log2 %[[X]] : f32
  %4 = math.log2 %x : f32
  // CHECK: math.log10 %[[X]] : f32
  %5 = math.log10 %x : f32
  // CHECK: math.log1p %[[X]] fastmath<nnan> : f32
  %6 = math.log1p %x fastmath<nnan> : f32
  // CHECK: math.tanh %[[X]] : f32
  %7 = math.tanh %x : f32
  // CHECK: math.tan %[[X]] : f32
  %8 = math.tan %x : f32
  // CHECK: math.sin %[[X]] : f32
  %9 = math.sin %x : f32
  // CHECK: math.cos %[[X]] : f32
  %10 = math.cos %x : f32
  // CHECK: math.asin %[[X]] : f32
  %11 = math.asin %x : f32
  // CHECK: math.acos %[[X]] : f32
  %12 = math.acos %x : f32
  // CHECK: math.atan %[[X]] : f32
  %13 = math.atan %x : f32
  // CHECK: math.atan2 %[[X]], %[[Y]] : f32
  %14 = math.atan2 %x, %y : f32
  // CHECK: math.sinh %[[X]] : f32
  %15 = math.sinh %x : f32
  // CHECK: math.cosh %[[X]] : f32
  %16 = math.cosh %x : f32
  // CHECK: math.erf %[[X]] : f32
  %17 = math.erf %x : f32
  // CHECK: math.erfc %[[X]] : f32
  %18 = math.erfc %x : f32
  // CHECK: math.sqrt %[[X]] : f32
  %19 = math.sqrt %x : f32
  // CHECK: math.rsqrt %[[X]] : f32
  %20 = math.rsqrt %x : f32
  // CHECK: math.cbrt %[[X]] : f32
  %21 = math.cbrt %x : f32
  // CHECK: math.powf %[[X]], %[[Y]] fastmath<afn> : f32
  %22 = math.powf %x, %y fastmath<afn> : f32
  // CHECK: math.fpowi %[[X]], %[[I]] : f32, i32
  %23 = math.fpowi %x, %i : f32, i32
  // CHECK: math.absf %[[X]] : f32
  %24 = math.absf %x : f32
  // CHECK: math.floor %[[X]] : f32
  %25 = math.floor %x : f32
  // CHECK: math.ceil %[[X]] : f32
  %26 = math.ceil %x : f32
  // CHECK: math.round %[[X]] : f32
  %27 = math.round %x : f32
  // CHECK: math.roundeven %[[X]] : f32
  %28 = math.roundeven %x : f32
  // CHECK: math.trunc %[[X]] : f32
  %29 = math.trunc %x : f32
  // CHECK: math.fma %[[X]], %[[Y]], %[[X]] fastmath<contract> : f32
  %30 = math.fma %x, %y, %x fastmath<contract> : f32
  // CHECK: math.copysign %[[X]], %[[Y]] : f32
  %31 = math.copysign %x, %y : f32
  // CHECK: math.isnan %[[X]] : f32
  %32 = math.isnan %x : f32
  // CHECK: math.isinf %[[V]] : vector<4xf64>
  %33 = math.isinf %v : vector<4xf64>
  // CHECK: math.isfinite %[[X]] : f32
  %34 = math.isfinite %x : f32
  // CHECK: math.isnormal %[[X]] : f32
  %35 = math.isnormal %x : f32
  return
}

// CHECK-LABEL: func.func @int_ops
// CHECK-SAME: (%[[A:.*]]: i32, %[[B:.*]]: i32)
func.func @int_ops(%a: i32, %b: i32) {
  // CHECK: math.absi %[[A]] : i32
  %0 = math.absi %a : i32
  // CHECK: math.ctlz %[[A]] : i32
  %1 = math.ctlz %a : i32
  // CHECK: math.cttz %[[A]] : i32
  %2 = math.cttz %a : i32
  // CHECK: math.ctpop %[[A]] : i32
  %3 = math.ctpop %a : i32
  // CHECK: math.ipowi %[[A]], %[[B]] : i32
  %4 = math.ipowi %a, %b : i32
  return
}
