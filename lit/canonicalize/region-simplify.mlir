// Region simplification in the canonicalizer: unreachable blocks, dead ops
// and dead block arguments (with the matching branch operands) are erased.
// RUN: dl-opt %s --allow-unregistered-dialect --canonicalize | FileCheck %s
// RUN: dl-opt %s --allow-unregistered-dialect --canonicalize='region-simplify=disabled' | FileCheck %s --check-prefix=OFF

// CHECK-LABEL: "test.func"
// OFF-LABEL: "test.func"
"test.func"() ({
^bb0(%arg0: i32, %c: i1):
  // CHECK: "test.br"()[^bb1] : () -> ()
  // OFF: "test.br"(%arg0)[^bb1] : (i32) -> ()
  "test.br"(%arg0)[^bb1] : (i32) -> ()
// CHECK: ^bb1:
// OFF: ^bb1(%{{.*}}: i32):
^bb1(%x: i32):
  // CHECK-NOT: unrealized_conversion_cast %{{.*}} : i32 to i64
  %0 = builtin.unrealized_conversion_cast %x : i32 to i64
  "test.br"()[^bb3] : () -> ()
// CHECK-NOT: "test.term"(%{{.*}}) : (i64) -> ()
// OFF: "test.term"(%{{.*}}) : (i64) -> ()
^bb2:
  %1 = builtin.unrealized_conversion_cast %arg0 : i32 to i64
  "test.term"(%1) : (i64) -> ()
// CHECK: ^bb2:
// CHECK-NEXT: %[[A:.*]] = {{.*}}unrealized_conversion_cast %arg0 : i32 to f32
// CHECK-NEXT: "test.term"(%[[A]])
^bb3:
  %2 = builtin.unrealized_conversion_cast %arg0 : i32 to f32
  "test.term"(%2) : (f32) -> ()
}) : () -> ()
