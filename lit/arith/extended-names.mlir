// Ops that name their results print them by name, with conflict suffixes.
// RUN: dl-opt %s | FileCheck %s
// RUN: dl-opt %s | dl-opt | FileCheck %s
// REQUIRES: mlir-opt
// RUN: dl-opt %s > %t.dl && mlir-opt %s > %t.up && diff %t.dl %t.up
// RUN: dl-opt %s --mlir-print-op-generic > %t.g && mlir-opt %s --mlir-print-op-generic | diff - %t.g

// CHECK: %sum, %overflow = arith.addui_extended %arg0, %arg1 : i32, i1
// CHECK: %sum_0, %overflow_1 = arith.addui_extended %sum, %arg1 : i32, i1
// CHECK: %low, %high = arith.mulsi_extended %arg0, %arg1 : i32
// CHECK: return %sum_0, %overflow, %high : i32, i1, i32
func.func @f(%a: i32, %b: i32) -> (i32, i1, i32) {
 %s, %o = arith.addui_extended %a, %b : i32, i1
 %s2, %o2 = arith.addui_extended %s, %b : i32, i1
 %l, %h = arith.mulsi_extended %a, %b : i32
 return %s2, %o, %h : i32, i1, i32
}
