// RUN: dl-opt %s --split-input-file --verify-diagnostics --lower-te-to-loops

// The input must be at te level.
func.func @graph_level(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.relu' op cannot be lowered to loops (expected te level: run --lower-graph-to-te first)}}
  %0 = graph.relu %x : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}


// -----

// Nothing may read a result whose extent depends on the data yet: its size
// is unknown when buffers are planned.
func.func @data_dependent_consumer(%x: tensor<4xf32>) -> tensor<?xi64> {
  // expected-error@+1 {{'te.kernel' op has a result whose extents depend on the data; it can only be returned once by the function (reading it in further computations is not supported yet)}}
  %r = te.kernel (%xb = %x) outs(%o) {bounds = array<i64: 4>} : (tensor<4xf32>) -> tensor<?xi64> {
    %c0 = arith.constant 0 : index
    te.yield %c0 : index
  }
  %c0 = arith.constant 0 : index
  %n = te.dim %r, 0 : tensor<?xi64>
  %d = te.compute (%i) ins(%r : tensor<?xi64>) dims(%n) -> tensor<?xi64> {
    %v = te.extract %r[%i] : tensor<?xi64>
    te.yield %v : i64
  }
  return %d : tensor<?xi64>
}
