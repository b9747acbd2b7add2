// Dead-op erasure by the canonicalizer at module level, byte for byte as
// upstream mlir-opt prints it.
// RUN: dl-opt %s --allow-unregistered-dialect --canonicalize | FileCheck %s
// REQUIRES: mlir-opt
// RUN: dl-opt %s --allow-unregistered-dialect --canonicalize > %t.dl
// RUN: mlir-opt %s --allow-unregistered-dialect --canonicalize > %t.up
// RUN: diff %t.dl %t.up

// CHECK-NOT: to i8
// CHECK-NOT: to i16
// CHECK: %[[A:.*]] = unrealized_conversion_cast to i64
// CHECK: "test.use"(%[[A]])
// CHECK: "test.keep"() : () -> i1
%0 = builtin.unrealized_conversion_cast to i16
%1 = builtin.unrealized_conversion_cast %0 : i16 to i8
%2 = builtin.unrealized_conversion_cast to i64
"test.use"(%2) : (i64) -> ()
%3 = "test.keep"() : () -> i1
