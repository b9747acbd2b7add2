// Float literals print like LLVM's APFloat: a six-significant-digit `%e`
// form when it reads back exactly, else enough digits to round-trip, else
// the bit pattern in hex (inf, NaN, and integers too long to show a '.').
// RUN: dl-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: dl-opt %s --allow-unregistered-dialect | dl-opt --allow-unregistered-dialect | FileCheck %s

// CHECK: a = 9.9999999999999995E-8 : f64
// CHECK-SAME: b = 1.23456705 : f32
// CHECK-SAME: c = 4.582810e-41 : f32
// CHECK-SAME: d = 0.333333343 : f32
// CHECK-SAME: e = 1.000000e-07 : f32
// CHECK-SAME: f = 1.000000e+08 : f64
// CHECK-SAME: g = 1.000000e+20 : f64
// CHECK-SAME: h = 3.14159265358979 : f64
// CHECK-SAME: i = 6.550400e+04 : f16
// CHECK-SAME: j = 1.000980e-01 : bf16
// CHECK-SAME: k = 2.497430e-05 : f16
// CHECK-SAME: l = 0x419D6F3454000000 : f64
// CHECK-SAME: m = 0x7F800000 : f32
// CHECK-SAME: n = 0xFFF8000000000000 : f64
"t.a"() {a = 1.0e-7 : f64, b = 1.234567 : f32, c = 0x7FC0 : f32, d = 0.333333343 : f32, e = 1.0e-7 : f32, f = 100000000.0 : f64, g = 1.0e20 : f64, h = 3.14159265358979 : f64, i = 65504.0 : f16, j = 0.1 : bf16, k = 2.5e-5 : f16, l = 123456789.0 : f64, m = 0x7F800000 : f32, n = 0xFFF8000000000000 : f64}: () -> ()
