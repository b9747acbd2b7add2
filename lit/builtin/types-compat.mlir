// Every builtin type and the common attribute kinds print exactly as
// upstream mlir-opt prints them, in custom and generic form.
// REQUIRES: mlir-opt
// RUN: dl-opt %s --allow-unregistered-dialect > %t.dl
// RUN: mlir-opt %s --allow-unregistered-dialect > %t.up
// RUN: diff %t.dl %t.up
// RUN: dl-opt %s --allow-unregistered-dialect --mlir-print-op-generic | mlir-opt --allow-unregistered-dialect | diff - %t.up
// RUN: mlir-opt %s --allow-unregistered-dialect --mlir-print-op-generic | dl-opt --allow-unregistered-dialect | diff - %t.up
// RUN: dl-opt %t.dl --allow-unregistered-dialect | diff - %t.dl

"test.t"() {a = i1, b = si8, c = ui16, d = index, e = f16, f = bf16, g = f64, h = f80, i = f128, j = tf32, k = f8E4M3FN, l = complex<f32>, m = tensor<?x4xf32>, n = tensor<*xi8>, o = memref<4x?xf32, 1>, p = memref<*xf32>, q = vector<[4]x8xf32>, r = vector<f32>, s = (i32, f32) -> (), t = () -> (i32, i32), u = tuple<i32, tuple<>>, v = none, w = i1000, x = memref<2x3xf32, strided<[3, 1], offset: ?>>, y = !foo.bar<1, "x">, z = tensor<4xf32, #foo.enc>, aa = () -> (() -> ()), bb = f8E5M2, cc = vector<2x[4]xi1>} : () -> ()
"test.a"() {a = 1 : i8, b = -1 : i32, c = 255 : ui8, d = 3 : index, e = 0x7FC00000 : f32, f = 1.5 : f16, g = 0.1 : f64, h = 1.0e10 : f32, i = "esc\"\n\t\\x", j = unit, k = true, l = false, m = @a::@b::@"c d", n = {x, y = 2}, o = [], p = array<i1: true, false>, q = array<f32: 1.0, 2.5>, r = array<i8>, s = #foo.attr<[x]>, t = "typed" : i32, u = -0.0 : f32, v = 123456789.125 : f64, w = 1.0e-7 : f32, x = 0x7FF0000000000000 : f64, y = 3.0 : bf16, zz = 9223372036854775807 : i64, z2 = -9223372036854775808, z3 = 18446744073709551615 : ui64} : () -> ()
