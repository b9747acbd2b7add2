// RUN: dl-opt %s --split-input-file --verify-diagnostics --lower-graph-to-te | FileCheck %s

// Run-time (`?`) dimensions: each compute lists its dynamic extents in
// `dims(...)`, read from the operands with `te.dim` (a dynamic dimension
// never broadcasts; matmul's rows come from its left operand).
// CHECK-LABEL: func.func @mlp
// CHECK: %[[B:.+]] = te.dim %arg0, 0 : tensor<?x4xf32>
// CHECK: te.compute ({{.+}}) reduce ({{.+}}) ins(%arg0, %arg1 : tensor<?x4xf32>, tensor<4x3xf32>) dims(%[[B]]) {combiner = "add", reduce_extents = array<i64: 4>} -> tensor<?x3xf32>
// CHECK: te.compute ({{.+}}) ins({{.+}} : tensor<?x3xf32>, tensor<3xf32>) dims(%{{.+}}) -> tensor<?x3xf32>
func.func @mlp(%x: tensor<?x4xf32>, %w: tensor<4x3xf32>, %b: tensor<3xf32>) -> tensor<?x3xf32> {
  %y = graph.matmul %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %z = graph.add %y, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %z : tensor<?x3xf32>
}

// -----

// A softmax over a dynamic axis: the max and sum reductions have a
// dynamic reduction extent (after the result extents in `dims`).
// CHECK-LABEL: func.func @softmax
// CHECK: te.dim %arg0, 0
// CHECK: te.dim %arg0, 1
// CHECK: %[[R:.+]] = te.dim %arg0, 0 : tensor<?x?xf32>
// CHECK: %[[C:.+]] = te.dim %arg0, 1 : tensor<?x?xf32>
// CHECK: te.compute ({{.+}}) reduce ({{.+}}) ins(%arg0 : tensor<?x?xf32>) dims(%[[R]], %[[C]]) {combiner = "max", reduce_extents = array<i64: -9223372036854775808>} -> tensor<?x1xf32>
func.func @softmax(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %y = graph.softmax %x {axis = 1 : i64} : (tensor<?x?xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// reshape keeps ONNX's 0 (copy) and -1 (inferred) for dynamic dimensions;
// -1 is the element count divided by the other extents.
// CHECK-LABEL: func.func @reshape
// CHECK: %[[D0:.+]] = te.dim %arg0, 0 : tensor<?x?x6xf32>
// CHECK: arith.muli
// CHECK: %[[Q:.+]] = arith.divsi %{{.+}}, %{{.+}} : index
// CHECK: te.compute ({{.+}}) ins(%arg0 : tensor<?x?x6xf32>) dims(%[[D0]], %[[Q]]) -> tensor<?x?x2xf32>
// CHECK: arith.remsi
func.func @reshape(%x: tensor<?x?x6xf32>) -> tensor<?x?x2xf32> {
  %y = graph.reshape %x {shape = array<i64: 0, -1, 2>} : (tensor<?x?x6xf32>) -> tensor<?x?x2xf32>
  return %y : tensor<?x?x2xf32>
}

// -----

// Ops whose lowering does not handle run-time dimensions say so.
func.func @unsupported(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error@+1 {{'graph.cumsum' does not support run-time (`?`) dimensions yet}}
  %y = graph.cumsum %x {axis = 1 : i64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
