// Round trip of func ops; call_indirect and constant; default dialect.
// RUN: dl-opt %s | FileCheck %s
// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | FileCheck %s

// CHECK-LABEL: func.func private @ext(i32) -> i32
func.func private @ext(i32) -> i32

// CHECK-LABEL: func.func @indirect(
// CHECK-SAME: %[[A:.*]]: i32) -> i32 {
// CHECK-NEXT:   %[[F:.*]] = constant @ext : (i32) -> i32
// CHECK-NEXT:   %[[R:.*]] = call_indirect %[[F]](%[[A]]) : (i32) -> i32
// CHECK-NEXT:   %[[S:.*]] = call @ext(%[[R]]) : (i32) -> i32
// CHECK-NEXT:   return %[[S]] : i32
func.func @indirect(%a: i32) -> i32 {
  %f = func.constant @ext : (i32) -> i32
  %r = func.call_indirect %f(%a) : (i32) -> i32
  %s = func.call @ext(%r) : (i32) -> i32
  func.return %s : i32
}

// CHECK-LABEL: func.func @multi_result() -> (i32, i32)
// CHECK: %[[M:.*]]:2 = call @multi_result() : () -> (i32, i32)
// CHECK: return %[[M]]#1, %[[M]]#0 : i32, i32
func.func @multi_result() -> (i32, i32) {
  %0:2 = call @multi_result() : () -> (i32, i32)
  return %0#1, %0#0 : i32, i32
}
