// CSE treats the operands of commutative ops as unordered (upstream's
// OperationEquivalence hashes them order-independently and compares them
// sorted), so `maximumf(a, b)` and `maximumf(b, a)` merge.
// RUN: dl-opt %s --canonicalize --cse | FileCheck %s
// RUN: dl-opt %s --cse | FileCheck %s --check-prefix=CSE
// REQUIRES: mlir-opt
// RUN: dl-opt %s --canonicalize --cse > %t.dl
// RUN: mlir-opt %s --canonicalize --cse > %t.up
// RUN: diff %t.dl %t.up

// CHECK-LABEL: func.func @commuted
// CHECK-NEXT: %[[M:.*]] = arith.maximumf %arg0, %arg1 : f32
// CHECK-NEXT: %[[A:.*]] = arith.addi %arg2, %arg3 : i32
// CHECK-NEXT: %[[S:.*]] = arith.subi %arg2, %arg3 : i32
// CHECK-NEXT: %[[T:.*]] = arith.subi %arg3, %arg2 : i32
// CHECK-NEXT: return %[[M]], %[[M]], %[[A]], %[[A]], %[[S]], %[[T]]
// CSE-LABEL: func.func @commuted
// CSE-COUNT-1: arith.maximumf
// CSE-COUNT-1: arith.addi
// CSE-COUNT-2: arith.subi
func.func @commuted(%a: f32, %b: f32, %x: i32, %y: i32) -> (f32, f32, i32, i32, i32, i32) {
  %0 = arith.maximumf %a, %b : f32
  %1 = arith.maximumf %b, %a : f32
  %2 = arith.addi %x, %y : i32
  %3 = arith.addi %y, %x : i32
  %4 = arith.subi %x, %y : i32
  %5 = arith.subi %y, %x : i32
  return %0, %1, %2, %3, %4, %5 : f32, f32, i32, i32, i32, i32
}
