// The addi/subi reassociation patterns of upstream's
// ArithCanonicalization.td (constants pulled together through a nested
// addi/subi, `addi(x, muli(y, -1))`, `subi(subi(a, b), a)`).
// RUN: dl-opt %s --canonicalize --split-input-file | FileCheck %s
// REQUIRES: mlir-opt
// RUN: dl-opt %s --canonicalize --split-input-file > %t.dl
// RUN: mlir-opt %s --canonicalize --split-input-file > %t.up
// RUN: diff %t.dl %t.up

// CHECK-LABEL: func.func @double_negation
// CHECK-SAME: (%[[X:.*]]: i32)
// CHECK-NEXT: return %[[X]]
func.func @double_negation(%x: i32) -> i32 {
  %c8 = arith.constant 8 : i32
  %0 = arith.subi %c8, %x : i32
  %1 = arith.subi %c8, %0 : i32
  return %1 : i32
}

// -----

// CHECK-LABEL: func.func @sub_shapes
// CHECK-SAME: (%[[X:.*]]: i32)
// CHECK-NEXT: %[[C4:.*]] = arith.constant 4 : i32
// CHECK-NEXT: %[[CM7:.*]] = arith.constant -7 : i32
// CHECK-NEXT: %[[C13:.*]] = arith.constant 13 : i32
// CHECK-NEXT: %[[C7:.*]] = arith.constant 7 : i32
// CHECK-NEXT: %[[R0:.*]] = arith.subi %[[C7]], %[[X]] : i32
// CHECK-NEXT: %[[R1:.*]] = arith.subi %[[X]], %[[C13]] : i32
// CHECK-NEXT: %[[R2:.*]] = arith.subi %[[CM7]], %[[X]] : i32
// CHECK-NEXT: %[[R3:.*]] = arith.subi %[[C13]], %[[X]] : i32
// CHECK-NEXT: %[[R4:.*]] = arith.addi %[[X]], %[[C7]] : i32
// CHECK-NEXT: %[[R5:.*]] = arith.subi %[[C4]], %[[X]] : i32
// CHECK-NEXT: return %[[R0]], %[[R1]], %[[R2]], %[[R3]], %[[R4]], %[[R5]]
func.func @sub_shapes(%x: i32) -> (i32, i32, i32, i32, i32, i32) {
  %c3 = arith.constant 3 : i32
  %c10 = arith.constant 10 : i32
  %c1 = arith.constant 1 : i32
  %a = arith.addi %x, %c3 : i32
  %s = arith.subi %x, %c3 : i32
  %t = arith.subi %c3, %x : i32
  // subi(c1, addi(x, c0)) -> subi(c1 - c0, x)
  %0 = arith.subi %c10, %a : i32
  // subi(subi(x, c0), c1) -> subi(x, c0 + c1)
  %1 = arith.subi %s, %c10 : i32
  // subi(subi(c0, x), c1) -> subi(c0 - c1, x)
  %2 = arith.subi %t, %c10 : i32
  // subi(c1, subi(x, c0)) -> subi(c0 + c1, x)
  %3 = arith.subi %c10, %s : i32
  // subi(c1, subi(c0, x)) -> addi(x, c1 - c0)
  %4 = arith.subi %c10, %t : i32
  // addi(subi(c0, x), c1) -> subi(c0 + c1, x)
  %5 = arith.addi %t, %c1 : i32
  return %0, %1, %2, %3, %4, %5 : i32, i32, i32, i32, i32, i32
}

// -----

// CHECK-LABEL: func.func @neg_one_and_self
// CHECK-SAME: (%[[X:.*]]: i32, %[[Y:.*]]: i32)
// CHECK-DAG: %[[Z:.*]] = arith.constant 0 : i32
// CHECK-DAG: %[[A:.*]] = arith.subi %[[X]], %[[Y]] : i32
// CHECK-DAG: %[[B:.*]] = arith.subi %[[Y]], %[[X]] : i32
// CHECK-DAG: %[[N:.*]] = arith.subi %[[Z]], %[[Y]] : i32
// CHECK: return %[[A]], %[[B]], %[[N]]
func.func @neg_one_and_self(%x: i32, %y: i32) -> (i32, i32, i32) {
  %m = arith.constant -1 : i32
  %my = arith.muli %y, %m : i32
  %mx = arith.muli %x, %m : i32
  %0 = arith.addi %x, %my : i32
  %1 = arith.addi %mx, %y : i32
  %d = arith.subi %x, %y : i32
  %2 = arith.subi %d, %x : i32
  return %0, %1, %2 : i32, i32, i32
}
