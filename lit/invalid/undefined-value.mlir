// RUN: not dl-opt %s --allow-unregistered-dialect 2>&1 | FileCheck %s
"test.region"() ({
  // CHECK: undefined-value.mlir:[[@LINE+1]]:14: error: use of undeclared SSA value name '%nope'
  "test.use"(%nope) : (i32) -> ()
}) : () -> ()
