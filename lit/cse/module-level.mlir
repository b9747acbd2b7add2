// CSE of side-effect-free ops in a graph region (the module body), checked
// byte for byte against upstream mlir-opt; unregistered ops have unknown
// effects and are never merged.
// RUN: dl-opt %s --allow-unregistered-dialect --cse | FileCheck %s
// REQUIRES: mlir-opt
// RUN: dl-opt %s --allow-unregistered-dialect --cse > %t.dl
// RUN: mlir-opt %s --allow-unregistered-dialect --cse > %t.up
// RUN: diff %t.dl %t.up

// CHECK: %[[A:.*]] = unrealized_conversion_cast to i64
// CHECK-NOT: unrealized_conversion_cast to i64
// CHECK: %[[B:.*]] = unrealized_conversion_cast to f32
// CHECK: "test.use"(%[[A]], %[[A]], %[[B]])
// CHECK: %[[X:.*]] = "test.op"() : () -> i32
// CHECK: %[[Y:.*]] = "test.op"() : () -> i32
// CHECK: "test.use"(%[[X]], %[[Y]])
%0 = builtin.unrealized_conversion_cast to i64
%1 = builtin.unrealized_conversion_cast to i64
%2 = builtin.unrealized_conversion_cast to f32
"test.use"(%0, %1, %2) : (i64, i64, f32) -> ()
%3 = "test.op"() : () -> i32
%4 = "test.op"() : () -> i32
"test.use"(%3, %4) : (i32, i32) -> ()
// Dead pure ops are erased too.
// CHECK-NOT: to i8
%5 = builtin.unrealized_conversion_cast to i8
