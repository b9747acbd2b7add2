// RUN: dl-opt %s --lower-onnx-to-graph | FileCheck %s
// RUN: dl-opt %s --lower-onnx-to-graph --fuse-ops --lower-to-loops --lower-to-llvm 2>/dev/null | dl-opt > /dev/null

// Attention decomposes into graph ops: Q and K scaled by sqrt(scale), Q K^T
// as a matmul with transpose_b (grouped-query heads by reshaping the query
// heads of one key/value head into one row block), an additive bias
// (static causal/window masks are constants), softmax, rows whose bias is
// all -inf zeroed, and the product with V.

// CHECK-LABEL: func.func @attention_3d_gqa_causal
// CHECK: graph.reshape %arg0 {shape = array<i64: 2, 4, 9, 8>}
// CHECK: graph.transpose %{{.+}} {perm = array<i64: 0, 2, 1, 3>}
// CHECK: %[[S:.+]] = graph.constant dense<0.594603539> : tensor<f32>
// CHECK: %[[Q:.+]] = graph.mul %{{.+}}, %[[S]]
// CHECK: %[[K:.+]] = graph.mul %{{.+}}, %[[S]]
// CHECK: %[[QG:.+]] = graph.reshape %[[Q]] {shape = array<i64: 2, 3, 12, 8>}
// CHECK: %[[QK:.+]] = graph.matmul %[[QG]], %[[K]] {transpose_b} : (tensor<2x3x12x8xf32>, tensor<2x3x6x8xf32>) -> tensor<2x3x12x6xf32>
// CHECK: %[[QK4:.+]] = graph.reshape %[[QK]] {shape = array<i64: 2, 9, 4, 6>}
// CHECK: %[[CAUSAL:.+]] = graph.constant dense<{{\[\[}}0.000000e+00, 0xFF800000, {{.*}} : tensor<4x6xf32>
// CHECK: %[[B:.+]] = graph.add %[[QK4]], %[[CAUSAL]]
// CHECK: %[[SM:.+]] = graph.softmax %[[B]] {axis = 3 : i64}
// CHECK: %[[MAX:.+]] = graph.reduce_max %[[CAUSAL]] {axes = array<i64: 1>, keepdims}
// CHECK: %[[FULL:.+]] = graph.elementwise "equal" %[[MAX]]
// CHECK: %[[P:.+]] = graph.elementwise "select" %[[FULL]], %{{.+}}, %[[SM]]
// CHECK: %[[PG:.+]] = graph.reshape %[[P]] {shape = array<i64: 2, 3, 12, 6>}
// CHECK: graph.matmul %[[PG]], %{{.+}} : (tensor<2x3x12x6xf32>, tensor<2x3x6x8xf32>) -> tensor<2x3x12x8xf32>
// CHECK: graph.transpose %{{.+}} {perm = array<i64: 0, 2, 1, 3>}
// CHECK: graph.reshape %{{.+}} {shape = array<i64: 2, 4, 72>}
func.func @attention_3d_gqa_causal(%q: tensor<2x4x72xf32>, %k: tensor<2x6x24xf32>, %v: tensor<2x6x24xf32>) -> tensor<2x4x72xf32> {
  %y = onnx.Attention %q, %k, %v {is_causal = 1 : i64, kv_num_heads = 3 : i64, q_num_heads = 9 : i64} : (tensor<2x4x72xf32>, tensor<2x6x24xf32>, tensor<2x6x24xf32>) -> tensor<2x4x72xf32>
  return %y : tensor<2x4x72xf32>
}

// A boolean mask becomes a 0/-inf bias; past key/value are concatenated on
// the sequence axis; softcap is tanh(x / c) * c; mode 3 returns the
// (guarded) probabilities.
// CHECK-LABEL: func.func @attention_bool_mask_past
// CHECK: %[[PK:.+]] = graph.concat %arg4, %arg1 {axis = 2 : i64}
// CHECK: %[[PV:.+]] = graph.concat %arg5, %arg2 {axis = 2 : i64}
// CHECK: graph.matmul %{{.+}}, %{{.+}} {transpose_b} : (tensor<1x2x3x8xf32>, tensor<1x2x5x8xf32>) -> tensor<1x2x3x5xf32>
// CHECK: graph.div
// CHECK: graph.tanh
// CHECK: graph.mul
// CHECK: %[[MB:.+]] = graph.elementwise "select" %arg3, %{{.+}}, %{{.+}} : (tensor<3x5xi1>, tensor<f32>, tensor<f32>) -> tensor<3x5xf32>
// CHECK: graph.add %{{.+}}, %[[MB]]
// CHECK: graph.softmax
// CHECK: %[[P:.+]] = graph.elementwise "select"
// CHECK: %[[Y:.+]] = graph.matmul %[[P]], %[[PV]]
// CHECK: return %[[Y]], %[[PK]], %[[PV]], %[[P]]
func.func @attention_bool_mask_past(%q: tensor<1x2x3x8xf32>, %k: tensor<1x2x3x8xf32>, %v: tensor<1x2x3x8xf32>, %m: tensor<3x5xi1>, %pk: tensor<1x2x2x8xf32>, %pv: tensor<1x2x2x8xf32>) -> (tensor<1x2x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x3x5xf32>) {
  %y, %pk2, %pv2, %qk = onnx.Attention %q, %k, %v, %m, %pk, %pv {qk_matmul_output_mode = 3 : i64, softcap = 2.0 : f32} : (tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<3x5xi1>, tensor<1x2x2x8xf32>, tensor<1x2x2x8xf32>) -> (tensor<1x2x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x3x5xf32>)
  return %y, %pk2, %pv2, %qk : tensor<1x2x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x3x5xf32>
}

// Omitted optional inputs are empty tensors (the importer's convention).
// nonpad_kv_seqlen without a cache: a per-batch causal frontier
// (nonpad[b] + i - q - j >= 0) and a padding mask (j < nonpad[b]), at run
// time.
// CHECK-LABEL: func.func @attention_nonpad
// CHECK: %[[IJ:.+]] = graph.constant dense<{{\[\[}}-2, -3, -4], [-1, -2, -3]]> : tensor<2x3xi64>
// CHECK: %[[N:.+]] = graph.reshape %arg3 {shape = array<i64: 2, 1, 1, 1>}
// CHECK: %[[D:.+]] = graph.add %[[N]], %[[IJ]] : (tensor<2x1x1x1xi64>, tensor<2x3xi64>) -> tensor<2x1x2x3xi64>
// CHECK: graph.elementwise "greater_equal" %[[D]]
// CHECK: %[[IOTA:.+]] = graph.constant dense<[0, 1, 2]> : tensor<3xi64>
// CHECK: graph.elementwise "less" %[[IOTA]], %{{.+}} : (tensor<3xi64>, tensor<2x1x1x1xi64>) -> tensor<2x1x1x3xi1>
// CHECK: graph.softmax
func.func @attention_nonpad(%q: tensor<2x1x2x4xf32>, %k: tensor<2x1x3x4xf32>, %v: tensor<2x1x3x4xf32>, %n: tensor<2xi64>) -> tensor<2x1x2x4xf32> {
  %e = onnx.Constant dense<> : tensor<0xf32>
  %y = onnx.Attention %q, %k, %v, %e, %e, %e, %n {is_causal = 1 : i64} : (tensor<2x1x2x4xf32>, tensor<2x1x3x4xf32>, tensor<2x1x3x4xf32>, tensor<0xf32>, tensor<0xf32>, tensor<0xf32>, tensor<2xi64>) -> tensor<2x1x2x4xf32>
  return %y : tensor<2x1x2x4xf32>
}

// RotaryEmbedding: caches gathered by position, halves rotated.
// CHECK-LABEL: func.func @rotary
// CHECK: %[[C:.+]] = graph.gather %arg1, %arg3 {axis = 0 : i64} : (tensor<8x2xf32>, tensor<1x3xi64>) -> tensor<1x3x2xf32>
// CHECK: %[[X1:.+]] = graph.slice %{{.+}} {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1>} : (tensor<1x3x2x4xf32>) -> tensor<1x3x2x2xf32>
// CHECK: %[[X2:.+]] = graph.slice %{{.+}} {starts = array<i64: 0, 0, 0, 2>, steps = array<i64: 1, 1, 1, 1>} : (tensor<1x3x2x4xf32>) -> tensor<1x3x2x2xf32>
// CHECK: graph.sub
// CHECK: graph.add
// CHECK: graph.concat %{{.+}}, %{{.+}} {axis = 3 : i64}
// CHECK: graph.transpose %{{.+}} {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x3x2x4xf32>) -> tensor<1x2x3x4xf32>
func.func @rotary(%x: tensor<1x2x3x4xf32>, %c: tensor<8x2xf32>, %s: tensor<8x2xf32>, %p: tensor<1x3xi64>) -> tensor<1x2x3x4xf32> {
  %y = onnx.RotaryEmbedding %x, %c, %s, %p : (tensor<1x2x3x4xf32>, tensor<8x2xf32>, tensor<8x2xf32>, tensor<1x3xi64>) -> tensor<1x2x3x4xf32>
  return %y : tensor<1x2x3x4xf32>
}
