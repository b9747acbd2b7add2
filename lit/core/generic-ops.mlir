// The generic op form: results, operands, successors, properties, regions,
// attributes, multi-result groups and block arguments.
// RUN: dl-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: dl-opt %s --allow-unregistered-dialect | dl-opt --allow-unregistered-dialect | FileCheck %s

// CHECK-LABEL: "test.region_op"() ({
// CHECK-NEXT:  ^bb0(%[[A:.*]]: i32, %[[B:.*]]: f32):
// CHECK-NEXT:    %[[R:.*]]:2 = "test.multi"(%[[A]]) <{p = 1 : i64}> {d = "x"} : (i32) -> (i32, f32)
// CHECK-NEXT:    "test.use"(%[[R]]#1, %[[R]]#0, %[[B]]) : (f32, i32, f32) -> ()
// CHECK-NEXT:    "test.br"(%[[R]]#0)[^bb1] : (i32) -> ()
// CHECK-NEXT:  ^bb1(%[[C:.*]]: i32):  // pred: ^bb0
// CHECK-NEXT:    "test.ret"(%[[C]]) : (i32) -> ()
// CHECK-NEXT:  }, {
// CHECK-NEXT:  }) : () -> ()
"test.region_op"() ({
^bb0(%a: i32, %b: f32):
  %r:2 = "test.multi"(%a) <{p = 1}> {d = "x"} : (i32) -> (i32, f32)
  "test.use"(%r#1, %r#0, %b) : (f32, i32, f32) -> ()
  "test.br"(%r#0) [^bb1] : (i32) -> ()
^bb1(%c: i32):
  "test.ret"(%c) : (i32) -> ()
}, {
}) : () -> ()

// Separate result names bind consecutive results.
// CHECK: %[[X:.*]]:3 = "test.three"() : () -> (i1, i2, i3)
// CHECK: "test.sink"(%[[X]]#2, %[[X]]#0) : (i3, i1) -> ()
%x, %y:2 = "test.three"() : () -> (i1, i2, i3)
"test.sink"(%y#1, %x) : (i3, i1) -> ()
