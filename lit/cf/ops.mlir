// Round trip of cf ops through the custom and the generic form.
// RUN: dl-opt %s | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GEN

// CHECK-LABEL: func.func @branches(
// CHECK-SAME: %[[A:.*]]: i32, %[[C:.*]]: i1)
// CHECK: cf.cond_br %[[C]], ^bb1(%[[A]] : i32), ^bb2
// CHECK: ^bb1(%[[X:.*]]: i32):  // pred: ^bb0
// CHECK: cf.br ^bb2
// CHECK: ^bb2:  // 2 preds: ^bb0, ^bb1
// CHECK: cf.switch %[[A]] : i32, [
// CHECK-NEXT: default: ^bb3,
// CHECK-NEXT: 1: ^bb3,
// CHECK-NEXT: 2: ^bb4(%[[A]] : i32)
// CHECK-NEXT: ]
// CHECK: ^bb3:  // 2 preds: ^bb2, ^bb2
// CHECK: cf.assert %[[C]], "oops"
// GEN: "cf.cond_br"(%{{.*}}, %{{.*}})[^bb1, ^bb2] <{operandSegmentSizes = array<i32: 1, 1, 0>}> : (i1, i32) -> ()
// GEN: "cf.switch"(%{{.*}}, %{{.*}})[^bb3, ^bb3, ^bb4] <{case_operand_segments = array<i32: 0, 1>, case_values = dense<[1, 2]> : vector<2xi32>, operandSegmentSizes = array<i32: 1, 0, 1>}> : (i32, i32) -> ()
// GEN: "cf.assert"(%{{.*}}) <{msg = "oops"}> : (i1) -> ()
func.func @branches(%a: i32, %c: i1) -> i32 {
  cf.cond_br %c, ^bb1(%a : i32), ^bb2
^bb1(%x: i32):
  cf.br ^bb2
^bb2:
  cf.switch %a : i32, [default: ^bb3, 1: ^bb3, 2: ^bb4(%a : i32)]
^bb3:
  cf.assert %c, "oops"
  return %a : i32
^bb4(%y: i32):
  return %y : i32
}
