// RUN: dl-opt %s --lower-onnx-to-graph | FileCheck %s
// RUN: dl-opt %s --lower-onnx-to-graph | dl-opt | FileCheck %s
// RUN: dl-opt %s --lower-onnx-to-graph --lower-graph-to-te | FileCheck %s --check-prefix=TE
// RUN: dl-opt %s --lower-onnx-to-graph --lower-graph-to-te | dl-opt | FileCheck %s --check-prefix=TE
// RUN: dl-opt %s --lower-onnx-to-graph --fuse-ops --lower-to-loops --lower-to-llvm 2>/dev/null | dl-opt | FileCheck %s --check-prefix=LLVM

// Operators whose result extents depend on the data: the count of non-zero
// elements, of selected boxes. graph keeps them as ops with a `?` extent;
// graph-to-te makes each a te.kernel bounded by the element (box) count.

// CHECK-LABEL: func.func @nonzero
// CHECK: graph.nonzero %arg0 : (tensor<2x3xi1>) -> tensor<2x?xi64>
// TE-LABEL: func.func @nonzero
// TE: te.kernel (%{{.+}} = %arg0) outs(%[[O:.+]]) {bounds = array<i64: 6>} : (tensor<2x3xi1>) -> tensor<2x?xi64>
// Count, then store each coordinate in its row: rows are `count` long.
// TE: %[[N:.+]] = loop.for
// TE: arith.cmpi ne
// TE: loop.for
// TE: arith.muli %[[N]], %c0
// TE: loop.store %{{.+}}, %[[O]][%{{.+}}] : memref<?xi64>
// TE: te.yield %[[N]] : index
// LLVM-LABEL: llvm.func @nonzero(
// LLVM-SAME: %arg3: !llvm.ptr, %arg4: !llvm.ptr) -> i32
// LLVM-LABEL: llvm.func @nonzero_output_shapes
func.func @nonzero(%x: tensor<2x3xi1>) -> tensor<2x?xi64> {
  %r = onnx.NonZero %x : (tensor<2x3xi1>) -> tensor<2x?xi64>
  return %r : tensor<2x?xi64>
}

// Absent optional inputs (or the empty tensors the importer makes of
// omitted ones): the maximum count and the IoU threshold become 0 (no
// output, as the spec says), an absent score threshold drops nothing. center_point_box = 1 becomes a
// unit attribute.
// CHECK-LABEL: func.func @nms_defaults
// CHECK-DAG: %[[M:.+]] = graph.constant dense<0> : tensor<i64>
// CHECK-DAG: %[[T:.+]] = graph.constant dense<0.000000e+00> : tensor<f32>
// CHECK: graph.non_max_suppression %arg0, %arg1, %[[M]], %[[T]] {center_point_box} : (tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<i64>, tensor<f32>) -> tensor<?x3xi64>
func.func @nms_defaults(%b: tensor<1x6x4xf32>, %s: tensor<1x2x6xf32>) -> tensor<?x3xi64> {
  %r = onnx.NonMaxSuppression %b, %s {center_point_box = 1 : i64} : (tensor<1x6x4xf32>, tensor<1x2x6xf32>) -> tensor<?x3xi64>
  return %r : tensor<?x3xi64>
}

// CHECK-LABEL: func.func @nms
// CHECK: graph.non_max_suppression %arg0, %arg1, %arg2, %arg3, %arg4 : (tensor<2x5x4xf32>, tensor<2x3x5xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3xi64>
// TE-LABEL: func.func @nms
// The output holds every box of every batch and class at most; the order
// and the kept boxes are scratch buffers.
// TE: te.kernel {{.+}} {bounds = array<i64: 30>}
// TE-DAG: loop.alloc() : memref<5xi64>
// TE-DAG: loop.alloc() : memref<6xi64>
// Scores compared with the threshold, IoU with the kept boxes.
// TE: arith.cmpf ogt
// TE: arith.divf
// LLVM-LABEL: llvm.func @nms(
func.func @nms(%b: tensor<2x5x4xf32>, %s: tensor<2x3x5xf32>, %m: tensor<1xi64>, %iou: tensor<1xf32>, %thr: tensor<1xf32>) -> tensor<?x3xi64> {
  %r = onnx.NonMaxSuppression %b, %s, %m, %iou, %thr : (tensor<2x5x4xf32>, tensor<2x3x5xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3xi64>
  return %r : tensor<?x3xi64>
}
