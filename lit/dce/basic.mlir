// dce erases trivially dead ops (no uses, no side effects) to a fixed point
// and keeps ops with unknown effects and all block structure.
// RUN: dl-opt %s --allow-unregistered-dialect --dce | FileCheck %s

// CHECK-LABEL: "test.func"
"test.func"() ({
^bb0(%arg0: i32):
  // A chain: %2 dies first, then %1, then %0.
  // CHECK-NOT: to i64
  // CHECK-NOT: to i16
  %0 = builtin.unrealized_conversion_cast %arg0 : i32 to i64
  %1 = builtin.unrealized_conversion_cast %0 : i64 to i16
  %2 = builtin.unrealized_conversion_cast %1 : i16 to i8
  // CHECK: %[[K:.*]] = {{.*}}unrealized_conversion_cast %arg0 : i32 to f32
  %k = builtin.unrealized_conversion_cast %arg0 : i32 to f32
  // Unregistered ops might have side effects: kept even when unused.
  // CHECK: "test.unknown"(%[[K]])
  %u = "test.unknown"(%k) : (f32) -> i1
  "test.br"()[^bb1] : () -> ()
// Unreachable blocks are not dce's business.
// CHECK: ^bb1:
^bb1:
  // CHECK-NEXT: "test.term"
  %3 = builtin.unrealized_conversion_cast %arg0 : i32 to i64
  "test.term"() : () -> ()
}) : () -> ()
