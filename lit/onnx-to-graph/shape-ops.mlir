// RUN: dl-opt %s --lower-onnx-to-graph | FileCheck %s
// RUN: dl-opt %s --lower-onnx-to-graph | dl-opt | FileCheck %s
// RUN: dl-opt %s --lower-onnx-to-graph --lower-graph-to-te | FileCheck %s --check-prefix=TE
// RUN: dl-opt %s --lower-onnx-to-graph --fuse-ops --lower-to-loops --lower-to-llvm 2>/dev/null | dl-opt > /dev/null

// Shape operators with constant shape operands: Shape and Range fold to
// constants, Unsqueeze becomes a reshape, Slice a graph.slice with
// normalised starts and steps, Split two slices, Gather a graph.gather.

// CHECK-LABEL: func.func @shapes
// CHECK-DAG: graph.constant dense<[2, 6]> : tensor<2xi64>
// CHECK-DAG: graph.reshape %arg0 {shape = array<i64: 1, 2, 6>}
// CHECK-DAG: graph.slice %arg0 {starts = array<i64: 0, 5>, steps = array<i64: 1, -2>} : (tensor<2x6xf32>) -> tensor<2x3xf32>
// CHECK-DAG: graph.slice %arg0 {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<2x6xf32>) -> tensor<2x2xf32>
// CHECK-DAG: graph.slice %arg0 {starts = array<i64: 0, 2>, steps = array<i64: 1, 1>} : (tensor<2x6xf32>) -> tensor<2x4xf32>
// CHECK-DAG: graph.gather %arg0, %arg1 {axis = 1 : i64} : (tensor<2x6xf32>, tensor<3xi64>) -> tensor<2x3xf32>
// TE-LABEL: func.func @shapes
// TE: te.compute
// TE: te.extract %arg1
// TE: arith.index_cast
func.func @shapes(%x: tensor<2x6xf32>, %i: tensor<3xi64>) -> (tensor<2xi64>, tensor<1x2x6xf32>, tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x4xf32>, tensor<2x3xf32>) {
  %s = onnx.Shape %x : (tensor<2x6xf32>) -> tensor<2xi64>
  %ax = onnx.Constant dense<0> : tensor<1xi64>
  %u = onnx.Unsqueeze %x, %ax : (tensor<2x6xf32>, tensor<1xi64>) -> tensor<1x2x6xf32>
  %st = onnx.Constant dense<-1> : tensor<1xi64>
  %en = onnx.Constant dense<-100> : tensor<1xi64>
  %a1 = onnx.Constant dense<1> : tensor<1xi64>
  %sp = onnx.Constant dense<-2> : tensor<1xi64>
  %sl = onnx.Slice %x, %st, %en, %a1, %sp : (tensor<2x6xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x3xf32>
  %sizes = onnx.Constant dense<[2, 4]> : tensor<2xi64>
  %p0, %p1 = onnx.Split %x, %sizes {axis = 1 : i64} : (tensor<2x6xf32>, tensor<2xi64>) -> (tensor<2x2xf32>, tensor<2x4xf32>)
  %g = onnx.Gather %x, %i {axis = 1 : i64} : (tensor<2x6xf32>, tensor<3xi64>) -> tensor<2x3xf32>
  return %s, %u, %sl, %p0, %p1, %g : tensor<2xi64>, tensor<1x2x6xf32>, tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x4xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @pad_tile
// CHECK: graph.pad %arg0, %{{.+}} {low = array<i64: 1, 0>, mode = "reflect"} : (tensor<3x2xf32>, tensor<f32>) -> tensor<5x2xf32>
// CHECK: graph.tile %{{.+}} : (tensor<5x2xf32>) -> tensor<5x4xf32>
// CHECK: graph.trilu %{{.+}} {k = 1 : i64, upper}
func.func @pad_tile(%x: tensor<3x2xf32>) -> tensor<5x4xf32> {
  %pads = onnx.Constant dense<[1, 0, 1, 0]> : tensor<4xi64>
  %p = onnx.Pad %x, %pads {mode = "reflect"} : (tensor<3x2xf32>, tensor<4xi64>) -> tensor<5x2xf32>
  %r = onnx.Constant dense<[1, 2]> : tensor<2xi64>
  %t = onnx.Tile %p, %r : (tensor<5x2xf32>, tensor<2xi64>) -> tensor<5x4xf32>
  %k = onnx.Constant dense<1> : tensor<i64>
  %u = onnx.Trilu %t, %k : (tensor<5x4xf32>, tensor<i64>) -> tensor<5x4xf32>
  return %u : tensor<5x4xf32>
}

// Resize is separable: per resized axis, a sum over the taps of a gather
// (index table) times a weight table, both computed at compile time.
// CHECK-LABEL: func.func @resize_linear
// CHECK: %[[I0:.+]] = graph.constant dense<[0, 0, 0, 1]> : tensor<4xi64>
// CHECK: %[[G0:.+]] = graph.gather %arg0, %[[I0]] {axis = 1 : i64} : (tensor<1x2xf32>, tensor<4xi64>) -> tensor<1x4xf32>
// CHECK: %[[W0:.+]] = graph.constant dense<[{{.+}}]> : tensor<1x4xf32>
// CHECK: graph.mul %[[G0]], %[[W0]]
// CHECK: graph.gather %arg0
// CHECK: graph.add
func.func @resize_linear(%x: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %roi = onnx.Constant dense<> : tensor<0xf32>
  %scales = onnx.Constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = onnx.Resize %x, %roi, %scales {mode = "linear"} : (tensor<1x2xf32>, tensor<0xf32>, tensor<2xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// Nearest needs one gather per axis and no weights.
// CHECK-LABEL: func.func @resize_nearest
// CHECK: graph.gather
// CHECK-NOT: graph.mul
// CHECK: return
func.func @resize_nearest(%x: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %roi = onnx.Constant dense<> : tensor<0xf32>
  %scales = onnx.Constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = onnx.Resize %x, %roi, %scales {mode = "nearest"} : (tensor<1x2xf32>, tensor<0xf32>, tensor<2xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// CumProd is graph.cumsum with `product`; LpPool an average pool (padding
// counted) of |x|^p, times the window, to the power 1/p.
// CHECK-LABEL: func.func @cumprod_lppool
// CHECK: graph.cumsum %arg0 {axis = 1 : i64, product}
// CHECK: graph.elementwise "abs"
// CHECK: graph.elementwise "pow"
// CHECK: graph.avg_pool2d %{{.+}} {count_include_pad, kernel = array<i64: 2, 2>}
// CHECK: graph.mul
// CHECK: graph.elementwise "pow"
// TE-LABEL: func.func @cumprod_lppool
// TE: combiner = "mul"
func.func @cumprod_lppool(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) {
  %ax = onnx.Constant dense<1> : tensor<i64>
  %c = onnx.CumProd %x, %ax : (tensor<1x1x4x4xf32>, tensor<i64>) -> tensor<1x1x4x4xf32>
  %p = onnx.LpPool %x {kernel_shape = [2, 2], p = 3 : i64} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return %c, %p : tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>
}

// TopK: stable sort ranks, the indices of the first k ranks, and the
// values gathered there.
// CHECK-LABEL: func.func @top_k
// CHECK: %[[R:.+]] = graph.sort_rank %arg0 {axis = 1 : i64, largest} : (tensor<2x5xf32>) -> tensor<2x5xi64>
// CHECK: %[[I:.+]] = graph.rank_to_index %[[R]] {axis = 1 : i64} : (tensor<2x5xi64>) -> tensor<2x3xi64>
// CHECK: graph.gather_elements %arg0, %[[I]] {axis = 1 : i64} : (tensor<2x5xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
// TE-LABEL: func.func @top_k
// TE: arith.cmpf ogt
// TE: arith.cmpf oeq
func.func @top_k(%x: tensor<2x5xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>) {
  %k = onnx.Constant dense<3> : tensor<1xi64>
  %v, %i = onnx.TopK %x, %k {axis = 1 : i64} : (tensor<2x5xf32>, tensor<1xi64>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  return %v, %i : tensor<2x3xf32>, tensor<2x3xi64>
}

// Scatter: without a reduction, the last matching update (a max over the
// update positions) then a select; with one, a masked reduction combined
// with the data.
// CHECK-LABEL: func.func @scatter
// CHECK: graph.scatter_elements %arg0, %arg1, %arg2 {axis = 1 : i64, reduction = "none"}
// CHECK: graph.scatter_nd %arg0, %arg3, %arg4 {reduction = "add"}
// TE-LABEL: func.func @scatter
// TE: combiner = "max"
// TE: arith.select
// TE: combiner = "add"
func.func @scatter(%d: tensor<3x4xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>, %ni: tensor<2x1xi64>, %nu: tensor<2x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>) {
  %0 = onnx.ScatterElements %d, %i, %u {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x4xf32>
  %1 = onnx.ScatterND %d, %ni, %nu {reduction = "add"} : (tensor<3x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %0, %1 : tensor<3x4xf32>, tensor<3x4xf32>
}

// Einsum: the equation made explicit (ellipsis dimensions become digit
// labels, implicit outputs spelled out); one te reduction over the summed
// labels.
// CHECK-LABEL: func.func @einsum
// CHECK: graph.einsum %arg0, %arg1 {equation = "bij,bjk->bik"}
// CHECK: graph.einsum %arg2 {equation = "9ii->9i"}
// CHECK: graph.einsum %arg3, %arg3 {equation = "i,i->"}
// TE-LABEL: func.func @einsum
// TE: te.compute (%{{.+}}, %{{.+}}, %{{.+}}) reduce (%{{.+}})
func.func @einsum(%a: tensor<2x2x3xf32>, %b: tensor<2x3x4xf32>, %c: tensor<3x5x5xf32>, %v: tensor<5xf32>) -> (tensor<2x2x4xf32>, tensor<3x5xf32>, tensor<f32>) {
  %0 = onnx.Einsum %a, %b {equation = "bij, bjk -> bik"} : (tensor<2x2x3xf32>, tensor<2x3x4xf32>) -> tensor<2x2x4xf32>
  %1 = onnx.Einsum %c {equation = "...ii ->...i"} : (tensor<3x5x5xf32>) -> tensor<3x5xf32>
  %2 = onnx.Einsum %v, %v {equation = "i,i"} : (tensor<5xf32>, tensor<5xf32>) -> tensor<f32>
  return %0, %1, %2 : tensor<2x2x4xf32>, tensor<3x5xf32>, tensor<f32>
}

// CenterCropPad: a centred slice, then a centred zero pad; Upsample
// (nearest, integer scales): a gather per scaled axis.
// CHECK-LABEL: func.func @crop_pad_upsample
// CHECK: graph.slice %arg0 {starts = array<i64: 3, 0>, steps = array<i64: 1, 1>} : (tensor<10x3xf32>) -> tensor<4x3xf32>
// CHECK: graph.pad %{{.+}}, %{{.+}} {low = array<i64: 0, 1>, mode = "constant"} : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x6xf32>
// CHECK: %[[I:.+]] = graph.constant dense<[0, 0, 1, 1, 2, 2]> : tensor<6xi64>
// CHECK: graph.gather %arg1, %[[I]] {axis = 1 : i64} : (tensor<4x3xf32>, tensor<6xi64>) -> tensor<4x6xf32>
func.func @crop_pad_upsample(%x: tensor<10x3xf32>, %u: tensor<4x3xf32>) -> (tensor<4x6xf32>, tensor<4x6xf32>) {
  %s = onnx.Constant dense<[4, 6]> : tensor<2xi64>
  %0 = onnx.CenterCropPad %x, %s : (tensor<10x3xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  %sc = onnx.Constant dense<[1.0, 2.0]> : tensor<2xf32>
  %1 = onnx.Upsample %u, %sc {mode = "nearest"} : (tensor<4x3xf32>, tensor<2xf32>) -> tensor<4x6xf32>
  return %0, %1 : tensor<4x6xf32>, tensor<4x6xf32>
}

// GlobalMaxPool is a keepdims max over the spatial axes; EyeLike a
// constant with ones on diagonal k.
// CHECK-LABEL: func.func @global_max_eye
// CHECK: graph.reduce_max %arg0 {axes = array<i64: 2, 3>, keepdims}
// CHECK: graph.constant dense<{{\[}}[0.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 1.000000e+00]]> : tensor<2x3xf32>
func.func @global_max_eye(%x: tensor<1x2x3x3xf32>, %e: tensor<2x3xi32>) -> (tensor<1x2x1x1xf32>, tensor<2x3xf32>) {
  %0 = onnx.GlobalMaxPool %x : (tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32>
  %1 = onnx.EyeLike %e {dtype = 1 : i64, k = 1 : i64} : (tensor<2x3xi32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<1x2x1x1xf32>, tensor<2x3xf32>
}

// ConvTranspose: padding and output sizes resolved (here output_shape with
// strides), one te reduction over input channels and taps.
// CHECK-LABEL: func.func @conv_transpose
// CHECK: graph.conv_transpose2d %arg0, %arg1 {dilations = array<i64: 1, 1>, groups = 1 : i64, pad_begin = array<i64: 0, 0>, strides = array<i64: 3, 2>} : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x10x8xf32>
// TE-LABEL: func.func @conv_transpose
// TE: te.compute (%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}) reduce (%{{.+}}, %{{.+}}, %{{.+}})
// TE: arith.remsi
func.func @conv_transpose(%x: tensor<1x1x3x3xf32>, %w: tensor<1x2x3x3xf32>) -> tensor<1x2x10x8xf32> {
  %0 = onnx.ConvTranspose %x, %w {output_shape = [10, 8], strides = [3, 2]} : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x10x8xf32>
  return %0 : tensor<1x2x10x8xf32>
}

// LRN sums squares over neighbouring channels with an average pool over a
// (N, 1, C, H*W) view; window functions are constants.
// CHECK-LABEL: func.func @lrn_window
// CHECK: graph.avg_pool2d %{{.+}} {count_include_pad, kernel = array<i64: 3, 1>, padding = array<i64: 1, 0, 1, 0>}
// CHECK: graph.elementwise "pow"
// CHECK: graph.div %arg0
// CHECK: graph.constant dense<[0.000000e+00, 5.000000e-01, 1.000000e+00, 5.000000e-01]> : tensor<4xf32>
func.func @lrn_window(%x: tensor<1x4x2x2xf32>) -> (tensor<1x4x2x2xf32>, tensor<4xf32>) {
  %0 = onnx.LRN %x {size = 3 : i64} : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %n = onnx.Constant dense<4> : tensor<i64>
  %1 = onnx.HannWindow %n : (tensor<i64>) -> tensor<4xf32>
  return %0, %1 : tensor<1x4x2x2xf32>, tensor<4xf32>
}

// GridSample: one te reduction over the interpolation taps (2 per axis
// for linear), with the padding rule applied to each tap's index.
// CHECK-LABEL: func.func @grid_sample
// CHECK: graph.grid_sample %arg0, %arg1 {align_corners, mode = "linear", padding_mode = "reflection"} : (tensor<1x1x3x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32>
// TE-LABEL: func.func @grid_sample
// TE: te.compute (%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}) reduce (%{{.+}}, %{{.+}})
// TE: math.floor
func.func @grid_sample(%x: tensor<1x1x3x2xf32>, %g: tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32> {
  %0 = onnx.GridSample %x, %g {align_corners = 1 : i64, mode = "bilinear", padding_mode = "reflection"} : (tensor<1x1x3x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32>
  return %0 : tensor<1x1x2x4xf32>
}

// AffineGrid: theta applied to constant base coordinates, one einsum.
// CHECK-LABEL: func.func @affine_grid
// CHECK: %[[B:.+]] = graph.constant dense<{{.+}}> : tensor<2x3x3xf32>
// CHECK: graph.einsum %arg0, %[[B]] {equation = "nij,abj->nabi"} : (tensor<1x2x3xf32>, tensor<2x3x3xf32>) -> tensor<1x2x3x2xf32>
func.func @affine_grid(%t: tensor<1x2x3xf32>) -> tensor<1x2x3x2xf32> {
  %s = onnx.Constant dense<[1, 1, 2, 3]> : tensor<4xi64>
  %0 = onnx.AffineGrid %t, %s : (tensor<1x2x3xf32>, tensor<4xi64>) -> tensor<1x2x3x2xf32>
  return %0 : tensor<1x2x3x2xf32>
}

// TensorScatter: each cache element takes the update at its position
// minus the batch entry's write index (modulo the cache length when
// circular), when that falls inside the update.
// CHECK-LABEL: func.func @tensor_scatter
// CHECK: graph.tensor_scatter %arg0, %arg1, %arg2 {axis = 1 : i64, circular} : (tensor<2x4x3xf32>, tensor<2x2x3xf32>, tensor<2xi64>) -> tensor<2x4x3xf32>
// TE-LABEL: func.func @tensor_scatter
// TE: arith.remsi
// TE: arith.select
func.func @tensor_scatter(%c: tensor<2x4x3xf32>, %u: tensor<2x2x3xf32>, %w: tensor<2xi64>) -> tensor<2x4x3xf32> {
  %0 = onnx.TensorScatter %c, %u, %w {axis = 1 : i64, mode = "circular"} : (tensor<2x4x3xf32>, tensor<2x2x3xf32>, tensor<2xi64>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// -----

// MelWeightMatrix with constant scalars is a constant table (the
// conformance case's parameters: 8 mel bins, a 16-point DFT at 8192 Hz).
// CHECK-LABEL: func.func @mel
// CHECK: %[[T:.+]] = graph.constant dense<{{.+}}> : tensor<9x8xf32>
// CHECK: return %[[T]]
func.func @mel() -> tensor<9x8xf32> {
  %m = onnx.Constant dense<8> : tensor<i64>
  %d = onnx.Constant dense<16> : tensor<i64>
  %r = onnx.Constant dense<8192> : tensor<i64>
  %lo = onnx.Constant dense<0.0> : tensor<f32>
  %hi = onnx.Constant dense<4096.0> : tensor<f32>
  %0 = onnx.MelWeightMatrix %m, %d, %r, %lo, %hi : (tensor<i64>, tensor<i64>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<9x8xf32>
  return %0 : tensor<9x8xf32>
}
