// CSE inside SSA regions: dominating values are reused, across blocks along
// the dominator tree, but not between sibling blocks; the regions of an
// unregistered op get a fresh scope (it might be isolated from above).
// RUN: dl-opt %s --allow-unregistered-dialect --cse | FileCheck %s

// CHECK-LABEL: "test.func"
"test.func"() ({
^bb0(%arg0: i32):
  // CHECK: %[[A:.*]] = {{.*}}unrealized_conversion_cast %arg0 : i32 to i64
  // CHECK-NOT: unrealized_conversion_cast %arg0 : i32 to i64
  // CHECK: "test.use"(%[[A]], %[[A]])
  %0 = builtin.unrealized_conversion_cast %arg0 : i32 to i64
  %1 = builtin.unrealized_conversion_cast %arg0 : i32 to i64
  "test.use"(%0, %1) : (i64, i64) -> ()
  // CHECK: "test.region"
  // CHECK-NEXT: %[[N:.*]] = {{.*}}unrealized_conversion_cast %arg0 : i32 to i64
  // CHECK-NEXT: "test.use"(%[[N]])
  "test.region"() ({
    %5 = builtin.unrealized_conversion_cast %arg0 : i32 to i64
    "test.use"(%5) : (i64) -> ()
    "test.term"() : () -> ()
  }) : () -> ()
  "test.br"()[^bb1] : () -> ()
// CHECK: ^bb1:
^bb1:
  // CHECK-NEXT: %[[F:.*]] = {{.*}}unrealized_conversion_cast %arg0 : i32 to f32
  // CHECK-NEXT: "test.use"(%[[A]], %[[F]])
  %2 = builtin.unrealized_conversion_cast %arg0 : i32 to i64
  %f = builtin.unrealized_conversion_cast %arg0 : i32 to f32
  "test.use"(%2, %f) : (i64, f32) -> ()
  "test.cond_br"()[^bb2, ^bb3] : () -> ()
// CHECK: ^bb2:
^bb2:
  // CHECK-NEXT: "test.use"(%[[F]])
  %g = builtin.unrealized_conversion_cast %arg0 : i32 to f32
  "test.use"(%g) : (f32) -> ()
  "test.br"()[^bb4] : () -> ()
// CHECK: ^bb3:
^bb3:
  // CHECK-NEXT: %[[H:.*]] = {{.*}}unrealized_conversion_cast %arg0 : i32 to f16
  %h = builtin.unrealized_conversion_cast %arg0 : i32 to f16
  "test.use"(%h) : (f16) -> ()
  "test.br"()[^bb4] : () -> ()
// Not dominated by ^bb3: the f16 cast stays.
// CHECK: ^bb4:
^bb4:
  // CHECK-NEXT: %[[H2:.*]] = {{.*}}unrealized_conversion_cast %arg0 : i32 to f16
  // CHECK-NEXT: "test.term"(%[[H2]])
  %h2 = builtin.unrealized_conversion_cast %arg0 : i32 to f16
  "test.term"(%h2) : (f16) -> ()
}) : () -> ()
