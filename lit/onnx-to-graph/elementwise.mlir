// RUN: dl-opt %s --lower-onnx-to-graph | FileCheck %s
// RUN: dl-opt %s --lower-onnx-to-graph | dl-opt | FileCheck %s
// RUN: dl-opt %s --lower-onnx-to-graph --lower-graph-to-te | FileCheck %s --check-prefix=TE
// RUN: dl-opt %s --lower-onnx-to-graph --fuse-ops --lower-to-loops --lower-to-llvm 2>/dev/null | FileCheck %s --check-prefix=LLVM

// The long tail of elementwise operators becomes graph.elementwise with
// the ONNX defaults made explicit; variadic ops and Clip become chains of
// graph.max/min/add.

// CHECK-LABEL: func.func @unary
// CHECK: graph.elementwise "leaky_relu" %arg0 {alpha = 0.00999999977 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: graph.elementwise "erf" %{{.+}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: graph.elementwise "gelu" %{{.+}} {approximate = "none"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: graph.elementwise "selu" %{{.+}} {alpha = 1.67326319 : f32, gamma = 1.05070102 : f32}
// TE-LABEL: func.func @unary
// TE: te.compute
// TE: arith.cmpf olt
// TE: arith.select
// TE: math.erf
// LLVM-DAG: llvm.func @erff(f32) -> f32 attributes {sym_visibility = "private"}
// LLVM-LABEL: llvm.func @unary(
// LLVM: llvm.call @erff(%{{.+}}) : (f32) -> f32
func.func @unary(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = onnx.LeakyRelu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = onnx.Erf %0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = onnx.Gelu %1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = onnx.Selu %2 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @compare
// CHECK: graph.elementwise "less" %arg0, %arg1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK: graph.elementwise "not" %{{.+}} : (tensor<2x3xi1>) -> tensor<2x3xi1>
// CHECK: graph.elementwise "select" %{{.+}}, %arg0, %arg1 : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: graph.elementwise "cast" %{{.+}} : (tensor<2x3xf32>) -> tensor<2x3xi64>
// TE-LABEL: func.func @compare
// TE: arith.cmpf olt
// TE: arith.xori
// TE: arith.select
// TE: arith.fptosi
// LLVM-LABEL: llvm.func @compare(
// LLVM: llvm.fcmp "olt"
// LLVM: llvm.fptosi
func.func @compare(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xi64> {
  %0 = onnx.Less %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %1 = onnx.Not %0 : (tensor<2x3xi1>) -> tensor<2x3xi1>
  %2 = onnx.Where %1, %a, %b : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = onnx.Cast %2 {to = 7 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi64>
  return %3 : tensor<2x3xi64>
}

// CHECK-LABEL: func.func @variadic
// CHECK: %[[M:.+]] = graph.max %arg0, %arg1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: %[[S:.+]] = graph.add %[[M]], %arg0
// CHECK: %[[N:.+]] = graph.constant dense<2.000000e+00> : tensor<f32>
// CHECK: graph.div %{{.+}}, %[[N]]
// CHECK: graph.max %{{.+}}, %arg2 : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
// CHECK-NOT: graph.min
// CHECK: return
func.func @variadic(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %lo: tensor<f32>) -> tensor<2x3xf32> {
  %0 = onnx.Max %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = onnx.Mean %0, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = onnx.Clip %1, %lo : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// BitCast reinterprets same-width elements; Swish is a kind of its own and
// SwiGLU is Swish(A) * B.
// CHECK-LABEL: func.func @bitcast_swish
// CHECK: graph.elementwise "bitcast" %arg0 : (tensor<4xf32>) -> tensor<4xi32>
// CHECK: %[[S:.+]] = graph.elementwise "swish" %arg1 {alpha = 5.000000e-01 : f32}
// CHECK: graph.mul %[[S]], %arg2
// TE-LABEL: func.func @bitcast_swish
// TE: arith.bitcast %{{.+}} : f32 to i32
func.func @bitcast_swish(%x: tensor<4xf32>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xf32>) {
  %0 = onnx.BitCast %x {to = 6 : i64} : (tensor<4xf32>) -> tensor<4xi32>
  %1 = onnx.SwiGLU %a, %b {alpha = 0.5 : f32} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xi32>, tensor<4xf32>
}
