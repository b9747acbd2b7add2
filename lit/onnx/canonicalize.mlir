// RUN: dl-opt %s --canonicalize --split-input-file | FileCheck %s
// Cheap constant folding: Identity, Reshape/Flatten (the blob is shared,
// only the type changes) and Transpose of constants.

// CHECK-LABEL: func.func @identity
func.func @identity(%x: tensor<2xf32>) -> tensor<2xf32> {
  // CHECK-NEXT: return %arg0
  %0 = onnx.Identity %x : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @reshape_dense
func.func @reshape_dense() -> tensor<3x2xi32> {
  // CHECK-NEXT: %[[C:.+]] = onnx.Constant dense<{{\[\[}}1, 2], [3, 4], [5, 6]]> : tensor<3x2xi32>
  // CHECK-NEXT: return %[[C]]
  %c = onnx.Constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %s = onnx.Constant dense<[3, -1]> : tensor<2xi64>
  %0 = onnx.Reshape %c, %s : (tensor<2x3xi32>, tensor<2xi64>) -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}

// CHECK-LABEL: func.func @transpose_dense
func.func @transpose_dense() -> tensor<3x2xi32> {
  // CHECK-NEXT: %[[C:.+]] = onnx.Constant dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi32>
  // CHECK-NEXT: return %[[C]]
  %c = onnx.Constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %0 = onnx.Transpose %c : (tensor<2x3xi32>) -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}

// CHECK-LABEL: func.func @transpose_3d
func.func @transpose_3d() -> tensor<2x2x2xi32> {
  // CHECK-NEXT: onnx.Constant dense<{{\[\[\[}}0, 4], [1, 5]], {{\[\[}}2, 6], [3, 7]]]> : tensor<2x2x2xi32>
  %c = onnx.Constant dense<[[[0, 1], [2, 3]], [[4, 5], [6, 7]]]> : tensor<2x2x2xi32>
  %0 = onnx.Transpose %c {perm = [1, 2, 0]} : (tensor<2x2x2xi32>) -> tensor<2x2x2xi32>
  return %0 : tensor<2x2x2xi32>
}

// CHECK-LABEL: func.func @flatten_resource
func.func @flatten_resource() -> tensor<2x4xf32> {
  // CHECK-NEXT: %[[C:.+]] = onnx.Constant dense_resource<blob> : tensor<2x4xf32>
  // CHECK-NEXT: return %[[C]]
  %c = onnx.Constant dense_resource<blob> : tensor<2x2x2xf32>
  %0 = onnx.Flatten %c : (tensor<2x2x2xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @not_constant
func.func @not_constant(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // CHECK: onnx.Transpose
  %0 = onnx.Transpose %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x040000000000803F0000004000004040000080400000A0400000C0400000E04000000041"
    }
  }
#-}
