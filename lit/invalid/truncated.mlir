// A file that ends inside a region.
// RUN: not dl-opt %s --allow-unregistered-dialect 2>&1 | FileCheck %s
// CHECK: truncated.mlir:[[@LINE+4]]:1: error: expected '}' to end region
// CHECK-NOT: error
"test.a"() ({
  "test.b"() : () -> ()
