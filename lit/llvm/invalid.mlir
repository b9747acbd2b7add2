// RUN: dl-opt %s --split-input-file --verify-diagnostics

llvm.func @f(%a: i32) -> i64 {
  // expected-error@+1 {{mismatching result types: 'i32' vs 'i64'}}
  llvm.return %a : i32
}

// -----

llvm.func @f(%a: i32) -> i32 {
  // expected-error@+1 {{invalid cast from 'i32' to 'i16'}}
  %0 = llvm.sext %a : i32 to i16
  llvm.return %a : i32
}

// -----

llvm.func @f(%p: !llvm.ptr, %i: i64) {
  // expected-error@+1 {{expected index 1 indexing a struct to be constant}}
  %0 = llvm.getelementptr %p[%i, %i] : (!llvm.ptr, i64, i64) -> !llvm.ptr, !llvm.struct<(i32, f32)>
  llvm.return
}

// -----

llvm.func @f(%p: !llvm.ptr) {
  // expected-error@+1 {{expected alignment to be a power of two}}
  %0 = llvm.load %p {alignment = 3 : i64} : !llvm.ptr -> f32
  llvm.return
}

// -----

llvm.func @f(%a: f32) {
  // expected-error@+1 {{'nope' does not reference a valid LLVM function}}
  llvm.call @nope(%a) : (f32) -> ()
  llvm.return
}

// -----

llvm.func @f() {
  // expected-error@+1 {{must reference a global defined by}}
  %0 = llvm.mlir.addressof @missing : !llvm.ptr
  llvm.return
}

// -----

llvm.func @f(%a: i32) -> i32 {
  %0 = llvm.intr.smax(%a, %a) : (i32, i32) -> i32
  // expected-error@+1 {{expected 1 operands, but found 2}}
  %1 = llvm.intr.exp(%a, %a) : (i32, i32) -> i32
  llvm.return %0 : i32
}

// -----

// expected-error@+1 {{initializer attribute does not match the global type}}
llvm.mlir.global internal constant @w(dense<[1.0, 2.0]> : tensor<2xf32>) : !llvm.array<3 x f32>

// -----

llvm.func @f(%a: i64) {
  llvm.br ^bb1(%a : i64)
^bb1(%b: i64):
  // expected-error@+1 {{branch has 0 operands for successor #0, but target block has 1}}
  llvm.br ^bb1
}

// -----

llvm.func @f(%x: f32, %i: i32) {
  // expected-error@+1 {{invalid kind of type specified: expected builtin.vector, but found 'f32'}}
  %0 = llvm.insertelement %x, %x[%i : i32] : f32
  llvm.return
}

// -----

llvm.func @f(%v: vector<4xf32>, %x: f32) {
  // expected-error@+1 {{invalid kind of type specified: expected builtin.integer, but found 'f32'}}
  %0 = llvm.extractelement %v[%x : f32] : vector<4xf32>
  llvm.return
}

// -----

llvm.func @f(%v: vector<4xf32>, %i: i32) {
  // expected-error@+1 {{'llvm.insertelement' op failed to verify that argument type matches vector element type}}
  %0 = "llvm.insertelement"(%v, %i, %i) : (vector<4xf32>, i32, i32) -> vector<4xf32>
  llvm.return
}

// -----

llvm.func @f(%v: vector<4xf32>, %x: f32, %i: i32) {
  // expected-error@+1 {{'llvm.insertelement' op failed to verify that all of {res, vector} have same type}}
  %0 = "llvm.insertelement"(%v, %x, %i) : (vector<4xf32>, f32, i32) -> vector<8xf32>
  llvm.return
}

// -----

llvm.func @f(%v: vector<4xf32>, %x: f32) {
  // expected-error@+1 {{'llvm.insertelement' op operand #2 must be signless integer, but got 'f32'}}
  %0 = "llvm.insertelement"(%v, %x, %x) : (vector<4xf32>, f32, f32) -> vector<4xf32>
  llvm.return
}

// -----

llvm.func @f(%x: f32, %i: i32) {
  // expected-error@+1 {{'llvm.insertelement' op operand #0 must be LLVM dialect-compatible vector type, but got 'f32'}}
  %0 = "llvm.insertelement"(%x, %x, %i) : (f32, f32, i32) -> f32
  llvm.return
}

// -----

llvm.func @f(%v: vector<4xf32>, %i: i32) {
  // expected-error@+1 {{'llvm.extractelement' op failed to verify that result type matches vector element type}}
  %0 = "llvm.extractelement"(%v, %i) : (vector<4xf32>, i32) -> f64
  llvm.return
}

// -----

llvm.func @f(%m: vector<2x4xf32>, %i: i32) {
  // expected-error@+1 {{'llvm.extractelement' op operand #0 must be LLVM dialect-compatible vector type, but got 'vector<2x4xf32>'}}
  %0 = llvm.extractelement %m[%i : i32] : vector<2x4xf32>
  llvm.return
}

// -----

llvm.func @f(%v: vector<4xf32>, %i: si32) {
  // expected-error@+1 {{'llvm.extractelement' op operand #1 must be signless integer, but got 'si32'}}
  %0 = llvm.extractelement %v[%i : si32] : vector<4xf32>
  llvm.return
}

// -----

llvm.func @f(%x: f32) {
  // expected-error@+1 {{invalid kind of type specified: expected builtin.vector, but found 'f32'}}
  %0 = llvm.shufflevector %x, %x [0] : f32
  llvm.return
}

// -----

llvm.func @f(%a: vector<4xf32>, %b: vector<8xf32>) {
  // expected-error@+1 {{'llvm.shufflevector' op failed to verify that all of {v1, v2} have same type}}
  %0 = "llvm.shufflevector"(%a, %b) <{mask = array<i32: 0>}> : (vector<4xf32>, vector<8xf32>) -> vector<1xf32>
  llvm.return
}

// -----

llvm.func @f(%a: vector<4xf32>) {
  // expected-error@+1 {{'llvm.shufflevector' op requires attribute 'mask'}}
  %0 = "llvm.shufflevector"(%a, %a) : (vector<4xf32>, vector<4xf32>) -> vector<1xf32>
  llvm.return
}

// -----

llvm.func @f(%s: vector<[4]xf32>) {
  // expected-error@+1 {{'llvm.shufflevector' op expected a splat operation for scalable vectors}}
  %0 = llvm.shufflevector %s, %s [0, 1] : vector<[4]xf32>
  llvm.return
}

// -----

llvm.func @f(%a: vector<4xf32>) {
  // expected-error@+1 {{'llvm.shufflevector' op expected a non-empty mask}}
  %0 = llvm.shufflevector %a, %a [] : vector<4xf32>
  llvm.return
}

// -----

llvm.func @f(%a: vector<4xf32>) {
  // expected-error@+1 {{'llvm.shufflevector' op mask index 8 out of range [-1, 8) for two vectors of 4 lanes}}
  %0 = llvm.shufflevector %a, %a [0, 8] : vector<4xf32>
  llvm.return
}

// -----

llvm.func @f(%a: vector<4xf32>) {
  // expected-error@+1 {{'llvm.shufflevector' op mask index -2 out of range [-1, 8) for two vectors of 4 lanes}}
  %0 = llvm.shufflevector %a, %a [-2] : vector<4xf32>
  llvm.return
}

// -----

llvm.func @f(%a: vector<4xf32>) {
  // expected-error@+1 {{'llvm.shufflevector' op result type 'vector<2xf32>' does not match a 1 lane shuffle of 'vector<4xf32>'}}
  %0 = "llvm.shufflevector"(%a, %a) <{mask = array<i32: 0>}> : (vector<4xf32>, vector<4xf32>) -> vector<2xf32>
  llvm.return
}

// -----

llvm.func @f(%a: vector<4xf32>) {
  // expected-error@+1 {{'llvm.shufflevector' op result type 'vector<1xi32>' does not match a 1 lane shuffle of 'vector<4xf32>'}}
  %0 = "llvm.shufflevector"(%a, %a) <{mask = array<i32: 0>}> : (vector<4xf32>, vector<4xf32>) -> vector<1xi32>
  llvm.return
}

// -----

llvm.func @bool_for_i32() -> i32 {
  // expected-error@+1 {{result type 'i32' does not match the value attribute}}
  %t = llvm.mlir.constant(true) : i32
  llvm.return %t : i32
}
