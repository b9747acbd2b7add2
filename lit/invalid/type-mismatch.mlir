// RUN: not dl-opt %s --allow-unregistered-dialect 2>&1 | FileCheck %s
%0 = "test.a"() : () -> i32
// CHECK: type-mismatch.mlir:[[@LINE+1]]:10: error: use of value '%0' expects different type than prior uses: 'i64' vs 'i32'
"test.b"(%0) : (i64) -> ()
