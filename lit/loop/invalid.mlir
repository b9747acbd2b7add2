// RUN: dl-opt %s --split-input-file --verify-diagnostics

func.func @rank(%m: memref<4x4xf32>, %i: index) {
  // expected-error@+1 {{incorrect number of indices for loop.load: expected 2 (the memref rank), got 1}}
  %0 = loop.load %m[%i] : memref<4x4xf32>
  return
}

// -----

func.func @store_rank(%m: memref<4xf32>, %i: index, %v: f32) {
  // expected-error@+1 {{incorrect number of indices for loop.store: expected 1 (the memref rank), got 2}}
  loop.store %v, %m[%i, %i] : memref<4xf32>
  return
}

// -----

func.func @yield_type(%lb: index, %ub: index, %s: index, %x: f32, %y: i32) {
  %r = loop.for %i = %lb to %ub step %s iter_args(%a = %x) -> (f32) {
    // expected-error@+1 {{'loop.yield' op type of operand #0 ('i32') does not match loop result type ('f32')}}
    loop.yield %y : i32
  }
  return
}

// -----

func.func @yield_count(%lb: index, %ub: index, %s: index, %x: f32) {
  %r = loop.for %i = %lb to %ub step %s iter_args(%a = %x) -> (f32) {
    // expected-error@+1 {{'loop.yield' op yields 0 values, but the enclosing 'loop.for' carries 1}}
    loop.yield
  }
  return
}

// -----

func.func @iter_args_count(%lb: index, %ub: index, %s: index, %x: f32) {
  // expected-error@+1 {{expected as many iter_args (1) as result types (2)}}
  %r:2 = loop.for %i = %lb to %ub step %s iter_args(%a = %x) -> (f32, f32) {
    loop.yield %a, %a : f32, f32
  }
  return
}

// -----

func.func @step(%lb: index, %ub: index, %m: memref<4xf32>, %x: f32) {
  %c0 = arith.constant 0 : index
  // expected-error@+1 {{constant step operand must be positive}}
  loop.for %i = %lb to %ub step %c0 {
    loop.store %x, %m[%i] : memref<4xf32>
  }
  return
}

// -----

func.func @view_bytes(%ws: memref<?xf32>, %o: index) {
  // expected-error@+1 {{operand #0 must be 1D memref of 8-bit signless integer values}}
  %0 = loop.view %ws[%o] : memref<?xf32> to memref<4xf32>
  return
}

// -----

func.func @view_dynamic(%ws: memref<?xi8>, %o: index) {
  // expected-error@+1 {{expects one size per dynamic dimension (1), got 0}}
  %0 = loop.view %ws[%o] : memref<?xi8> to memref<?xf32>
  return
}

// -----

func.func @view_extra_size(%ws: memref<?xi8>, %o: index, %n: index) {
  // expected-error@+1 {{expects one size per dynamic dimension (0), got 1}}
  %0 = loop.view %ws[%o][%n] : memref<?xi8> to memref<4xf32>
  return
}

// -----

func.func @dim_out_of_range(%m: memref<?x4xf32>) {
  // expected-error@+1 {{dimension 2 is out of range for a rank-2 memref}}
  %0 = loop.dim %m, 2 : memref<?x4xf32>
  return
}

// -----

func.func @vector_elem(%m: memref<16xf32>, %i: index) {
  // expected-error@+1 {{expects a 1-D vector of the memref element type, got 'vector<8xi32>'}}
  %0 = loop.vector_load %m[%i] : memref<16xf32>, vector<8xi32>
  return
}

// -----

func.func @yield_outside(%x: f32) {
  // expected-error@+1 {{'loop.yield' op expects parent op 'loop.for'}}
  loop.yield %x : f32
}

// -----

func.func @broadcast_type(%s: f32) {
  // expected-error@+1 {{'loop.broadcast' op expects a scalar source and a 1-D vector of that type, got 'f32' to 'vector<8xf64>'}}
  %v = loop.broadcast %s : f32 to vector<8xf64>
  return
}

// -----

func.func @unroll_factor(%lb: index, %ub: index, %s: index) {
  // expected-error@+1 {{'loop.for' op expects 'unroll' to be an integer >= 1}}
  loop.for %i = %lb to %ub step %s {
    loop.yield
  } {unroll = 0 : i64}
  return
}

// -----

func.func @flatten_elem(%m: memref<2x3xi64>) {
  // expected-error@+1 {{'loop.flatten' op expects a result memref<?xT> of the source's element type}}
  %f = loop.flatten %m : memref<2x3xi64> to memref<?xi32>
  return
}

// -----

func.func @set_static_dim(%m: memref<2x?xi64>, %n: index) {
  // expected-error@+1 {{'loop.set_dim' op dimension 0 is not dynamic}}
  loop.set_dim %m, 0, %n : memref<2x?xi64>
  return
}

// -----

func.func @parallel_call_unknown(%a: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  // expected-error@+1 {{'callee' does not reference a function}}
  "loop.parallel_call"(%c0, %c4, %c4, %a) <{callee = @nope}> : (index, index, index, memref<4xf32>) -> ()
  return
}

// -----

func.func private @piece(%lo: index, %hi: index, %a: memref<8xf32>) {
  return
}

func.func @parallel_call_types(%a: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  // expected-error@+1 {{callee must take (index, index) and then the captures' types, and return nothing}}
  "loop.parallel_call"(%c0, %c4, %c4, %a) <{callee = @piece}> : (index, index, index, memref<4xf32>) -> ()
  return
}
