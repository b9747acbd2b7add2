// RUN: dl-opt %s --split-input-file --verify-diagnostics

func.func @arg_count(%a: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error@+1 {{'te.compute' op expects 3 index block arguments (2 output + 1 reduction), got 2}}
  %0 = te.compute (%i, %j) ins(%a : tensor<4x4xf32>) {combiner = "add", reduce_extents = array<i64: 4>} -> tensor<4x4xf32> {
    %x = te.extract %a[%i, %j] : tensor<4x4xf32>
    te.yield %x : f32
  }
  return %0 : tensor<4x4xf32>
}

// -----

func.func @yield_type(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'te.compute' op body must yield one value of the result element type}}
  %0 = te.compute (%i) ins(%a : tensor<4xf32>) -> tensor<4xf32> {
    %c = arith.constant 1 : i32
    te.yield %c : i32
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @extract_indices(%a: tensor<4x4xf32>) -> tensor<4xf32> {
  %0 = te.compute (%i) ins(%a : tensor<4x4xf32>) -> tensor<4xf32> {
    // expected-error@+1 {{'te.extract' op expects 2 indices for a rank-2 tensor, got 1}}
    %x = te.extract %a[%i] : tensor<4x4xf32>
    te.yield %x : f32
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @not_an_input(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = te.compute (%i) ins(%a : tensor<4xf32>) -> tensor<4xf32> {
    // expected-error@+1 {{'te.extract' op reads a tensor that is not an input of the enclosing 'te.compute'}}
    %x = te.extract %b[%i] : tensor<4xf32>
    te.yield %x : f32
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @combiner(%a: tensor<4xf32>) -> tensor<f32> {
  // expected-error@+1 {{'te.compute' op unknown combiner 'sub' (expected add, mul, max or min)}}
  %0 = te.compute () reduce (%k) ins(%a : tensor<4xf32>) {combiner = "sub", reduce_extents = array<i64: 4>} -> tensor<f32> {
    %x = te.extract %a[%k] : tensor<4xf32>
    te.yield %x : f32
  }
  return %0 : tensor<f32>
}

// -----

func.func @missing_combiner(%a: tensor<4xf32>) -> tensor<f32> {
  // expected-error@+1 {{'te.compute' op a reduction requires a 'combiner'}}
  %0 = te.compute () reduce (%k) ins(%a : tensor<4xf32>) {reduce_extents = array<i64: 4>} -> tensor<f32> {
    %x = te.extract %a[%k] : tensor<4xf32>
    te.yield %x : f32
  }
  return %0 : tensor<f32>
}

// -----

func.func @init_type(%a: tensor<4xf32>) -> tensor<f32> {
  // expected-error@+1 {{'te.compute' op 'init' must be an attribute of the element type}}
  %0 = te.compute () reduce (%k) ins(%a : tensor<4xf32>) {combiner = "add", init = 0 : i32, reduce_extents = array<i64: 4>} -> tensor<f32> {
    %x = te.extract %a[%k] : tensor<4xf32>
    te.yield %x : f32
  }
  return %0 : tensor<f32>
}

// -----

func.func @tile_size(%a: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error@+1 {{'te.compute' op schedule 'tile' size 8 for axis 1 must be in [0, 4]}}
  %0 = te.compute (%i, %j) ins(%a : tensor<4x4xf32>) {schedule = {tile = array<i64: 2, 8>}} -> tensor<4x4xf32> {
    %x = te.extract %a[%i, %j] : tensor<4x4xf32>
    te.yield %x : f32
  }
  return %0 : tensor<4x4xf32>
}

// -----

func.func @parallel_reduction(%a: tensor<4x4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'te.compute' op schedule 'parallel' axis 1 is a reduction axis}}
  %0 = te.compute (%i) reduce (%k) ins(%a : tensor<4x4xf32>) {combiner = "add", reduce_extents = array<i64: 4>, schedule = {parallel = array<i64: 1>}} -> tensor<4xf32> {
    %x = te.extract %a[%i, %k] : tensor<4x4xf32>
    te.yield %x : f32
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @reorder(%a: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error@+1 {{'te.compute' op schedule 'reorder' must be a permutation of the 2 axes}}
  %0 = te.compute (%i, %j) ins(%a : tensor<4x4xf32>) {schedule = {reorder = array<i64: 0, 0>}} -> tensor<4x4xf32> {
    %x = te.extract %a[%i, %j] : tensor<4x4xf32>
    te.yield %x : f32
  }
  return %0 : tensor<4x4xf32>
}

// -----

func.func @vectorize_width(%a: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error@+1 {{'te.compute' op schedule 'vectorize' width 3 must be a power of two}}
  %0 = te.compute (%i, %j) ins(%a : tensor<4x4xf32>) {schedule = {vectorize = array<i64: 1, 3>}} -> tensor<4x4xf32> {
    %x = te.extract %a[%i, %j] : tensor<4x4xf32>
    te.yield %x : f32
  }
  return %0 : tensor<4x4xf32>
}

// -----

func.func @inline_reduction(%a: tensor<4xf32>) -> tensor<f32> {
  // expected-error@+1 {{'te.compute' op schedule 'inline' is not allowed on a reduction}}
  %0 = te.compute () reduce (%k) ins(%a : tensor<4xf32>) {combiner = "add", reduce_extents = array<i64: 4>, schedule = {inline}} -> tensor<f32> {
    %x = te.extract %a[%k] : tensor<4xf32>
    te.yield %x : f32
  }
  return %0 : tensor<f32>
}

// -----

func.func @compute_at(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'te.compute' op schedule 'compute_at' needs exactly one consuming te.compute}}
  %0 = te.compute (%i) ins(%a : tensor<4xf32>) {schedule = {compute_at = 0 : i64}} -> tensor<4xf32> {
    %x = te.extract %a[%i] : tensor<4xf32>
    te.yield %x : f32
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @unknown_entry(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'te.compute' op unknown schedule entry 'fuse'}}
  %0 = te.compute (%i) ins(%a : tensor<4xf32>) {schedule = {fuse}} -> tensor<4xf32> {
    %x = te.extract %a[%i] : tensor<4xf32>
    te.yield %x : f32
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @group_yield(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'te.group' op yielded types must match the result types}}
  %0 = te.group (%x = %a) : (tensor<4xf32>) -> tensor<4xf32> {
    %c = arith.constant 1.0 : f32
    te.yield %c : f32
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @missing_dims(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error@+1 {{expects 1 'dims' extents (one per dynamic extent), got 0}}
  %y = te.compute (%i, %j) ins(%x : tensor<?x4xf32>) -> tensor<?x4xf32> {
    %v = te.extract %x[%i, %j] : tensor<?x4xf32>
    te.yield %v : f32
  }
  return %y : tensor<?x4xf32>
}

// -----

func.func @dim_out_of_range(%x: tensor<?x4xf32>) -> index {
  // expected-error@+1 {{dimension 2 is out of range for a rank-2 tensor}}
  %n = te.dim %x, 2 : tensor<?x4xf32>
  return %n : index
}

// -----

func.func @kernel_bounds(%x: tensor<4xf32>) -> tensor<?xi64> {
  // expected-error@+1 {{'te.kernel' op expects one non-negative bound per dynamic result extent (1), got []}}
  %r = te.kernel (%xb = %x) outs(%o) {bounds = array<i64>} : (tensor<4xf32>) -> tensor<?xi64> {
    %c0 = arith.constant 0 : index
    te.yield %c0 : index
  }
  return %r : tensor<?xi64>
}

// -----

func.func @kernel_yield(%x: tensor<4xf32>) -> tensor<?xi64> {
  // expected-error@+1 {{'te.kernel' op body must yield 1 index values (the dynamic result extents)}}
  %r = te.kernel (%xb = %x) outs(%o) {bounds = array<i64: 4>} : (tensor<4xf32>) -> tensor<?xi64> {
    te.yield
  }
  return %r : tensor<?xi64>
}

// -----

func.func @kernel_isolated(%x: tensor<4xf32>, %n: index) -> tensor<?xi64> {
  %r = te.kernel (%xb = %x) outs(%o) {bounds = array<i64: 4>} : (tensor<4xf32>) -> tensor<?xi64> {
    // expected-error@+1 {{use of undeclared SSA value name}}
    te.yield %n : index
  }
  return %r : tensor<?xi64>
}
