// RUN: dl-opt %s --split-input-file --lower-graph-to-te | FileCheck %s
// RUN: dl-opt %s --split-input-file --lower-graph-to-te --lower-te-to-loops --lower-loops-to-llvm 2>/dev/null | FileCheck %s --check-prefix=LLVM

// reduce_min on i1 is a logical and: the signed max of i1 values.
// CHECK-LABEL: func.func @reduce_min_bool
// CHECK: te.compute (%[[I:.+]], %{{.+}}) reduce (%[[K:.+]]) ins(%arg0 : tensor<2x3xi1>) {combiner = "max", reduce_extents = array<i64: 3>} -> tensor<2x1xi1> {
// CHECK:   te.extract %arg0[%[[I]], %[[K]]] : tensor<2x3xi1>
// LLVM-LABEL: llvm.func @reduce_min_bool(
func.func @reduce_min_bool(%x: tensor<2x3xi1>) -> tensor<2x1xi1> {
  %0 = graph.reduce_min %x {axes = array<i64: 1>, keepdims} : (tensor<2x3xi1>) -> tensor<2x1xi1>
  return %0 : tensor<2x1xi1>
}

// -----

// A reduction over an empty dimension is its identity.
// CHECK-LABEL: func.func @reduce_prod_empty
// CHECK: te.compute (%{{.+}}) -> tensor<2xf32> {
// CHECK:   %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK:   te.yield %[[ONE]] : f32
// CHECK-LABEL: func.func @reduce_max_empty_bool
// CHECK:   arith.constant false
func.func @reduce_prod_empty(%x: tensor<2x0xf32>) -> tensor<2xf32> {
  %0 = graph.reduce_prod %x {axes = array<i64: 1>} : (tensor<2x0xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
func.func @reduce_max_empty_bool(%x: tensor<2x0xi1>) -> tensor<2xi1> {
  %0 = graph.reduce_max %x {axes = array<i64: 1>} : (tensor<2x0xi1>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

// argmax: the max, then the last index where the input equals it.
// CHECK-LABEL: func.func @argmax_last
// CHECK: %[[M:.+]] = te.compute (%{{.+}}) reduce (%{{.+}}) ins(%arg0 : tensor<2x3xf32>) {combiner = "max", reduce_extents = array<i64: 3>} -> tensor<2xf32>
// CHECK: te.compute (%[[I:.+]]) reduce (%[[K:.+]]) ins(%arg0, %[[M]] : tensor<2x3xf32>, tensor<2xf32>) {combiner = "max", reduce_extents = array<i64: 3>} -> tensor<2xi64> {
// CHECK:   %[[X:.+]] = te.extract %arg0[%[[I]], %[[K]]]
// CHECK:   %[[MV:.+]] = te.extract %[[M]][%[[I]]]
// CHECK:   %[[EQ:.+]] = arith.cmpf oeq, %[[X]], %[[MV]] : f32
// CHECK:   %[[KI:.+]] = arith.index_cast %[[K]] : index to i64
// CHECK:   %[[MISS:.+]] = arith.constant -1 : i64
// CHECK:   arith.select %[[EQ]], %[[KI]], %[[MISS]] : i64
// LLVM-LABEL: llvm.func @argmax_last(
func.func @argmax_last(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  %0 = graph.argmax %x {axis = 1 : i64, select_last_index} : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// argmin: the first index (a min over matches, 3 for a miss).
// CHECK-LABEL: func.func @argmin_first
// CHECK: {combiner = "min", reduce_extents = array<i64: 2>} -> tensor<1x3xi32>
// CHECK: {combiner = "min", reduce_extents = array<i64: 2>} -> tensor<1x3xi64>
// CHECK:   arith.cmpi eq
// CHECK:   arith.constant 2 : i64
func.func @argmin_first(%x: tensor<2x3xi32>) -> tensor<1x3xi64> {
  %0 = graph.argmin %x {keepdims} : (tensor<2x3xi32>) -> tensor<1x3xi64>
  return %0 : tensor<1x3xi64>
}

// -----

// log_softmax: max, sum of exp(x - max), x - max - log(sum).
// CHECK-LABEL: func.func @log_softmax
// CHECK: %[[M:.+]] = te.compute {{.+}} {combiner = "max", reduce_extents = array<i64: 2>} -> tensor<1x3xf32>
// CHECK: %[[S:.+]] = te.compute {{.+}} ins(%arg0, %[[M]] : {{.+}}) {combiner = "add", reduce_extents = array<i64: 2>} -> tensor<1x3xf32>
// CHECK:   math.exp
// CHECK: te.compute (%{{.+}}, %{{.+}}) ins(%arg0, %[[M]], %[[S]] : {{.+}}) -> tensor<2x3xf32>
// CHECK:   %[[D:.+]] = arith.subf
// CHECK:   %[[L:.+]] = math.log
// CHECK:   arith.subf %[[D]], %[[L]] : f32
// LLVM-LABEL: llvm.func @log_softmax(
func.func @log_softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.log_softmax %x {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// hardmax: the first argmax, then 1 at that index along the axis.
// CHECK-LABEL: func.func @hardmax
// CHECK: {combiner = "max", reduce_extents = array<i64: 3>} -> tensor<2x1xf32>
// CHECK: %[[A:.+]] = te.compute {{.+}} {combiner = "min", reduce_extents = array<i64: 3>} -> tensor<2x1xi64>
// CHECK: te.compute (%{{.+}}, %[[J:.+]]) ins(%[[A]] : tensor<2x1xi64>) -> tensor<2x3xf32> {
// CHECK:   %[[JI:.+]] = arith.index_cast %[[J]] : index to i64
// CHECK:   %[[EQ:.+]] = arith.cmpi eq, %[[JI]], %{{.+}} : i64
// CHECK:   arith.select %[[EQ]], %{{.+}}, %{{.+}} : f32
func.func @hardmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = graph.hardmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
