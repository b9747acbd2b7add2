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
