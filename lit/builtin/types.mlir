// Round trip of builtin types, checked without upstream tools.
// RUN: dl-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: dl-opt %s --allow-unregistered-dialect | dl-opt --allow-unregistered-dialect | FileCheck %s

// CHECK: "test.int"() {a = i1, b = si8, c = ui16, d = i1000, e = index} : () -> ()
"test.int"() {a = i1, b = si8, c = ui16, d = i1000, e = index} : () -> ()
// CHECK: "test.float"() {a = f16, b = bf16, c = f32, d = f64, e = f80, f = f128, g = tf32, h = f8E4M3FN, i = f8E5M2, j = f4E2M1FN} : () -> ()
"test.float"() {a = f16, b = bf16, c = f32, d = f64, e = f80, f = f128, g = tf32, h = f8E4M3FN, i = f8E5M2, j = f4E2M1FN} : () -> ()
// CHECK: "test.shaped"() {a = tensor<?x4xf32>, b = tensor<*xi8>, c = tensor<f32>, d = tensor<0x3xi1>, e = vector<[4]x8xf32>, f = vector<f32>, g = memref<4x?xf32, 1>, h = memref<*xf32, 2>, i = complex<f64>} : () -> ()
"test.shaped"() {a = tensor<?x4xf32>, b = tensor<*xi8>, c = tensor<f32>, d = tensor<0x3xi1>, e = vector<[4]x8xf32>, f = vector<f32>, g = memref<4x?xf32, 1>, h = memref<*xf32, 2>, i = complex<f64>} : () -> ()
// CHECK: "test.fn"() {a = () -> (), b = (i32) -> i32, c = (i32, f32) -> (i1, i1), d = () -> (() -> ()), e = tuple<>, f = tuple<i32, tuple<f32>>, g = none} : () -> ()
"test.fn"() {a = () -> (), b = (i32) -> (i32), c = (i32, f32) -> (i1, i1), d = () -> (() -> ()), e = tuple<>, f = tuple<i32, tuple<f32>>, g = none} : () -> ()
// CHECK: "test.opaque"() {a = !foo.bar<1, "x">, b = tensor<4xf32, #foo.enc>} : () -> ()
"test.opaque"() {a = !foo.bar<1, "x">, b = tensor<4xf32, #foo.enc>} : () -> ()
