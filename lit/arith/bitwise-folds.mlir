// Upstream's andi/ori/xori folds: absorption through a nested op of the
// same kind, `x op not(x)`, `or(x, allOnes)`, and xor cancellation with the
// nested xor on either side.
// RUN: dl-opt %s --canonicalize | FileCheck %s
// REQUIRES: mlir-opt
// RUN: dl-opt %s --canonicalize > %t.dl
// RUN: mlir-opt %s --canonicalize > %t.up
// RUN: diff %t.dl %t.up

// CHECK-LABEL: func.func @and_absorb
// CHECK-SAME: (%[[X:.*]]: i32, %[[Y:.*]]: i32)
// CHECK-NEXT: %[[A:.*]] = arith.andi %[[X]], %[[Y]] : i32
// CHECK-NEXT: return %[[A]], %[[A]], %[[A]], %[[A]]
func.func @and_absorb(%x: i32, %y: i32) -> (i32, i32, i32, i32) {
  %a = arith.andi %x, %y : i32
  %0 = arith.andi %a, %y : i32
  %1 = arith.andi %a, %x : i32
  %2 = arith.andi %y, %a : i32
  %3 = arith.andi %x, %a : i32
  return %0, %1, %2, %3 : i32, i32, i32, i32
}

// CHECK-LABEL: func.func @not_x
// CHECK-DAG: %[[T:.*]] = arith.constant -1 : i32
// CHECK-DAG: %[[Z:.*]] = arith.constant 0 : i32
// CHECK: return %[[Z]], %[[Z]], %[[T]], %[[T]]
func.func @not_x(%x: i32) -> (i32, i32, i32, i32) {
  %m = arith.constant -1 : i32
  %n = arith.xori %x, %m : i32
  %0 = arith.andi %x, %n : i32
  %1 = arith.andi %n, %x : i32
  %2 = arith.ori %x, %n : i32
  %3 = arith.ori %n, %x : i32
  return %0, %1, %2, %3 : i32, i32, i32, i32
}

// CHECK-LABEL: func.func @or_all_ones
// CHECK-NEXT: %[[T:.*]] = arith.constant true
// CHECK-NEXT: return %[[T]]
func.func @or_all_ones(%x: i1) -> i1 {
  %t = arith.constant true
  %0 = arith.ori %x, %t : i1
  return %0 : i1
}

// CHECK-LABEL: func.func @xor_cancel
// CHECK-SAME: (%[[X:.*]]: i32, %[[A:.*]]: i32)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @xor_cancel(%x: i32, %a: i32) -> (i32, i32) {
  %0 = arith.xori %x, %a : i32
  %1 = arith.xori %a, %0 : i32
  %2 = arith.xori %a, %x : i32
  %3 = arith.xori %a, %2 : i32
  return %1, %3 : i32, i32
}
