// RUN: dl-opt %s --split-input-file --verify-diagnostics | dl-opt --split-input-file | FileCheck %s

// loop.constant round-trips.
// CHECK-LABEL: func.func @c
// CHECK: %{{.+}} = loop.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32> : memref<2xf32>
func.func @c() {
  %0 = loop.constant dense<[1.0, 2.0]> : tensor<2xf32> : memref<2xf32>
  return
}

// -----

func.func @bad() {
  // expected-error@+1 {{'loop.constant' op expects the value's shape and element type to match the result memref}}
  %0 = loop.constant dense<[1.0, 2.0]> : tensor<2xf32> : memref<3xf32>
  return
}

