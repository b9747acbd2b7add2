// cf canonicalization patterns.
// RUN: dl-opt %s --allow-unregistered-dialect --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @cond_br_true_const(
// CHECK-NEXT: "test.then"
// CHECK-NEXT: return
func.func @cond_br_true_const() {
  %c = arith.constant true
  cf.cond_br %c, ^bb1, ^bb2
^bb1:
  "test.then"() : () -> ()
  return
^bb2:
  "test.else"() : () -> ()
  return
}

// -----

// CHECK-LABEL: func.func @merge_single_pred(
// CHECK-SAME: %[[A:.*]]: i32
// CHECK-NEXT: %[[U:.*]] = "test.use"(%[[A]])
// CHECK-NEXT: return %[[U]]
// CHECK-NOT: ^bb
func.func @merge_single_pred(%a: i32) -> i32 {
  cf.br ^bb1(%a : i32)
^bb1(%x: i32):
  %u = "test.use"(%x) : (i32) -> i32
  return %u : i32
}

// -----

// CHECK-LABEL: func.func @identical_successors(
// CHECK-SAME: %[[C:.*]]: i1, %[[A:.*]]: i32
// CHECK-NEXT: "test.use"(%[[A]])
// CHECK-NEXT: return
func.func @identical_successors(%c: i1, %a: i32) {
  cf.cond_br %c, ^bb1(%a : i32), ^bb1(%a : i32)
^bb1(%x: i32):
  "test.use"(%x) : (i32) -> ()
  return
}

// -----

// CHECK-LABEL: func.func @assert_true(
// CHECK-NOT: cf.assert
// CHECK: return
func.func @assert_true() {
  %t = arith.constant true
  cf.assert %t, "never fires"
  return
}

// -----

// CHECK-LABEL: func.func @assert_kept(
// CHECK: cf.assert %{{.*}}, "may fire"
func.func @assert_kept(%c: i1) {
  cf.assert %c, "may fire"
  return
}

// -----

// CHECK-LABEL: func.func @switch_const(
// CHECK-NEXT: "test.two"
// CHECK-NEXT: return
func.func @switch_const() {
  %c = arith.constant 2 : i32
  cf.switch %c : i32, [default: ^bb1, 1: ^bb2, 2: ^bb3]
^bb1:
  "test.default"() : () -> ()
  return
^bb2:
  "test.one"() : () -> ()
  return
^bb3:
  "test.two"() : () -> ()
  return
}

// -----

// CHECK-LABEL: func.func @pass_through(
// CHECK-SAME: %[[C:.*]]: i1, %[[A:.*]]: i32
// CHECK-NEXT: cf.cond_br %[[C]], ^bb1(%[[A]] : i32), ^bb2
// CHECK-NEXT: ^bb1(%[[X:.*]]: i32):  // pred: ^bb0
// CHECK-NEXT: "test.use"(%[[X]])
// CHECK-NEXT: return
// CHECK-NEXT: ^bb2:  // pred: ^bb0
// CHECK-NEXT: "test.other"
func.func @pass_through(%c: i1, %a: i32) {
  cf.cond_br %c, ^bb1, ^bb2
^bb1:
  cf.br ^bb3(%a : i32)
^bb2:
  cf.br ^bb4
^bb3(%x: i32):
  "test.use"(%x) : (i32) -> ()
  return
^bb4:
  "test.other"() : () -> ()
  return
}
