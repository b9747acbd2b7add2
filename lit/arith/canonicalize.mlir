// RUN: dl-opt %s --canonicalize --split-input-file | FileCheck %s
// Algebraic folds and canonicalization patterns of the arith dialect.

// CHECK-LABEL: func.func @identities
// CHECK-SAME: (%[[X:.*]]: i32)
// CHECK-NEXT: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
func.func @identities(%x: i32) -> (i32, i32, i32, i32, i32, i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %0 = arith.addi %x, %c0 : i32
  %1 = arith.muli %x, %c1 : i32
  %2 = arith.andi %x, %x : i32
  %3 = arith.ori %x, %c0 : i32
  %4 = arith.divsi %x, %c1 : i32
  %5 = arith.maxsi %x, %x : i32
  return %0, %1, %2, %3, %4, %5 : i32, i32, i32, i32, i32, i32
}

// -----

// CHECK-LABEL: func.func @to_zero
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : i32
// CHECK-NEXT: return %[[Z]], %[[Z]], %[[Z]]
func.func @to_zero(%x: i32) -> (i32, i32, i32) {
  %c0 = arith.constant 0 : i32
  %0 = arith.subi %x, %x : i32
  %1 = arith.xori %x, %x : i32
  %2 = arith.muli %x, %c0 : i32
  return %0, %1, %2 : i32, i32, i32
}

// -----

// CHECK-LABEL: func.func @add_add_constant
// CHECK-SAME: (%[[X:.*]]: i32)
// CHECK-NEXT: %[[C:.*]] = arith.constant 5 : i32
// CHECK-NEXT: %[[R:.*]] = arith.addi %[[X]], %[[C]] : i32
// CHECK-NEXT: return %[[R]]
func.func @add_add_constant(%x: i32) -> i32 {
  %c2 = arith.constant 2 : i32
  %c3 = arith.constant 3 : i32
  %0 = arith.addi %x, %c2 : i32
  %1 = arith.addi %0, %c3 : i32
  return %1 : i32
}

// -----

// Constants move to the right of commutative ops.
// CHECK-LABEL: func.func @constant_right
// CHECK-SAME: (%[[X:.*]]: i32)
// CHECK-NEXT: %[[C:.*]] = arith.constant 7 : i32
// CHECK-NEXT: %[[R:.*]] = arith.muli %[[X]], %[[C]] : i32
func.func @constant_right(%x: i32) -> i32 {
  %c7 = arith.constant 7 : i32
  %0 = arith.muli %c7, %x : i32
  return %0 : i32
}

// -----

// CHECK-LABEL: func.func @sub_add
// CHECK-SAME: (%[[X:.*]]: i32, %[[Y:.*]]: i32)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @sub_add(%x: i32, %y: i32) -> (i32, i32) {
  %0 = arith.addi %x, %y : i32
  %1 = arith.subi %0, %y : i32
  %2 = arith.subi %x, %y : i32
  %3 = arith.addi %2, %y : i32
  return %1, %3 : i32, i32
}

// -----

// CHECK-LABEL: func.func @not_cmpi
// CHECK-SAME: (%[[A:.*]]: i32, %[[B:.*]]: i32)
// CHECK-NEXT: %[[R:.*]] = arith.cmpi sge, %[[A]], %[[B]] : i32
// CHECK-NEXT: return %[[R]]
func.func @not_cmpi(%a: i32, %b: i32) -> i1 {
  %true = arith.constant true
  %0 = arith.cmpi slt, %a, %b : i32
  %1 = arith.xori %0, %true : i1
  return %1 : i1
}

// -----

// CHECK-LABEL: func.func @cmpi_same
// CHECK-DAG: %[[T:.*]] = arith.constant true
// CHECK-DAG: %[[F:.*]] = arith.constant false
// CHECK: return %[[T]], %[[F]]
func.func @cmpi_same(%a: i32) -> (i1, i1) {
  %0 = arith.cmpi sle, %a, %a : i32
  %1 = arith.cmpi ne, %a, %a : i32
  return %0, %1 : i1, i1
}

// -----

// CHECK-LABEL: func.func @select
// CHECK-SAME: (%[[C:.*]]: i1, %[[A:.*]]: i32, %[[B:.*]]: i32)
// CHECK-NEXT: return %[[A]], %[[B]], %[[C]]
func.func @select(%c: i1, %a: i32, %b: i32) -> (i32, i32, i1) {
  %true = arith.constant true
  %false = arith.constant false
  %0 = arith.select %true, %a, %b : i32
  %1 = arith.select %c, %b, %b : i32
  %2 = arith.select %c, %true, %false : i1
  return %0, %1, %2 : i32, i32, i1
}

// -----

// CHECK-LABEL: func.func @float_identities
// CHECK-SAME: (%[[X:.*]]: f32)
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[A:.*]] = arith.addf %[[X]], %[[Z]] : f32
// CHECK-NEXT: return %[[X]], %[[X]], %[[A]], %[[X]]
func.func @float_identities(%x: f32) -> (f32, f32, f32, f32) {
  %m0 = arith.constant -0.0 : f32
  %p0 = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %0 = arith.addf %x, %m0 : f32
  %1 = arith.mulf %x, %one : f32
  // x + 0.0 is not x (for x = -0.0).
  %2 = arith.addf %x, %p0 : f32
  %n = arith.negf %x : f32
  %3 = arith.negf %n : f32
  return %0, %1, %2, %3 : f32, f32, f32, f32
}

// -----

// CHECK-LABEL: func.func @cast_chains
// CHECK-SAME: (%[[X:.*]]: i32, %[[I:.*]]: index)
// CHECK-NEXT: return %[[X]], %[[I]]
func.func @cast_chains(%x: i32, %i: index) -> (i32, index) {
  %0 = arith.extsi %x : i32 to i64
  %1 = arith.trunci %0 : i64 to i32
  %2 = arith.index_cast %i : index to i64
  %3 = arith.index_cast %2 : i64 to index
  return %1, %3 : i32, index
}
