// RUN: dl-opt %s --canonicalize --split-input-file | FileCheck %s
// Constant folding of arith ops: wrap-around at the type's width, no
// folding of division by zero or of out-of-range shifts, APFloat rounding.

// CHECK-LABEL: func.func @addi_wrap
// CHECK-NEXT: %[[C:.*]] = arith.constant -128 : i8
// CHECK-NEXT: return %[[C]] : i8
func.func @addi_wrap() -> i8 {
  %a = arith.constant 127 : i8
  %b = arith.constant 1 : i8
  %r = arith.addi %a, %b : i8
  return %r : i8
}

// -----

// CHECK-LABEL: func.func @muli_wrap
// CHECK-NEXT: %[[C:.*]] = arith.constant 0 : i16
// CHECK-NEXT: return %[[C]]
func.func @muli_wrap() -> i16 {
  %a = arith.constant 256 : i16
  %r = arith.muli %a, %a : i16
  return %r : i16
}

// -----

// CHECK-LABEL: func.func @div_by_zero
// CHECK: arith.divsi
// CHECK: arith.divui
// CHECK: arith.remsi
// CHECK: arith.remui
func.func @div_by_zero() -> (i32, i32, i32, i32) {
  %a = arith.constant 7 : i32
  %z = arith.constant 0 : i32
  %0 = arith.divsi %a, %z : i32
  %1 = arith.divui %a, %z : i32
  %2 = arith.remsi %a, %z : i32
  %3 = arith.remui %a, %z : i32
  return %0, %1, %2, %3 : i32, i32, i32, i32
}

// -----

// CHECK-LABEL: func.func @divsi_overflow
// CHECK: arith.divsi
func.func @divsi_overflow() -> i8 {
  %a = arith.constant -128 : i8
  %b = arith.constant -1 : i8
  %0 = arith.divsi %a, %b : i8
  return %0 : i8
}

// -----

// CHECK-LABEL: func.func @div_rem
// CHECK-DAG: arith.constant -3 : i32
// CHECK-DAG: arith.constant -4 : i32
// CHECK-DAG: arith.constant -1 : i32
// CHECK-DAG: arith.constant 1431655763 : i32
// CHECK-NOT: arith.divsi
// CHECK-NOT: arith.floordivsi
func.func @div_rem() -> (i32, i32, i32, i32, i32) {
  %a = arith.constant -7 : i32
  %b = arith.constant 2 : i32
  %c = arith.constant 3 : i32
  %0 = arith.divsi %a, %b : i32
  %1 = arith.floordivsi %a, %b : i32
  %2 = arith.remsi %a, %b : i32
  %3 = arith.ceildivsi %a, %b : i32
  %4 = arith.divui %a, %c : i32
  return %0, %1, %2, %3, %4 : i32, i32, i32, i32, i32
}

// -----

// CHECK-LABEL: func.func @shifts
// CHECK-DAG: arith.constant -16 : i8
// CHECK-DAG: arith.constant -8 : i8
// CHECK-DAG: arith.constant 120 : i8
// CHECK: arith.shli
// CHECK-NOT: arith.shrsi
func.func @shifts() -> (i8, i8, i8, i8) {
  %a = arith.constant -16 : i8
  %one = arith.constant 1 : i8
  %big = arith.constant 8 : i8
  %0 = arith.shrsi %a, %one : i8
  %1 = arith.shrui %a, %one : i8
  %2 = arith.shli %a, %big : i8
  %3 = arith.shli %0, %one : i8
  return %0, %1, %2, %3 : i8, i8, i8, i8
}

// -----

// 1/3 rounded to f32 (not f64) has bit pattern 0x3EAAAAAB.
// CHECK-LABEL: func.func @float_round
// CHECK-NEXT: %[[C:.*]] = arith.constant 1051372203 : i32
// CHECK-NEXT: return %[[C]]
func.func @float_round() -> i32 {
  %a = arith.constant 1.0 : f32
  %b = arith.constant 3.0 : f32
  %r = arith.divf %a, %b : f32
  %i = arith.bitcast %r : f32 to i32
  return %i : i32
}

// -----

// CHECK-LABEL: func.func @float_nan
// CHECK-NEXT: %[[C:.*]] = arith.constant 0x7FC00000 : f32
// CHECK-NEXT: return %[[C]]
func.func @float_nan() -> f32 {
  %z = arith.constant 0.0 : f32
  %r = arith.divf %z, %z : f32
  return %r : f32
}

// -----

// CHECK-LABEL: func.func @minmax_nan
// CHECK-DAG: %[[NAN:.*]] = arith.constant 0x7FC00000 : f32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: return %[[NAN]], %[[ONE]]
func.func @minmax_nan() -> (f32, f32) {
  %n = arith.constant 0x7FC00000 : f32
  %one = arith.constant 1.0 : f32
  %0 = arith.maximumf %n, %one : f32
  %1 = arith.maxnumf %n, %one : f32
  return %0, %1 : f32, f32
}

// -----

// CHECK-LABEL: func.func @cmp
// CHECK-DAG: %[[T:.*]] = arith.constant true
// CHECK-DAG: %[[F:.*]] = arith.constant false
// CHECK: return %[[T]], %[[F]], %[[T]], %[[F]]
func.func @cmp() -> (i1, i1, i1, i1) {
  %a = arith.constant -1 : i32
  %b = arith.constant 1 : i32
  %n = arith.constant 0x7FC00000 : f32
  %0 = arith.cmpi slt, %a, %b : i32
  %1 = arith.cmpi ult, %a, %b : i32
  %2 = arith.cmpf une, %n, %n : f32
  %3 = arith.cmpf oeq, %n, %n : f32
  return %0, %1, %2, %3 : i1, i1, i1, i1
}

// -----

// CHECK-LABEL: func.func @casts
// CHECK-DAG: arith.constant 255 : i32
// CHECK-DAG: arith.constant -1 : i32
// CHECK-DAG: arith.constant 44 : i8
// CHECK-DAG: arith.constant -3.000000e+00 : f32
// CHECK-DAG: arith.constant 2 : i32
// CHECK-DAG: arith.constant 1065353216 : i32
func.func @casts() -> (i32, i32, i8, f32, i32, i32) {
  %m1 = arith.constant -1 : i8
  %big = arith.constant 300 : i32
  %f = arith.constant 2.7 : f32
  %one = arith.constant 1.0 : f32
  %i = arith.constant -3 : i32
  %0 = arith.extui %m1 : i8 to i32
  %1 = arith.extsi %m1 : i8 to i32
  %2 = arith.trunci %big : i32 to i8
  %3 = arith.sitofp %i : i32 to f32
  %4 = arith.fptosi %f : f32 to i32
  %5 = arith.bitcast %one : f32 to i32
  return %0, %1, %2, %3, %4, %5 : i32, i32, i8, f32, i32, i32
}

// -----

// CHECK-LABEL: func.func @splat
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<5> : vector<4xi32>
// CHECK-NEXT: return %[[C]]
func.func @splat() -> vector<4xi32> {
  %a = arith.constant dense<2> : vector<4xi32>
  %b = arith.constant dense<3> : vector<4xi32>
  %r = arith.addi %a, %b : vector<4xi32>
  return %r : vector<4xi32>
}
