// RUN: dl-opt %s --split-input-file --lower-graph-to-te | FileCheck %s

// CHECK-LABEL: func.func @relu
// CHECK: %[[R:.+]] = te.compute (%[[I:.+]], %[[J:.+]]) ins(%arg0 : tensor<2x3xf32>) -> tensor<2x3xf32> {
// CHECK:   %[[X:.+]] = te.extract %arg0[%[[I]], %[[J]]] : tensor<2x3xf32>
// CHECK:   %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:   %[[M:.+]] = arith.maximumf %[[X]], %[[Z]] : f32
// CHECK:   te.yield %[[M]] : f32
// CHECK: return %[[R]]
func.func @relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @sigmoid
// CHECK: te.compute
// CHECK:   arith.negf
// CHECK:   math.exp
// CHECK:   arith.addf
// CHECK:   arith.divf
func.func @sigmoid(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @math
// CHECK: math.tanh
// CHECK: math.exp
// CHECK: math.erf
// CHECK: math.sqrt
// CHECK: arith.maximumf
// CHECK: arith.minimumf
func.func @math(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.tanh %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.exp %0 : (tensor<4xf32>) -> tensor<4xf32>
  %2 = graph.erf %1 : (tensor<4xf32>) -> tensor<4xf32>
  %3 = graph.sqrt %2 : (tensor<4xf32>) -> tensor<4xf32>
  %4 = graph.clamp %3 {min = 0.0 : f32, max = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// Numpy broadcasting: a size-1 dimension reads index 0, a missing leading
// dimension is dropped.
// CHECK-LABEL: func.func @broadcast_add
// CHECK: te.compute (%[[N:.+]], %[[C:.+]], %[[H:.+]]) ins(%arg0, %arg1 : tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> {
// CHECK:   %[[Z:.+]] = arith.constant 0 : index
// CHECK:   %[[A:.+]] = te.extract %arg0[%[[N]], %[[C]], %[[H]]] : tensor<2x3x4xf32>
// CHECK:   %[[B:.+]] = te.extract %arg1[%[[C]], %[[Z]]] : tensor<3x1xf32>
// CHECK:   arith.addf %[[A]], %[[B]] : f32
func.func @broadcast_add(%x: tensor<2x3x4xf32>, %b: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = graph.add %x, %b : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @int_ops
// CHECK: arith.subi
// CHECK: arith.maxsi
// CHECK: arith.divsi
func.func @int_ops(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.sub %x, %y : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = graph.max %0, %y : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %2 = graph.div %1, %x : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %2 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @broadcast_to
// CHECK: te.compute (%[[I:.+]], %[[J:.+]]) ins(%arg0 : tensor<3xf32>) -> tensor<2x3xf32> {
// CHECK:   te.extract %arg0[%[[J]]] : tensor<3xf32>
func.func @broadcast_to(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = graph.broadcast_to %x : (tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Constants stay graph.constant at the te level.
// CHECK-LABEL: func.func @constant
// CHECK: %[[C:.+]] = graph.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK: te.compute (%{{.+}}) ins(%arg0, %[[C]] : tensor<4xf32>, tensor<4xf32>)
func.func @constant(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = graph.constant dense<1.0> : tensor<4xf32>
  %0 = graph.mul %x, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @batch_norm
// CHECK: te.compute (%{{.+}}, %[[C:.+]], %{{.+}}, %{{.+}}) ins(%arg0, %arg1, %arg2, %arg3, %arg4 : {{.*}}) -> tensor<1x2x3x3xf32> {
// CHECK:   te.extract %arg3[%[[C]]] : tensor<2xf32>
// CHECK:   te.extract %arg4[%[[C]]] : tensor<2xf32>
// CHECK:   arith.constant 9.99999974E-6 : f32
// CHECK:   math.sqrt
// CHECK:   arith.divf
func.func @batch_norm(%x: tensor<1x2x3x3xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  %0 = graph.batch_norm %x, %s, %b, %m, %v : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// Float mod without fmod follows numpy: the sign of the divisor.
// CHECK-LABEL: func.func @float_mod
// CHECK: arith.remf
// CHECK: arith.cmpf une
// CHECK: arith.addf
// CHECK: arith.select
func.func @float_mod(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.elementwise "mod" %a, %b {fmod = 0 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
