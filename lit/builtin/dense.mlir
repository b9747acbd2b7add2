// RUN: dl-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: dl-opt %s --allow-unregistered-dialect | dl-opt --allow-unregistered-dialect | FileCheck %s
// RUN: dl-opt %s --allow-unregistered-dialect --mlir-elide-elementsattrs-if-larger=2 | FileCheck %s --check-prefix=ELIDE

// CHECK-LABEL: "test.ints"
// CHECK-SAME: a = dense<-1> : tensor<2xi8>
// CHECK-SAME: b = dense<[1, -1]> : tensor<2xsi8>
// CHECK-SAME: c = dense<[255, 2]> : tensor<2xui8>
// CHECK-SAME: d = dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi32>
// CHECK-SAME: e = dense<7> : tensor<3xindex>
// ELIDE-LABEL: "test.ints"
// ELIDE-SAME: a = dense<-1> : tensor<2xi8>
// ELIDE-SAME: d = dense_resource<__elided__> : tensor<2x2xi32>
// ELIDE-SAME: e = dense<7> : tensor<3xindex>
"test.ints"() {a = dense<255> : tensor<2xi8>, b = dense<[1, -1]> : tensor<2xsi8>, c = dense<[255, 2]> : tensor<2xui8>, d = dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>, e = dense<[7, 7, 7]> : tensor<3xindex>} : () -> ()

// CHECK-LABEL: "test.bools"
// CHECK-SAME: a = dense<true> : tensor<3xi1>
// CHECK-SAME: b = dense<[true, false]> : tensor<2xi1>
"test.bools"() {a = dense<true> : tensor<3xi1>, b = dense<[true, false]> : tensor<2xi1>} : () -> ()

// CHECK-LABEL: "test.floats"
// CHECK-SAME: a = dense<1.500000e+00> : tensor<f64>
// CHECK-SAME: b = dense<[0x7FC00000, 1.000000e+00]> : vector<2xf32>
// CHECK-SAME: c = dense<[1.000000e+00, -2.500000e+00]> : tensor<2xf16>
"test.floats"() {a = dense<1.5> : tensor<f64>, b = dense<[0x7FC00000, 1.0]> : vector<2xf32>, c = dense<[1.0, -2.5]> : tensor<2xf16>} : () -> ()

// CHECK-LABEL: "test.complex"
// CHECK-SAME: a = dense<(1,2)> : tensor<2xcomplex<i32>>
// CHECK-SAME: b = dense<[(1.000000e+00,2.500000e+00), (0.000000e+00,-1.000000e+00)]> : tensor<2xcomplex<f32>>
"test.complex"() {a = dense<(1, 2)> : tensor<2xcomplex<i32>>, b = dense<[(1.0, 2.5), (0.0, -1.0)]> : tensor<2xcomplex<f32>>} : () -> ()

// CHECK-LABEL: "test.empty_and_hex"
// CHECK-SAME: a = dense<> : tensor<0xi32>
// CHECK-SAME: b = dense<[1, 2]> : tensor<2xi32>
// CHECK-SAME: c = dense<1> : tensor<4xi32>
// CHECK-SAME: d = dense<[true, false, true]> : tensor<3xi1>
"test.empty_and_hex"() {a = dense<[]> : tensor<0xi32>, b = dense<"0x0100000002000000"> : tensor<2xi32>, c = dense<"0x01000000"> : tensor<4xi32>, d = dense<"0x05"> : tensor<3xi1>} : () -> ()
