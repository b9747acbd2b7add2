// RUN: not dl-opt %s --allow-unregistered-dialect --split-input-file 2>&1 | FileCheck %s

"test.a"() ({
  "test.b"() : () -> ()
// CHECK: unbalanced-braces.mlir:[[@LINE+1]]:2: error: expected ')' to end region list
}}) : () -> ()

// -----

// CHECK: unbalanced-braces.mlir:[[@LINE+1]]:31: error: expected '}' in attribute dictionary
"test.a"() {x = [1, 2], y = 3 ] : () -> ()

// -----

// CHECK: unbalanced-braces.mlir:[[@LINE+1]]:1: error: expected operation name
}
