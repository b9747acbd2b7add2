// RUN: dl-opt %s --split-input-file --lower-onnx-to-graph | FileCheck %s
// RUN: dl-opt %s --split-input-file --lower-onnx-to-graph | dl-opt --split-input-file | FileCheck %s
// Every onnx op lowered to graph ops, one case per function.

// A 1-D operand gets a unit dimension for graph.matmul, dropped afterwards.
// CHECK-LABEL: func.func @matmul_1d
// CHECK-SAME: (%[[V:.+]]: tensor<3xf32>, %[[M:.+]]: tensor<2x3x4xf32>, %[[W:.+]]: tensor<4xf32>)
// CHECK: %[[A:.+]] = graph.reshape %[[V]] {shape = array<i64: 1, 3>} : (tensor<3xf32>) -> tensor<1x3xf32>
// CHECK-NEXT: %[[P:.+]] = graph.matmul %[[A]], %[[M]] : (tensor<1x3xf32>, tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
// CHECK-NEXT: %[[R0:.+]] = graph.reshape %[[P]] {shape = array<i64: 2, 4>} : (tensor<2x1x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[B:.+]] = graph.reshape %[[W]] {shape = array<i64: 4, 1>} : (tensor<4xf32>) -> tensor<4x1xf32>
// CHECK-NEXT: %[[Q:.+]] = graph.matmul %[[M]], %[[B]] : (tensor<2x3x4xf32>, tensor<4x1xf32>) -> tensor<2x3x1xf32>
// CHECK-NEXT: %[[R1:.+]] = graph.reshape %[[Q]] {shape = array<i64: 2, 3>} : (tensor<2x3x1xf32>) -> tensor<2x3xf32>
// CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<1x4xf32>, tensor<4x1xf32>) -> tensor<1x1xf32>
// CHECK-NEXT: %[[R2:.+]] = graph.reshape %{{.+}} {shape = array<i64>} : (tensor<1x1xf32>) -> tensor<f32>
// CHECK-NEXT: return %[[R0]], %[[R1]], %[[R2]]
// CHECK-NOT: onnx.
func.func @matmul_1d(%v: tensor<3xf32>, %m: tensor<2x3x4xf32>, %w: tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x3xf32>, tensor<f32>) {
  %0 = onnx.MatMul %v, %m : (tensor<3xf32>, tensor<2x3x4xf32>) -> tensor<2x4xf32>
  %1 = onnx.MatMul %m, %w : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  %2 = onnx.MatMul %w, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  return %0, %1, %2 : tensor<2x4xf32>, tensor<2x3xf32>, tensor<f32>
}

// -----

// Batch dimensions broadcast in graph.matmul itself.
// CHECK-LABEL: func.func @matmul_batched
// CHECK-NEXT: %[[R:.+]] = graph.matmul %arg0, %arg1 : (tensor<5x1x2x3xf32>, tensor<4x3x6xf32>) -> tensor<5x4x2x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @matmul_batched(%a: tensor<5x1x2x3xf32>, %b: tensor<4x3x6xf32>) -> tensor<5x4x2x6xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<5x1x2x3xf32>, tensor<4x3x6xf32>) -> tensor<5x4x2x6xf32>
  return %0 : tensor<5x4x2x6xf32>
}

// -----

// transA becomes a matmul flag; beta = 0 drops C; alpha = beta = 1 add nothing.
// CHECK-LABEL: func.func @gemm
// CHECK-NEXT: %[[G0:.+]] = graph.matmul %arg0, %arg1 {transpose_a} : (tensor<3x2xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[G1:.+]] = graph.matmul %arg0, %arg1 {transpose_a} : (tensor<3x2xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: return %[[G0]], %[[G1]]
func.func @gemm(%a: tensor<3x2xf32>, %b: tensor<3x4xf32>, %c: tensor<1x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %0 = onnx.Gemm %a, %b {transA = 1 : i64} : (tensor<3x2xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = onnx.Gemm %a, %b, %c {transA = 1 : i64, beta = 0.0 : f32} : (tensor<3x2xf32>, tensor<3x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  return %0, %1 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Default perm reverses, axes are normalised, reshapes are static, Identity forwards.
// CHECK-LABEL: func.func @shapes
// CHECK-NEXT: %[[T:.+]] = graph.transpose %arg0 {perm = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
// CHECK-NEXT: %[[C:.+]] = graph.concat %arg0, %arg1 {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x8xf32>
// CHECK-NEXT: %[[R:.+]] = graph.reshape %arg0 {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
// CHECK-NEXT: %[[F:.+]] = graph.reshape %arg0 {shape = array<i64: 2, 12>} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
// CHECK-NEXT: %[[S:.+]] = graph.softmax %arg1 {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
// CHECK-NEXT: return %[[T]], %[[C]], %[[R]], %[[F]], %[[S]]
func.func @shapes(%x: tensor<2x3x4xf32>, %y: tensor<2x3x4xf32>) -> (tensor<4x3x2xf32>, tensor<2x3x8xf32>, tensor<6x4xf32>, tensor<2x12xf32>, tensor<2x3x4xf32>) {
  %0 = onnx.Transpose %x : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %1 = onnx.Concat %x, %y {axis = -1 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x8xf32>
  %s = onnx.Constant dense<[-1, 4]> : tensor<2xi64>
  %2 = onnx.Reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %3 = onnx.Flatten %x : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  %4 = onnx.Softmax %y : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %5 = onnx.Identity %4 : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0, %1, %2, %3, %5 : tensor<4x3x2xf32>, tensor<2x3x8xf32>, tensor<6x4xf32>, tensor<2x12xf32>, tensor<2x3x4xf32>
}

// -----

// Broadcasting binary ops and activations map one to one.
// CHECK-LABEL: func.func @elementwise
// CHECK-NEXT: %[[A:.+]] = graph.sub %arg0, %arg1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[B:.+]] = graph.mul %[[A]], %arg0 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[C:.+]] = graph.div %arg1, %[[B]] : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[D:.+]] = graph.sigmoid %[[C]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[E:.+]] = graph.tanh %[[D]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: return %[[E]]
func.func @elementwise(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = onnx.Sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = onnx.Mul %0, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = onnx.Div %b, %1 : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = onnx.Sigmoid %2 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = onnx.Tanh %3 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %4 : tensor<2x3xf32>
}

// -----

// auto_pad is resolved into explicit padding (SAME_LOWER puts the extra
// padding first); GlobalAveragePool on a non-2-D input is a reduce_mean.
// CHECK-LABEL: func.func @windows
// CHECK-NEXT: graph.conv2d %arg0, %arg1 {dilations = array<i64: 2, 2>, padding = array<i64: 2, 2, 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x7x7xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x4x4xf32>
// CHECK-NEXT: graph.avg_pool2d %arg0 {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<1x4x7x7xf32>) -> tensor<1x4x3x3xf32>
// CHECK-NEXT: graph.reduce_mean %arg2 {axes = array<i64: 2>, keepdims} : (tensor<1x4x10xf32>) -> tensor<1x4x1xf32>
func.func @windows(%x: tensor<1x4x7x7xf32>, %w: tensor<8x4x3x3xf32>, %z: tensor<1x4x10xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x4x3x3xf32>, tensor<1x4x1xf32>) {
  %0 = onnx.Conv %x, %w {auto_pad = "SAME_LOWER", dilations = [2, 2], strides = [2, 2]} : (tensor<1x4x7x7xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x4x4xf32>
  %1 = onnx.AveragePool %x {kernel_shape = [3, 3], strides = [2, 2]} : (tensor<1x4x7x7xf32>) -> tensor<1x4x3x3xf32>
  %2 = onnx.GlobalAveragePool %z : (tensor<1x4x10xf32>) -> tensor<1x4x1xf32>
  return %0, %1, %2 : tensor<1x8x4x4xf32>, tensor<1x4x3x3xf32>, tensor<1x4x1xf32>
}

// -----

// Constants keep their attribute: the blob is shared, not copied.
// CHECK-LABEL: func.func @shared_weights
// CHECK-NEXT: graph.constant dense_resource<w> : tensor<2x2xf32>
// CHECK-NEXT: graph.constant dense_resource<w> : tensor<2x2xf32>
// CHECK: dialect_resources
// CHECK-NEXT: builtin
// CHECK-NEXT: w: "0x040000000000803F000000400000404000008040"
func.func @shared_weights() -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %0 = onnx.Constant dense_resource<w> : tensor<2x2xf32>
  %1 = onnx.Constant dense_resource<w> : tensor<2x2xf32>
  return %0, %1 : tensor<2x2xf32>, tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// 1-D convolution and pooling are the 2-D ops with a height of 1.
// CHECK-LABEL: func.func @conv1d
// CHECK: %[[X:.+]] = graph.reshape %arg0 {shape = array<i64: 1, 2, 1, 8>}
// CHECK: %[[W:.+]] = graph.reshape %{{.+}} {shape = array<i64: 3, 2, 1, 3>}
// CHECK: %[[Y:.+]] = graph.conv2d %[[X]], %[[W]] {padding = array<i64: 0, 1, 0, 1>} : (tensor<1x2x1x8xf32>, tensor<3x2x1x3xf32>) -> tensor<1x3x1x8xf32>
// CHECK: %[[P:.+]] = graph.max_pool2d %{{.+}} {kernel = array<i64: 1, 2>, strides = array<i64: 1, 2>}
// CHECK: graph.reshape %[[P]] {shape = array<i64: 1, 3, 4>}
func.func @conv1d(%x: tensor<1x2x8xf32>) -> tensor<1x3x4xf32> {
  %w = onnx.Constant dense<0.5> : tensor<3x2x3xf32>
  %0 = onnx.Conv %x, %w {pads = [1, 1]} : (tensor<1x2x8xf32>, tensor<3x2x3xf32>) -> tensor<1x3x8xf32>
  %1 = onnx.MaxPool %0 {kernel_shape = [2], strides = [2]} : (tensor<1x3x8xf32>) -> tensor<1x3x4xf32>
  return %1 : tensor<1x3x4xf32>
}

// -----

// 3-D and dilated windows use graph.pool_nd.
// CHECK-LABEL: func.func @pool3d
// CHECK: graph.pool_nd %arg0 {count_include_pad, dilations = array<i64: 1, 1, 1>, kernel = array<i64: 2, 2, 2>, kind = "avg", pads = array<i64: 0, 0, 0, 0, 0, 0>, strides = array<i64: 1, 1, 1>} : (tensor<1x1x3x3x3xf32>) -> tensor<1x1x2x2x2xf32>
// CHECK: graph.pool_nd %arg1 {dilations = array<i64: 2, 2>, kernel = array<i64: 2, 2>, kind = "max"
func.func @pool3d(%x: tensor<1x1x3x3x3xf32>, %y: tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2x2xf32>, tensor<1x1x2x2xf32>) {
  %0 = onnx.AveragePool %x {kernel_shape = [2, 2, 2], count_include_pad = 1 : i64} : (tensor<1x1x3x3x3xf32>) -> tensor<1x1x2x2x2xf32>
  %1 = onnx.MaxPool %y {kernel_shape = [2, 2], dilations = [2, 2]} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0, %1 : tensor<1x1x2x2x2xf32>, tensor<1x1x2x2xf32>
}

// -----

// BatchNormalization in training mode: normalised with the batch mean and
// population variance over every axis but 1; the running statistics mix
// the inputs' with the batch's by `momentum`.
// CHECK-LABEL: func.func @bn_training
// CHECK: %[[M:.+]] = graph.reduce_mean %arg0 {axes = array<i64: 0, 2, 3>, keepdims}
// CHECK: %[[D:.+]] = graph.sub %arg0, %[[M]]
// CHECK: %[[V:.+]] = graph.reduce_mean %{{.+}} {axes = array<i64: 0, 2, 3>, keepdims}
// CHECK: graph.sqrt
// CHECK: graph.constant dense<0.899999976> : tensor<f32>
// CHECK: graph.reshape %[[M]] {shape = array<i64: 2>}
// CHECK: graph.reshape %[[V]] {shape = array<i64: 2>}
// CHECK: return %{{.+}}, %{{.+}}, %{{.+}} : tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>
func.func @bn_training(%x: tensor<1x2x3x3xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) -> (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>) {
  %0:3 = onnx.BatchNormalization %x, %s, %b, %m, %v {training_mode = 1 : i64} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>)
  return %0#0, %0#1, %0#2 : tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// Det by the Leibniz formula: x00 x11 - x01 x10 for 2x2 matrices.
// CHECK-LABEL: func.func @det
// CHECK-COUNT-4: graph.slice %arg0
// CHECK: %[[A:.+]] = graph.mul
// CHECK: %[[B:.+]] = graph.mul
// CHECK: graph.sub %[[A]], %[[B]] : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
func.func @det(%x: tensor<3x2x2xf32>) -> tensor<3xf32> {
  %0 = onnx.Det %x : (tensor<3x2x2xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// MaxPool's Indices: per kernel offset a strided slice of the -inf-padded
// input compared with the maxima; the first match (in window order) wins.
// CHECK-LABEL: func.func @max_pool_indices
// CHECK: %[[M:.+]] = graph.max_pool2d %arg0
// CHECK: graph.pad %arg0, %{{.+}} {low = array<i64: 0, 0, 0, 0>, mode = "constant"} : (tensor<1x1x4x4xf32>, tensor<f32>) -> tensor<1x1x4x4xf32>
// CHECK-COUNT-4: graph.elementwise "select"
// CHECK: return %[[M]], %{{.+}} : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
func.func @max_pool_indices(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) {
  %0:2 = onnx.MaxPool %x {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  return %0#0, %0#1 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
}

// -----

// MaxUnpool: X scattered to the flat positions in I of a zero tensor.
// CHECK-LABEL: func.func @max_unpool
// CHECK: graph.scatter_elements %{{.+}}, %{{.+}}, %{{.+}} {axis = 0 : i64, reduction = "none"} : (tensor<16xf32>, tensor<4xi64>, tensor<4xf32>) -> tensor<16xf32>
// CHECK: graph.reshape %{{.+}} {shape = array<i64: 1, 1, 4, 4>}
func.func @max_unpool(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32> {
  %0 = onnx.MaxUnpool %x, %i {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Col2Im: per kernel offset, its column block gathered into image
// positions by a constant table (a zero appended where the offset does not
// reach), the offsets' images summed. 2x2 blocks of a 3x3 image: 4 blocks.
// CHECK-LABEL: func.func @col2im
// CHECK: graph.reshape %arg0 {shape = array<i64: 1, 1, 4, 4>}
// CHECK-COUNT-4: graph.gather %{{.+}}, %{{.+}} {axis = 2 : i64} : (tensor<1x1x5xf32>, tensor<9xi64>) -> tensor<1x1x9xf32>
// CHECK: graph.reshape %{{.+}} {shape = array<i64: 1, 1, 3, 3>}
func.func @col2im(%x: tensor<1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  %i = onnx.Constant dense<[3, 3]> : tensor<2xi64>
  %b = onnx.Constant dense<[2, 2]> : tensor<2xi64>
  %0 = onnx.Col2Im %x, %i, %b : (tensor<1x4x4xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// ConvTranspose over 3 spatial dimensions: the columns W^T x (a matmul over
// the input channels), summed into the output by Col2Im.
// CHECK-LABEL: func.func @conv_transpose_3d
// CHECK: %[[X:.+]] = graph.reshape %arg0 {shape = array<i64: 1, 1, 60>}
// CHECK: %[[W:.+]] = graph.reshape %arg1 {shape = array<i64: 1, 54>}
// CHECK: %[[WT:.+]] = graph.transpose %[[W]] {perm = array<i64: 1, 0>}
// CHECK: graph.matmul %[[WT]], %[[X]] : (tensor<54x1xf32>, tensor<1x1x60xf32>) -> tensor<1x54x60xf32>
// CHECK-COUNT-27: graph.gather
// CHECK: graph.reshape %{{.+}} {shape = array<i64: 1, 2, 5, 6, 7>}
func.func @conv_transpose_3d(%x: tensor<1x1x3x4x5xf32>, %w: tensor<1x2x3x3x3xf32>) -> tensor<1x2x5x6x7xf32> {
  %0 = onnx.ConvTranspose %x, %w : (tensor<1x1x3x4x5xf32>, tensor<1x2x3x3x3xf32>) -> tensor<1x2x5x6x7xf32>
  return %0 : tensor<1x2x5x6x7xf32>
}
