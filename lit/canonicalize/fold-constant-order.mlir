// Where folded constants land: upstream runs an op's own fold (constant
// folding included) before the trait folds (Commutative, Idempotent), so
// `andi(c, c)` materializes a fresh constant at the op instead of reusing
// `c`; and `muli(x, 0)` returns its zero operand instead of a new constant.
// Both decide the order of the hoisted constants.
// RUN: dl-opt %s --canonicalize --cse --split-input-file | FileCheck %s
// REQUIRES: mlir-opt
// RUN: dl-opt %s --canonicalize --cse --split-input-file > %t.dl
// RUN: mlir-opt %s --canonicalize --cse --split-input-file > %t.up
// RUN: diff %t.dl %t.up

// CHECK-LABEL: func.func @idempotent_after_constant_fold
// CHECK-NEXT: %[[C1:.*]] = arith.constant 1 : i32
// CHECK-NEXT: %[[F:.*]] = arith.constant false
// CHECK-NEXT: arith.subf
// CHECK-NEXT: %[[M:.*]] = arith.maximumf
// CHECK-NEXT: %[[S:.*]] = arith.subi %{{.*}}, %[[C1]] : i32
// CHECK-NEXT: return %[[S]], %[[M]], %[[F]] : i32, f32, i1
func.func @idempotent_after_constant_fold(%x: i32, %y: i64, %z: f32) -> (i32, f32, i1) {
  %c1 = arith.constant 1 : i32
  %0 = arith.subf %z, %z : f32
  %1 = arith.maximumf %0, %z : f32
  %2 = arith.cmpi slt, %y, %y : i64
  %3 = arith.andi %c1, %c1 : i32
  %4 = arith.subi %x, %3 : i32
  return %4, %1, %2 : i32, f32, i1
}

// -----

// CHECK-LABEL: func.func @muli_zero_reuses_operand
// CHECK-NEXT: %[[C1:.*]] = arith.constant 1 : i32
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : i64
// CHECK-NEXT: %[[O:.*]] = arith.ori %{{.*}}, %[[C1]] : i32
// CHECK-NEXT: %[[E:.*]] = arith.cmpi eq, %{{.*}}, %[[C0]] : i64
// CHECK-NEXT: return %[[O]], %[[C0]], %[[E]] : i32, i64, i1
func.func @muli_zero_reuses_operand(%x: i32, %y: i64) -> (i32, i64, i1) {
  %c1 = arith.constant 1 : i32
  %0 = arith.xori %y, %y : i64
  %1 = arith.ori %c1, %x : i32
  %2 = arith.muli %0, %0 : i64
  %3 = arith.cmpi eq, %2, %y : i64
  return %1, %2, %3 : i32, i64, i1
}
