// RUN: dl-opt %s --split-input-file --lower-onnx-to-graph | FileCheck %s
// RUN: dl-opt %s --split-input-file --lower-onnx-to-graph | dl-opt --split-input-file | FileCheck %s
// RUN: dl-opt %s --split-input-file --lower-onnx-to-graph --lower-graph-to-te | FileCheck %s --check-prefix=TE
// RUN: dl-opt %s --split-input-file --lower-onnx-to-graph --fuse-ops --lower-to-loops --lower-to-llvm 2>/dev/null | FileCheck %s --check-prefix=LLVM

// The quantisation operators decompose into graph ops: QuantizeLinear is
// x / scale, round (half to even), + zero point, clamp to the integer
// range, cast; per-axis parameters are reshaped along the axis, blocked
// ones gathered (index i / block_size); the integer products run on i32
// operands minus their zero points and QLinear* requantise in f64.

// CHECK-LABEL: func.func @quantize
// CHECK: %[[S:.+]] = graph.reshape %arg1 {shape = array<i64: 1, 3>}
// CHECK: %[[Q:.+]] = graph.div %arg0, %[[S]]
// CHECK: %[[ZF:.+]] = graph.elementwise "cast" %arg2 : (tensor<3xi8>) -> tensor<3xf32>
// CHECK: %[[Z:.+]] = graph.reshape %[[ZF]] {shape = array<i64: 1, 3>}
// CHECK: %[[R:.+]] = graph.elementwise "round" %[[Q]]
// CHECK: %[[A:.+]] = graph.add %[[R]], %[[Z]]
// CHECK-DAG: %[[LO:.+]] = graph.constant dense<-1.280000e+02> : tensor<f32>
// CHECK-DAG: %[[HI:.+]] = graph.constant dense<1.270000e+02> : tensor<f32>
// CHECK: %[[M:.+]] = graph.max %[[A]], %[[LO]]
// CHECK: %[[C:.+]] = graph.min %[[M]], %[[HI]]
// CHECK: %[[Y:.+]] = graph.elementwise "cast" %[[C]] : (tensor<2x3xf32>) -> tensor<2x3xi8>
// CHECK: return %[[Y]]
// TE-LABEL: func.func @quantize
// TE: math.roundeven %{{.+}} : f32
// TE: arith.fptosi %{{.+}} : f32 to i8
// LLVM-LABEL: llvm.func @quantize(
func.func @quantize(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<3xi8>) -> tensor<2x3xi8> {
  %0 = onnx.QuantizeLinear %x, %s, %z : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

// CHECK-LABEL: func.func @dequantize_blocked
// CHECK: %[[X:.+]] = graph.elementwise "cast" %arg0 : (tensor<5x2xui8>) -> tensor<5x2xf32>
// CHECK: %[[ZF:.+]] = graph.elementwise "cast" %arg2 : (tensor<3x2xui8>) -> tensor<3x2xf32>
// CHECK: %[[I:.+]] = graph.constant dense<[0, 0, 1, 1, 2]> : tensor<5xi64>
// CHECK: %[[Z:.+]] = graph.gather %[[ZF]], %[[I]] {axis = 0 : i64} : (tensor<3x2xf32>, tensor<5xi64>) -> tensor<5x2xf32>
// CHECK: %[[D:.+]] = graph.sub %[[X]], %[[Z]]
// CHECK: %[[S:.+]] = graph.gather %arg1
// CHECK: %[[Y:.+]] = graph.mul %[[D]], %[[S]]
// CHECK: return %[[Y]]
// TE-LABEL: func.func @dequantize_blocked
// TE: arith.uitofp %{{.+}} : i8 to f32
// LLVM-LABEL: llvm.func @dequantize_blocked(
func.func @dequantize_blocked(%x: tensor<5x2xui8>, %s: tensor<3x2xf32>, %z: tensor<3x2xui8>) -> tensor<5x2xf32> {
  %0 = onnx.DequantizeLinear %x, %s, %z {axis = 0 : i64, block_size = 2 : i64} : (tensor<5x2xui8>, tensor<3x2xf32>, tensor<3x2xui8>) -> tensor<5x2xf32>
  return %0 : tensor<5x2xf32>
}

// -----

// CHECK-LABEL: func.func @dynamic
// CHECK: %[[MAX:.+]] = graph.reduce_max %arg0 {axes = array<i64: 0>} : (tensor<6xf32>) -> tensor<f32>
// CHECK: %[[MIN:.+]] = graph.reduce_min %arg0 {axes = array<i64: 0>} : (tensor<6xf32>) -> tensor<f32>
// CHECK: graph.elementwise "select"
// CHECK: %[[SCALE:.+]] = graph.div %{{.+}}, %{{.+}} : (tensor<f32>, tensor<f32>) -> tensor<f32>
// CHECK: %[[ZP:.+]] = graph.elementwise "round" %{{.+}} : (tensor<f32>) -> tensor<f32>
// CHECK: %[[Y:.+]] = graph.elementwise "cast" %{{.+}} : (tensor<6xf32>) -> tensor<6xui8>
// CHECK: %[[Z:.+]] = graph.elementwise "cast" %[[ZP]] : (tensor<f32>) -> tensor<ui8>
// CHECK: return %[[Y]], %[[SCALE]], %[[Z]]
// TE-LABEL: func.func @dynamic
// TE: arith.fptoui %{{.+}} : f32 to i8
// LLVM-LABEL: llvm.func @dynamic(
func.func @dynamic(%x: tensor<6xf32>) -> (tensor<6xui8>, tensor<f32>, tensor<ui8>) {
  %y, %s, %z = onnx.DynamicQuantizeLinear %x : (tensor<6xf32>) -> (tensor<6xui8>, tensor<f32>, tensor<ui8>)
  return %y, %s, %z : tensor<6xui8>, tensor<f32>, tensor<ui8>
}

// -----

// A per-column zero point of B broadcasts along the last axis.
// CHECK-LABEL: func.func @matmul_integer
// CHECK: %[[A:.+]] = graph.elementwise "cast" %arg0 : (tensor<4x3xui8>) -> tensor<4x3xi32>
// CHECK: %[[AZ:.+]] = graph.elementwise "cast" %arg2 : (tensor<ui8>) -> tensor<i32>
// CHECK: %[[A2:.+]] = graph.sub %[[A]], %[[AZ]]
// CHECK: %[[B:.+]] = graph.elementwise "cast" %arg1
// CHECK: %[[BZ:.+]] = graph.elementwise "cast" %arg3 : (tensor<2xui8>) -> tensor<2xi32>
// CHECK: %[[B2:.+]] = graph.sub %[[B]], %[[BZ]] : (tensor<3x2xi32>, tensor<2xi32>) -> tensor<3x2xi32>
// CHECK: %[[Y:.+]] = graph.matmul %[[A2]], %[[B2]] : (tensor<4x3xi32>, tensor<3x2xi32>) -> tensor<4x2xi32>
// CHECK: return %[[Y]]
// TE-LABEL: func.func @matmul_integer
// TE: arith.extui %{{.+}} : i8 to i32
// TE: arith.muli %{{.+}}, %{{.+}} : i32
// LLVM-LABEL: llvm.func @matmul_integer(
func.func @matmul_integer(%a: tensor<4x3xui8>, %b: tensor<3x2xui8>, %az: tensor<ui8>, %bz: tensor<2xui8>) -> tensor<4x2xi32> {
  %0 = onnx.MatMulInteger %a, %b, %az, %bz : (tensor<4x3xui8>, tensor<3x2xui8>, tensor<ui8>, tensor<2xui8>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

// Per-channel w_scale and w_zero_point lie along W's output channels; the
// i32 bias is the conv's; the zero point is added before rounding.
// CHECK-LABEL: func.func @qlinear_conv
// CHECK: %[[WZ:.+]] = graph.reshape %{{.+}} {shape = array<i64: 3, 1, 1, 1>} : (tensor<3xi32>) -> tensor<3x1x1x1xi32>
// CHECK: %[[W:.+]] = graph.sub %{{.+}}, %[[WZ]]
// CHECK: %[[ACC:.+]] = graph.conv2d %{{.+}}, %[[W]], %arg8 {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xi32>, tensor<3x2x3x3xi32>, tensor<3xi32>) -> tensor<1x3x5x5xi32>
// CHECK: %[[WS:.+]] = graph.reshape %arg4 {shape = array<i64: 1, 3, 1, 1>}
// CHECK: %[[XW:.+]] = graph.mul %arg1, %[[WS]]
// CHECK: %[[MULT:.+]] = graph.div %[[XW]], %arg6
// CHECK: %[[ACCF:.+]] = graph.elementwise "cast" %[[ACC]] : (tensor<1x3x5x5xi32>) -> tensor<1x3x5x5xf64>
// CHECK: %[[MF:.+]] = graph.elementwise "cast" %[[MULT]] : (tensor<1x3x1x1xf32>) -> tensor<1x3x1x1xf64>
// CHECK: %[[D:.+]] = graph.mul %[[ACCF]], %[[MF]]
// CHECK: %[[YZ:.+]] = graph.elementwise "cast" %arg7 : (tensor<i8>) -> tensor<f64>
// CHECK: %[[D2:.+]] = graph.add %[[D]], %[[YZ]]
// CHECK: graph.elementwise "round" %[[D2]]
// CHECK: graph.elementwise "cast" %{{.+}} : (tensor<1x3x5x5xf64>) -> tensor<1x3x5x5xi8>
// TE-LABEL: func.func @qlinear_conv
// TE: math.roundeven %{{.+}} : f64
// LLVM-LABEL: llvm.func @qlinear_conv(
func.func @qlinear_conv(%x: tensor<1x2x5x5xi8>, %xs: tensor<f32>, %xz: tensor<i8>, %w: tensor<3x2x3x3xi8>, %ws: tensor<3xf32>, %wz: tensor<3xi8>, %ys: tensor<f32>, %yz: tensor<i8>, %bias: tensor<3xi32>) -> tensor<1x3x5x5xi8> {
  %0 = onnx.QLinearConv %x, %xs, %xz, %w, %ws, %wz, %ys, %yz, %bias {pads = [1, 1, 1, 1]} : (tensor<1x2x5x5xi8>, tensor<f32>, tensor<i8>, tensor<3x2x3x3xi8>, tensor<3xf32>, tensor<3xi8>, tensor<f32>, tensor<i8>, tensor<3xi32>) -> tensor<1x3x5x5xi8>
  return %0 : tensor<1x3x5x5xi8>
}

// -----

// 1-D ConvInteger is 2-D with a height of 1; QLinearMatMul requantises a
// 3-D i32 batched product.
// CHECK-LABEL: func.func @conv_integer_1d
// CHECK: graph.conv2d %{{.+}}, %{{.+}} {padding = array<i64: 0, 1, 0, 1>} : (tensor<1x2x1x6xi32>, tensor<4x2x1x3xi32>) -> tensor<1x4x1x6xi32>
// CHECK: graph.reshape %{{.+}} {shape = array<i64: 1, 4, 6>}
// CHECK-LABEL: func.func @qlinear_matmul
// CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<2x2x4xi32>, tensor<2x4x3xi32>) -> tensor<2x2x3xi32>
// CHECK: graph.elementwise "cast" %{{.+}} : (tensor<2x2x3xf64>) -> tensor<2x2x3xui8>
// LLVM-LABEL: llvm.func @conv_integer_1d(
// LLVM-LABEL: llvm.func @qlinear_matmul(
func.func @conv_integer_1d(%x: tensor<1x2x6xi8>, %w: tensor<4x2x3xi8>, %xz: tensor<i8>) -> tensor<1x4x6xi32> {
  %0 = onnx.ConvInteger %x, %w, %xz {pads = [1, 1]} : (tensor<1x2x6xi8>, tensor<4x2x3xi8>, tensor<i8>) -> tensor<1x4x6xi32>
  return %0 : tensor<1x4x6xi32>
}
func.func @qlinear_matmul(%a: tensor<2x2x4xui8>, %as: tensor<1xf16>, %az: tensor<1xui8>, %b: tensor<2x4x3xui8>, %bs: tensor<1xf16>, %bz: tensor<1xui8>, %ys: tensor<1xf16>, %yz: tensor<1xui8>) -> tensor<2x2x3xui8> {
  %0 = onnx.QLinearMatMul %a, %as, %az, %b, %bs, %bz, %ys, %yz : (tensor<2x2x4xui8>, tensor<1xf16>, tensor<1xui8>, tensor<2x4x3xui8>, tensor<1xf16>, tensor<1xui8>, tensor<1xf16>, tensor<1xui8>) -> tensor<2x2x3xui8>
  return %0 : tensor<2x2x3xui8>
}
