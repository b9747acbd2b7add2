// RUN: dl-opt %s --canonicalize | FileCheck %s
// Constant folding of math ops on f32/f64 scalars and integers.

// CHECK-LABEL: func.func @fold_float
// CHECK-DAG: %[[SQ:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-DAG: %[[FL:.*]] = arith.constant -2.000000e+00 : f64
// CHECK-DAG: %[[AB:.*]] = arith.constant 2.500000e+00 : f32
// CHECK-DAG: %[[RE:.*]] = arith.constant 2.000000e+00 : f32
// Like upstream, fpowi and fma are not folded.
// CHECK-DAG: %[[PW:.*]] = math.fpowi
// CHECK-DAG: %[[FMA:.*]] = math.fma
// CHECK: return %[[SQ]], %[[FL]], %[[AB]], %[[RE]], %[[PW]], %[[FMA]]
func.func @fold_float() -> (f32, f64, f32, f32, f32, f32) {
  %nine = arith.constant 9.0 : f32
  %m = arith.constant -1.5 : f64
  %n = arith.constant -2.5 : f32
  %two = arith.constant 2.0 : f32
  %three = arith.constant 3 : i32
  %one = arith.constant 1.0 : f32
  %0 = math.sqrt %nine : f32
  %1 = math.floor %m : f64
  %2 = math.absf %n : f32
  %r = math.roundeven %n : f32
  %3 = math.absf %r : f32
  %4 = math.fpowi %two, %three : f32, i32
  %three_f = arith.constant 3.0 : f32
  %5 = math.fma %two, %three_f, %one : f32
  return %0, %1, %2, %3, %4, %5 : f32, f64, f32, f32, f32, f32
}

// CHECK-LABEL: func.func @fold_int
// CHECK-DAG: %[[C31:.*]] = arith.constant 31 : i32
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : i32
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : i32
// CHECK-DAG: %[[C81:.*]] = arith.constant 81 : i32
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : i32
// CHECK: return %[[C31]], %[[C0]], %[[C32]], %[[C81]], %[[C5]]
func.func @fold_int() -> (i32, i32, i32, i32, i32) {
  %one = arith.constant 1 : i32
  %m1 = arith.constant -1 : i32
  %three = arith.constant 3 : i32
  %four = arith.constant 4 : i32
  %m5 = arith.constant -5 : i32
  %0 = math.ctlz %one : i32
  %1 = math.cttz %one : i32
  %2 = math.ctpop %m1 : i32
  %3 = math.ipowi %three, %four : i32
  %4 = math.absi %m5 : i32
  return %0, %1, %2, %3, %4 : i32, i32, i32, i32, i32
}

// CHECK-LABEL: func.func @classify
// CHECK-DAG: %[[T:.*]] = arith.constant true
// CHECK-DAG: %[[F:.*]] = arith.constant false
// CHECK: return %[[T]], %[[F]], %[[F]]
func.func @classify() -> (i1, i1, i1) {
  %nan = arith.constant 0x7FC00000 : f32
  %one = arith.constant 1.0 : f32
  %0 = math.isnan %nan : f32
  %1 = math.isinf %one : f32
  %2 = math.isfinite %nan : f32
  return %0, %1, %2 : i1, i1, i1
}
