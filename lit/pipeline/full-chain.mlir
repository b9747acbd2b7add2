// The whole chain on onnx-level text: every level prints, reads back and
// prints identically, and lowering the re-read text the rest of the way
// gives the same llvm-level IR as lowering straight through.
//
// RUN: dl-opt %s > %t.onnx.mlir
// RUN: dl-opt %t.onnx.mlir | diff %t.onnx.mlir -
// RUN: dl-opt %s --lower-onnx-to-graph > %t.graph.mlir
// RUN: dl-opt %t.graph.mlir | diff %t.graph.mlir -
// RUN: dl-opt %t.graph.mlir --fuse-ops > %t.fused.mlir
// RUN: dl-opt %t.fused.mlir | diff %t.fused.mlir -
// RUN: dl-opt %t.fused.mlir --lower-graph-to-te > %t.te.mlir
// RUN: dl-opt %t.te.mlir | diff %t.te.mlir -
// RUN: dl-opt %t.te.mlir --lower-te-to-loops 2>/dev/null > %t.loop.mlir
// RUN: dl-opt %t.loop.mlir | diff %t.loop.mlir -
// RUN: dl-opt %t.loop.mlir --lower-loops-to-llvm > %t.llvm.mlir
// RUN: dl-opt %t.llvm.mlir | diff %t.llvm.mlir -
// RUN: dl-opt %s --lower-onnx-to-graph --fuse-ops --lower-to-loops --lower-to-llvm 2>/dev/null | diff %t.llvm.mlir -
// RUN: FileCheck %s --input-file=%t.fused.mlir --check-prefix=FUSED
// RUN: FileCheck %s --input-file=%t.llvm.mlir --check-prefix=LLVM
// RUN: dl-opt %s --lower-onnx-to-graph --fuse-ops --lower-to-loops --lower-to-llvm --mlir-print-op-generic 2>/dev/null | dl-opt | diff %t.llvm.mlir -

// The conv's bias add and relu fuse into it; the gemm's relu fuses likewise.
// FUSED: graph.fused
// FUSED:   graph.conv2d
// FUSED:   graph.relu
// FUSED:   graph.yield
// FUSED: graph.fused
// FUSED:   graph.matmul
// FUSED:   graph.relu

// LLVM: llvm.mlir.global internal constant @{{.+}}(dense<
// LLVM: llvm.func @net(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr) -> i32
// LLVM: llvm.intr.exp
// LLVM: llvm.return %{{.+}} : i32
// LLVM: llvm.func @net_workspace_size() -> i64

module attributes {onnx.opset = {ai.onnx = 13 : i64}} {
  func.func @net(%x: tensor<2x2x6x6xf32>) -> tensor<2x3xf32> attributes {onnx.input_names = ["x"], onnx.output_names = ["y"]} {
    %w = onnx.Constant dense<0.25> : tensor<3x2x3x3xf32>
    %b = onnx.Constant dense<[-0.5, 0.0, 0.5]> : tensor<3xf32>
    %fw = onnx.Constant dense<0.125> : tensor<12x3xf32>
    %fb = onnx.Constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
    %0 = onnx.Conv %x, %w, %b {kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<2x2x6x6xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<2x3x3x3xf32>
    %1 = onnx.Relu %0 : (tensor<2x3x3x3xf32>) -> tensor<2x3x3x3xf32>
    %2 = onnx.MaxPool %1 {kernel_shape = [2, 2], strides = [2, 2], ceil_mode = 1 : i64} : (tensor<2x3x3x3xf32>) -> tensor<2x3x2x2xf32>
    %3 = onnx.Flatten %2 : (tensor<2x3x2x2xf32>) -> tensor<2x12xf32>
    %4 = onnx.Gemm %3, %fw, %fb : (tensor<2x12xf32>, tensor<12x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    %5 = onnx.Relu %4 : (tensor<2x3xf32>) -> tensor<2x3xf32>
    %6 = onnx.Softmax %5 {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
    return %6 : tensor<2x3xf32>
  }
}
