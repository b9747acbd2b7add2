// RUN: not dl-opt %s --allow-unregistered-dialect --split-input-file 2>&1 | FileCheck %s

// CHECK: bad-literals.mlir:[[@LINE+1]]:17: error: integer constant out of range for attribute
"test.a"() {x = 256 : i8} : () -> ()

// -----

// CHECK: bad-literals.mlir:[[@LINE+1]]:17: error: expected '"' in string literal
"test.a"() {x = "abc} : () -> ()

// -----

// CHECK: bad-literals.mlir:[[@LINE+1]]:17: error: floating point value not valid for specified type
"test.a"() {x = 1.5 : i32} : () -> ()

// -----

// CHECK: bad-literals.mlir:[[@LINE+1]]:17: error: undefined symbol alias id 'nope'
"test.a"() {x = #nope} : () -> ()
