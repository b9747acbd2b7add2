// RUN: dl-opt %s --split-input-file --verify-diagnostics --lower-te-to-loops

// The input must be at te level.
func.func @graph_level(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.relu' op cannot be lowered to loops (expected te level: run --lower-graph-to-te first)}}
  %0 = graph.relu %x : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

