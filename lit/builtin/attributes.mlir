// Builtin attributes: integers, floats (decimal and hex), strings with
// escapes, arrays, dense arrays, dictionaries, symbol references, unit,
// type attributes and opaque dialect attributes.
// RUN: dl-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: dl-opt %s --allow-unregistered-dialect | dl-opt --allow-unregistered-dialect | FileCheck %s

// CHECK: "test.ints"() {a = 1 : i8, b = -1 : i32, c = 255 : ui8, d = 3 : index, e = -9223372036854775808 : i64, f = 18446744073709551615 : ui64, g = -1 : i8} : () -> ()
"test.ints"() {a = 1 : i8, b = -1 : i32, c = 255 : ui8, d = 3 : index, e = -9223372036854775808, f = 18446744073709551615 : ui64, g = 255 : i8} : () -> ()
// CHECK: "test.floats"() {a = 1.500000e+00 : f16, b = 1.000000e-01 : f64, c = 0x7FC00000 : f32, d = -0.000000e+00 : f32, e = 123456789.125 : f64, f = 0x7FF0000000000000 : f64, g = 3.000000e+00 : bf16} : () -> ()
"test.floats"() {a = 1.5 : f16, b = 0.1 : f64, c = 0x7FC00000 : f32, d = -0.0 : f32, e = 123456789.125 : f64, f = 0x7FF0000000000000 : f64, g = 3.0 : bf16} : () -> ()
// CHECK: "test.strings"() {a = "esc\22\0A\09\\", b = "typed" : i32, c = ""} : () -> ()
"test.strings"() {a = "esc\"\n\t\\", b = "typed" : i32, c = ""} : () -> ()
// CHECK: "test.containers"() {a = [1, 2.500000e+00 : f32, "s", [true]], b = [], c = {x, y = 2 : i64, "z w"}, d = array<i1: true, false>, e = array<f32: 1.000000e+00, 2.500000e+00>, f = array<i8>, g = array<i64: -1, 2>} : () -> ()
"test.containers"() {a = [1, 2.5 : f32, "s", [true]], b = [], c = {x, y = 2, "z w" = unit}, d = array<i1: true, false>, e = array<f32: 1.0, 2.5>, f = array<i8>, g = array<i64: -1, 2>} : () -> ()
// CHECK: "test.refs"() {a = @a::@b::@"c d", b = @f, c = i32, d = #foo.attr<[x]>, e} : () -> ()
"test.refs"() {a = @a::@b::@"c d", b = @f, c = i32, d = #foo.attr<[x]>, e} : () -> ()
