// REQUIRES: mlir-opt
// RUN: dl-opt %s > %t.dl && mlir-opt %s > %t.up && diff %t.dl %t.up
// RUN: dl-opt %s --mlir-print-op-generic | mlir-opt | diff - %t.up
// RUN: mlir-opt %s --mlir-print-op-generic | dl-opt | diff - %t.up
// Every math op prints (custom and generic) exactly as mlir-opt prints it.

// Round trip of every math op.
func.func @float_ops(%x: f32, %y: f32, %v: vector<4xf64>, %i: i32) {
  
  %0 = math.exp %x fastmath<fast> : f32
  
  %1 = math.exp2 %x : f32
  
  %2 = math.expm1 %v : vector<4xf64>
  
  %3 = math.log %x : f32
  
  %4 = math.log2 %x : f32
  
  %5 = math.log10 %x : f32
  
  %6 = math.log1p %x fastmath<nnan> : f32
  
  %7 = math.tanh %x : f32
  
  %8 = math.tan %x : f32
  
  %9 = math.sin %x : f32
  
  %10 = math.cos %x : f32
  
  %11 = math.asin %x : f32
  
  %12 = math.acos %x : f32
  
  %13 = math.atan %x : f32
  
  %14 = math.atan2 %x, %y : f32
  
  %15 = math.sinh %x : f32
  
  %16 = math.cosh %x : f32
  
  %17 = math.erf %x : f32
  
  %18 = math.erfc %x : f32
  
  %19 = math.sqrt %x : f32
  
  %20 = math.rsqrt %x : f32
  
  %21 = math.cbrt %x : f32
  
  %22 = math.powf %x, %y fastmath<afn> : f32
  
  %23 = math.fpowi %x, %i : f32, i32
  
  %24 = math.absf %x : f32
  
  %25 = math.floor %x : f32
  
  %26 = math.ceil %x : f32
  
  %27 = math.round %x : f32
  
  %28 = math.roundeven %x : f32
  
  %29 = math.trunc %x : f32
  
  %30 = math.fma %x, %y, %x fastmath<contract> : f32
  
  %31 = math.copysign %x, %y : f32
  
  %32 = math.isnan %x : f32
  
  %33 = math.isinf %v : vector<4xf64>
  
  %34 = math.isfinite %x : f32
  
  %35 = math.isnormal %x : f32
  return
}
func.func @int_ops(%a: i32, %b: i32) {
  
  %0 = math.absi %a : i32
  
  %1 = math.ctlz %a : i32
  
  %2 = math.cttz %a : i32
  
  %3 = math.ctpop %a : i32
  
  %4 = math.ipowi %a, %b : i32
  return
}
