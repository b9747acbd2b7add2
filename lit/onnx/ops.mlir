// RUN: dl-opt %s | FileCheck %s
// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | FileCheck %s
// Every onnx op, round-tripped in its custom and generic forms.

// CHECK-LABEL: func.func @cnn
func.func @cnn(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x10xf32> {
  // CHECK: onnx.Conv %{{.*}}, %{{.*}}, %{{.*}} {auto_pad = "SAME_UPPER", group = 1 : i64, kernel_shape = [3, 3], strides = [2, 2]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %0 = onnx.Conv %x, %w, %b {auto_pad = "SAME_UPPER", group = 1 : i64, kernel_shape = [3, 3], strides = [2, 2]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  // CHECK: onnx.BatchNormalization {{.*}} {epsilon = 9.99999974E-6 : f32} : (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %1 = onnx.BatchNormalization %0, %b, %b, %b, %b {epsilon = 1.0e-5 : f32} : (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  // CHECK: onnx.Relu
  %2 = onnx.Relu %1 : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  // CHECK: onnx.MaxPool %{{.*}} {ceil_mode = 1 : i64, kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x4x4x4xf32>) -> tensor<1x4x3x3xf32>
  %3 = onnx.MaxPool %2 {ceil_mode = 1 : i64, kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x4x4x4xf32>) -> tensor<1x4x3x3xf32>
  // CHECK: onnx.MaxPool {{.*}} -> (tensor<1x4x2x2xf32>, tensor<1x4x2x2xi64>)
  %y, %idx = onnx.MaxPool %2 {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x4x4x4xf32>) -> (tensor<1x4x2x2xf32>, tensor<1x4x2x2xi64>)
  // CHECK: onnx.AveragePool %{{.*}} {count_include_pad = 1 : i64, kernel_shape = [3, 3]} : (tensor<1x4x3x3xf32>) -> tensor<1x4x1x1xf32>
  %4 = onnx.AveragePool %3 {count_include_pad = 1 : i64, kernel_shape = [3, 3]} : (tensor<1x4x3x3xf32>) -> tensor<1x4x1x1xf32>
  // CHECK: onnx.GlobalAveragePool %{{.*}} : (tensor<1x4x2x2xf32>) -> tensor<1x4x1x1xf32>
  %5 = onnx.GlobalAveragePool %y : (tensor<1x4x2x2xf32>) -> tensor<1x4x1x1xf32>
  // CHECK: onnx.Concat {{.*}} {axis = 1 : i64} : (tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>) -> tensor<1x8x1x1xf32>
  %6 = onnx.Concat %4, %5 {axis = 1 : i64} : (tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>) -> tensor<1x8x1x1xf32>
  // CHECK: onnx.Flatten %{{.*}} {axis = 1 : i64} : (tensor<1x8x1x1xf32>) -> tensor<1x8xf32>
  %7 = onnx.Flatten %6 {axis = 1 : i64} : (tensor<1x8x1x1xf32>) -> tensor<1x8xf32>
  // CHECK: onnx.Constant dense_resource<fc_w> : tensor<10x8xf32>
  %fw = onnx.Constant dense_resource<fc_w> : tensor<10x8xf32>
  // CHECK: onnx.Gemm %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, transB = 1 : i64} : (tensor<1x8xf32>, tensor<10x8xf32>) -> tensor<1x10xf32>
  %8 = onnx.Gemm %7, %fw {alpha = 0.5 : f32, transB = 1 : i64} : (tensor<1x8xf32>, tensor<10x8xf32>) -> tensor<1x10xf32>
  // CHECK: onnx.Softmax %{{.*}} {axis = -1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  %9 = onnx.Softmax %8 {axis = -1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  return %9 : tensor<1x10xf32>
}

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<3x4xf32>) -> tensor<?x?xf32> {
  // CHECK: onnx.Add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = onnx.Add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Sub
  %1 = onnx.Sub %0, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Mul
  %2 = onnx.Mul %1, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Div
  %3 = onnx.Div %2, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Sigmoid
  %4 = onnx.Sigmoid %3 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Tanh
  %5 = onnx.Tanh %4 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Identity
  %6 = onnx.Identity %5 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.MatMul %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %7 = onnx.MatMul %6, %c : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  // CHECK: onnx.Transpose %{{.*}} {perm = [1, 0]} : (tensor<2x4xf32>) -> tensor<4x2xf32>
  %8 = onnx.Transpose %7 {perm = [1, 0]} : (tensor<2x4xf32>) -> tensor<4x2xf32>
  %s = onnx.Constant dense<[-1, 2]> : tensor<2xi64>
  // CHECK: onnx.Reshape %{{.*}}, %{{.*}} : (tensor<4x2xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  %9 = onnx.Reshape %8, %s : (tensor<4x2xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  // Dynamic result dims are compatible with any inferred size.
  // CHECK: onnx.Reshape %{{.*}}, %{{.*}} : (tensor<4x2xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %10 = onnx.Reshape %9, %s : (tensor<4x2xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %10 : tensor<?x?xf32>
}

{-#
  dialect_resources: {
    builtin: {
      fc_w: "0x040000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    }
  }
#-}
