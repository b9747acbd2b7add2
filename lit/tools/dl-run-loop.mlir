// REQUIRES: dl-run
// RUN: not dl-opt %S/../onnx/Inputs/loop.onnx 2>&1 | FileCheck %s --check-prefix=AOT
// RUN: rm -rf %t && mkdir -p %t
// RUN: dl-run %S/../onnx/Inputs/loop.onnx --input n=%S/../onnx/Inputs/loop.n.npy --input x=%S/../onnx/Inputs/loop.x.npy --output-dir %t --dump-after lower-onnx-to-graph 2>&1 | FileCheck %s

// A Loop is unrolled at import, so its trip count must be known there.
// Compiling ahead of time it is not:
// AOT: error: node 'loop0' (Loop): needs a trip count known at compile time (the loop is unrolled at import)

// dl-run knows its inputs before compiling: the trip count input (n = 3)
// is a constant at import (it leaves the signature), the body is inlined
// three times with the state threaded through, and the per-step outputs
// are stacked.
// CHECK: dlc.signature = ["main_graph", {{\[\["x", "f32", \["2"\]\]\]}}, {{.*}}["steps", "f32", ["3", "2"]]
// CHECK: func.func @main_graph(%[[X:.+]]: tensor<2xf32>) -> (tensor<2xf32>, tensor<3x2xf32>)
// CHECK: %[[S1:.+]] = graph.add %[[X]], %[[X]]
// CHECK: %[[S2:.+]] = graph.add %[[S1]], %[[X]]
// CHECK: %[[S3:.+]] = graph.add %[[S2]], %[[X]]
// CHECK: %[[ALL:.+]] = graph.concat %{{.+}}, %{{.+}}, %{{.+}} {axis = 0 : i64} : (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<3x2xf32>
// CHECK: return %[[S3]], %[[ALL]]
