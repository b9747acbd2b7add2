// RUN: dl-opt --allow-unregistered-dialect --inline %s | FileCheck %s
// RUN: dl-opt --allow-unregistered-dialect --inline=default-pipeline= %s | FileCheck %s --check-prefix=NOCANON

// The private callee is inlined and erased; the public one is inlined and kept.
// CHECK-NOT: func.func private @helper
// CHECK-LABEL: func.func @kept(
// CHECK-LABEL: func.func @caller(
// CHECK-SAME: %[[X:.*]]: i32)
// CHECK-NEXT: %[[H:.*]] = "test.helper"(%[[X]])
// CHECK-NEXT: %[[K:.*]] = "test.kept"(%[[H]])
// CHECK-NEXT: return %[[K]]

// Without simplification the multi-block callee leaves its branches.
// NOCANON-LABEL: func.func @two_blocks(
// NOCANON-NEXT: cf.br ^bb1
// NOCANON-NEXT: ^bb1:  // pred: ^bb0
// NOCANON-NEXT: %[[V:.*]] = "test.v"()
// NOCANON-NEXT: cf.br ^bb2(%[[V]] : i32)
// NOCANON-NEXT: ^bb2(%[[R:.*]]: i32):  // pred: ^bb1
// NOCANON-NEXT: return %[[R]]

func.func private @helper(%a: i32) -> i32 {
  %0 = "test.helper"(%a) : (i32) -> i32
  return %0 : i32
}
func.func @kept(%a: i32) -> i32 {
  %0 = "test.kept"(%a) : (i32) -> i32
  return %0 : i32
}
func.func @caller(%x: i32) -> i32 {
  %0 = call @helper(%x) : (i32) -> i32
  %1 = call @kept(%0) : (i32) -> i32
  return %1 : i32
}
func.func private @jumps() -> i32 {
  cf.br ^bb1
^bb1:
  %v = "test.v"() : () -> i32
  return %v : i32
}
func.func @two_blocks() -> i32 {
  %0 = call @jumps() : () -> i32
  return %0 : i32
}
