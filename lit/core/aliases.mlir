// Attribute and type aliases are resolved when parsing; builtin values are
// printed inline (mlir-opt aliases only affine maps, sets and locations).
// RUN: dl-opt %s --allow-unregistered-dialect | FileCheck %s

#a = {k = 1 : i32}
!t = tensor<4xf32>
!u = !t
#arr = [#a, 2]

// CHECK-NOT: #a =
// CHECK: "test.op"() {x = {k = 1 : i32}, y = [{k = 1 : i32}, 2]} : () -> tensor<4xf32>
%0 = "test.op"() {x = #a, y = #arr} : () -> !u
