// RUN: dl-opt %s --mlir-print-op-generic | FileCheck %s
// Default-valued properties print in the generic form like upstream.

func.func @f(%a: i32, %x: f32, %h: f16) {
  // CHECK: "arith.addi"(%{{.*}}, %{{.*}}) <{overflowFlags = #arith.overflow<none>}> : (i32, i32) -> i32
  %0 = arith.addi %a, %a : i32
  // CHECK: "arith.shli"(%{{.*}}, %{{.*}}) <{overflowFlags = #arith.overflow<nsw, nuw>}> : (i32, i32) -> i32
  %1 = arith.shli %a, %a overflow<nsw, nuw> : i32
  // CHECK: "arith.addf"(%{{.*}}, %{{.*}}) <{fastmath = #arith.fastmath<none>}> : (f32, f32) -> f32
  %2 = arith.addf %x, %x : f32
  // CHECK: "arith.cmpf"(%{{.*}}, %{{.*}}) <{fastmath = #arith.fastmath<nnan,ninf>, predicate = 4 : i64}> : (f32, f32) -> i1
  %3 = arith.cmpf olt, %x, %x fastmath<nnan,ninf> : f32
  // CHECK: "arith.cmpi"(%{{.*}}, %{{.*}}) <{predicate = 9 : i64}> : (i32, i32) -> i1
  %4 = arith.cmpi uge, %a, %a : i32
  // CHECK: "arith.extf"(%{{.*}}) : (f16) -> f32
  %5 = arith.extf %h : f16 to f32
  // CHECK: "arith.truncf"(%{{.*}}) <{roundingmode = 3 : i32}> : (f32) -> f16
  %6 = arith.truncf %x toward_zero : f32 to f16
  // CHECK: "arith.trunci"(%{{.*}}) <{overflowFlags = #arith.overflow<none>}> : (i32) -> i8
  %7 = arith.trunci %a : i32 to i8
  return
}
