// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --canonicalize | FileCheck %s --check-prefix=CANON

// Run-time extents: `?` result dimensions and dynamic reduction extents
// take their values from `dims(...)` (result dimensions first), and
// `te.dim` reads one extent. Both round-trip.
// CHECK-LABEL: func.func @row_sum
// CHECK: %[[N:.+]] = te.dim %arg0, 0 : tensor<?x?xf32>
// CHECK: %[[K:.+]] = te.dim %arg0, 1 : tensor<?x?xf32>
// CHECK: te.compute (%{{.+}}) reduce (%{{.+}}) ins(%arg0 : tensor<?x?xf32>) dims(%[[N]], %[[K]]) {combiner = "add", reduce_extents = array<i64: -9223372036854775808>} -> tensor<?xf32>
func.func @row_sum(%x: tensor<?x?xf32>) -> tensor<?xf32> {
  %n = te.dim %x, 0 : tensor<?x?xf32>
  %k = te.dim %x, 1 : tensor<?x?xf32>
  %s = te.compute (%i) reduce (%j) ins(%x : tensor<?x?xf32>) dims(%n, %k) {combiner = "add", reduce_extents = array<i64: -9223372036854775808>} -> tensor<?xf32> {
    %v = te.extract %x[%i, %j] : tensor<?x?xf32>
    te.yield %v : f32
  }
  return %s : tensor<?xf32>
}

// `te.dim` of a compute's dynamic dimension folds to its `dims` operand,
// of a static dimension to a constant.
// CANON-LABEL: func.func @fold_dims
// CANON: %[[N:.+]] = te.dim %arg0, 0 : tensor<?x4xf32>
// CANON-NOT: te.dim
// CANON: return %[[N]], %c4 : index, index
func.func @fold_dims(%x: tensor<?x4xf32>) -> (index, index) {
  %n = te.dim %x, 0 : tensor<?x4xf32>
  %y = te.compute (%i, %j) ins(%x : tensor<?x4xf32>) dims(%n) -> tensor<?x4xf32> {
    %v = te.extract %x[%i, %j] : tensor<?x4xf32>
    %w = arith.addf %v, %v : f32
    te.yield %w : f32
  }
  %a = te.dim %y, 0 : tensor<?x4xf32>
  %b = te.dim %y, 1 : tensor<?x4xf32>
  return %a, %b : index, index
}

// An identity read is forwarded only when its extents are the source's.
// CANON-LABEL: func.func @identity_dims
// CANON: return %arg0
func.func @identity_dims(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %n = te.dim %x, 0 : tensor<?x4xf32>
  %y = te.compute (%i, %j) ins(%x : tensor<?x4xf32>) dims(%n) -> tensor<?x4xf32> {
    %v = te.extract %x[%i, %j] : tensor<?x4xf32>
    te.yield %v : f32
  }
  return %y : tensor<?x4xf32>
}

// CANON-LABEL: func.func @not_identity
// CANON: te.compute
func.func @not_identity(%x: tensor<?x4xf32>, %m: index) -> tensor<?x4xf32> {
  %y = te.compute (%i, %j) ins(%x : tensor<?x4xf32>) dims(%m) -> tensor<?x4xf32> {
    %v = te.extract %x[%i, %j] : tensor<?x4xf32>
    te.yield %v : f32
  }
  return %y : tensor<?x4xf32>
}
