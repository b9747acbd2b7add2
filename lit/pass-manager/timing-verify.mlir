// --mlir-timing prints mlir-opt's report shape; --verify-each accepts a
// value; --split-input-file joins outputs exactly as mlir-opt does.
// RUN: dl-opt %s --allow-unregistered-dialect --split-input-file --cse --canonicalize --mlir-timing -o %t 2>&1 | FileCheck %s --check-prefix=TIME
// TIME: ===-------------------------------------------------------------------------===
// TIME-NEXT: ... Execution time report ...
// TIME-NEXT: ===-------------------------------------------------------------------------===
// TIME-NEXT: Total Execution Time: {{[0-9]+\.[0-9]+}} seconds
// TIME-EMPTY:
// TIME-NEXT: ----Wall Time----  ----Name----
// TIME: {{[0-9]+\.[0-9]+}} ({{ *[0-9]+\.[0-9]+}}%)  Parser
// TIME: CSE
// TIME: Canonicalizer
// TIME: {{[0-9]+\.[0-9]+}} (100.0%)  Total
// RUN: dl-opt %s --allow-unregistered-dialect --split-input-file --cse --verify-each=false | FileCheck %s
// RUN: dl-opt %s --allow-unregistered-dialect --split-input-file --cse --verify-each | FileCheck %s
// CHECK: "test.use"(%0) : (i64) -> ()
// CHECK-NEXT: }
// CHECK-EMPTY:
// CHECK-NEXT: {{^//[ ]-----$}}
// CHECK-NEXT: module {
// CHECK: "test.use"(%0, %0) : (i32, i32) -> ()
// REQUIRES: mlir-opt
// RUN: dl-opt %s --allow-unregistered-dialect --split-input-file --cse > %t.dl
// RUN: mlir-opt %s --allow-unregistered-dialect --split-input-file --cse > %t.up
// RUN: diff %t.dl %t.up

%0 = builtin.unrealized_conversion_cast to i64
"test.use"(%0) : (i64) -> ()

// -----

%1 = builtin.unrealized_conversion_cast to i32
%2 = builtin.unrealized_conversion_cast to i32
"test.use"(%1, %2) : (i32, i32) -> ()
