// RUN: dl-opt %s --allow-unregistered-dialect | FileCheck %s
// REQUIRES: mlir-opt
// RUN: dl-opt %s --allow-unregistered-dialect > %t.dl && mlir-opt %s --allow-unregistered-dialect > %t.up && diff %t.dl %t.up
// arith.constant results get mlir-opt's names, with _N suffixes on conflicts.

// CHECK-LABEL: func.func @names
func.func @names() {
  // CHECK: %c0_i32 = arith.constant 0 : i32
  %0 = arith.constant 0 : i32
  // CHECK: %c0_i32_0 = arith.constant 0 : i32
  %1 = arith.constant 0 : i32
  // CHECK: %c-7_i8 = arith.constant -7 : i8
  %2 = arith.constant -7 : i8
  // CHECK: %c0 = arith.constant 0 : index
  %3 = arith.constant 0 : index
  // CHECK: %c0_1 = arith.constant 0 : index
  %4 = arith.constant 0 : index
  // CHECK: %true = arith.constant true
  %5 = arith.constant true
  // CHECK: %false = arith.constant false
  %6 = arith.constant false
  // CHECK: %cst = arith.constant 1.000000e+00 : f32
  %7 = arith.constant 1.0 : f32
  // CHECK: %cst_2 = arith.constant dense<1> : vector<2xi32>
  %8 = arith.constant dense<1> : vector<2xi32>
  // CHECK: %true_3 = arith.constant true
  %9 = arith.constant true
  "test.use"(%0, %1, %2, %3, %4, %5, %6, %7, %8, %9) : (i32, i32, i8, index, index, i1, i1, f32, vector<2xi32>, i1) -> ()
  return
}
