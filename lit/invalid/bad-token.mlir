// RUN: not dl-opt %s --allow-unregistered-dialect 2>&1 | FileCheck %s
// CHECK: bad-token.mlir:[[@LINE+3]]:12: error: unexpected character
// CHECK-NEXT: "test.a"() $ : () -> ()
// CHECK-NEXT: {{^}}           ^
"test.a"() $ : () -> ()
