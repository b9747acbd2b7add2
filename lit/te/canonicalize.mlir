// RUN: dl-opt %s --split-input-file --canonicalize | FileCheck %s

// A compute that forwards its input is replaced by the input.
// CHECK-LABEL: func.func @forward
// CHECK-NOT: te.compute
// CHECK: return %arg0 : tensor<2x3xf32>
func.func @forward(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = te.compute (%i, %j) ins(%a : tensor<2x3xf32>) -> tensor<2x3xf32> {
    %x = te.extract %a[%i, %j] : tensor<2x3xf32>
    te.yield %x : f32
  }
  return %0 : tensor<2x3xf32>
}

// -----

// A pure-read producer (a transpose) is inlined into its consumer's reads;
// the producer, now unused, is dropped.
// CHECK-LABEL: func.func @inline_transpose
// CHECK: %[[R:.+]] = te.compute (%[[I:.+]], %[[J:.+]]) ins(%arg0 : tensor<3x2xf32>) -> tensor<2x3xf32> {
// CHECK:   %[[X:.+]] = te.extract %arg0[%[[J]], %[[I]]] : tensor<3x2xf32>
// CHECK:   math.exp %[[X]] : f32
// CHECK-NOT: te.compute
// CHECK: return %[[R]]
func.func @inline_transpose(%a: tensor<3x2xf32>) -> tensor<2x3xf32> {
  %t = te.compute (%i, %j) ins(%a : tensor<3x2xf32>) -> tensor<2x3xf32> {
    %x = te.extract %a[%j, %i] : tensor<3x2xf32>
    te.yield %x : f32
  }
  %0 = te.compute (%i, %j) ins(%t : tensor<2x3xf32>) -> tensor<2x3xf32> {
    %x = te.extract %t[%i, %j] : tensor<2x3xf32>
    %e = math.exp %x : f32
    te.yield %e : f32
  }
  return %0 : tensor<2x3xf32>
}

// -----

// Unused computes are dropped; inputs no longer read are pruned.
// CHECK-LABEL: func.func @dead
// CHECK: te.compute (%{{.+}}) ins(%arg0 : tensor<4xf32>) -> tensor<4xf32>
// CHECK-NOT: te.compute
func.func @dead(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %unused = te.compute (%i) ins(%a : tensor<4xf32>) -> tensor<4xf32> {
    %x = te.extract %a[%i] : tensor<4xf32>
    %e = math.exp %x : f32
    te.yield %e : f32
  }
  %0 = te.compute (%i) ins(%a, %b : tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
    %x = te.extract %a[%i] : tensor<4xf32>
    %e = math.exp %x : f32
    te.yield %e : f32
  }
  return %0 : tensor<4xf32>
}

// -----

// Reads of constants at constant indices (or of splats) fold to scalars.
// CHECK-LABEL: func.func @constant_extract
// CHECK-DAG: %[[C3:.+]] = arith.constant 3.000000e+00 : f32
// CHECK-DAG: %[[C5:.+]] = arith.constant 5.000000e-01 : f32
// CHECK: te.compute (%[[I:.+]]) ins(%arg0 : tensor<4xf32>) -> tensor<4xf32> {
// CHECK-NOT: te.extract %{{.*}} : tensor<2x2xf32>
// CHECK: return
func.func @constant_extract(%a: tensor<4xf32>) -> tensor<4xf32> {
  %w = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %s = graph.constant dense<0.5> : tensor<4xf32>
  %0 = te.compute (%i) ins(%a, %w, %s : tensor<4xf32>, tensor<2x2xf32>, tensor<4xf32>) -> tensor<4xf32> {
    %c1 = arith.constant 1 : index
    %c0 = arith.constant 0 : index
    %x = te.extract %a[%i] : tensor<4xf32>
    %y = te.extract %w[%c1, %c0] : tensor<2x2xf32>
    %z = te.extract %s[%i] : tensor<4xf32>
    %m = arith.mulf %x, %y : f32
    %r = arith.addf %m, %z : f32
    te.yield %r : f32
  }
  return %0 : tensor<4xf32>
}
