// RUN: dl-opt %s --lower-loops-to-llvm --split-input-file | FileCheck %s
// RUN: dl-opt %s --lower-loops-to-llvm --split-input-file | dl-opt --split-input-file | FileCheck %s

// The entry point follows the ABI: inputs, outputs, workspace; i32 result.
// CHECK-LABEL: llvm.func @add_relu(
// CHECK-SAME: %[[INS:.*]]: !llvm.ptr, %[[OUTS:.*]]: !llvm.ptr, %[[WS:.*]]: !llvm.ptr) -> i32 {
// CHECK: %[[PA:.*]] = llvm.getelementptr inbounds %[[INS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[A:.*]] = llvm.load %[[PA]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK: %[[PB:.*]] = llvm.getelementptr inbounds %[[INS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[B:.*]] = llvm.load %[[PB]]
// CHECK: %[[PO:.*]] = llvm.getelementptr inbounds %[[OUTS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[O:.*]] = llvm.load %[[PO]]
// CHECK: %[[LB:.*]] = llvm.mlir.constant(0 : i64) : i64
// CHECK: %[[UB:.*]] = llvm.mlir.constant(8 : i64) : i64
// CHECK: %[[STEP:.*]] = llvm.mlir.constant(1 : i64) : i64
// CHECK: %[[ZERO:.*]] = llvm.mlir.constant(0.000000e+00 : f32) : f32
// CHECK: llvm.br ^[[HDR:.*]](%[[LB]] : i64)
// CHECK: ^[[HDR]](%[[I:.*]]: i64):
// CHECK: %[[C:.*]] = llvm.icmp "slt" %[[I]], %[[UB]] : i64
// CHECK: llvm.cond_br %[[C]], ^[[BODY:.*]], ^[[EXIT:.*]]
// CHECK: ^[[BODY]]:
// CHECK: %[[GA:.*]] = llvm.getelementptr inbounds %[[A]][%[[I]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: %[[X:.*]] = llvm.load %[[GA]] {alignment = 4 : i64} : !llvm.ptr -> f32
// CHECK: %[[Y:.*]] = llvm.load
// CHECK: %[[S:.*]] = llvm.fadd %[[X]], %[[Y]] : f32
// CHECK: %[[R:.*]] = llvm.intr.maximum(%[[S]], %[[ZERO]]) : (f32, f32) -> f32
// CHECK: %[[GO:.*]] = llvm.getelementptr inbounds %[[O]][%[[I]]]
// CHECK: llvm.store %[[R]], %[[GO]] {alignment = 4 : i64} : f32, !llvm.ptr
// CHECK: %[[N:.*]] = llvm.add %[[I]], %[[STEP]] : i64
// CHECK: llvm.br ^[[HDR]](%[[N]] : i64)
// CHECK: ^[[EXIT]]:
// CHECK: %[[Z:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK: llvm.return %[[Z]] : i32
// CHECK-LABEL: llvm.func @add_relu_workspace_size() -> i64 {
// CHECK: %[[SZ:.*]] = llvm.mlir.constant(0 : i64) : i64
// CHECK: llvm.return %[[SZ]] : i64
func.func @add_relu(%a: memref<8xf32>, %b: memref<8xf32>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  loop.for parallel %i = %c0 to %c8 step %c1 {
    %x = loop.load %a[%i] : memref<8xf32>
    %y = loop.load %b[%i] : memref<8xf32>
    %s = arith.addf %x, %y : f32
    %r = arith.maximumf %s, %zero : f32
    loop.store %r, %out[%i] : memref<8xf32>
  }
  return
}

// -----

// Row-major addressing, iter_args as header block arguments, and the
// workspace size from the views (offset 64 + 4*5*4 bytes).
// CHECK-LABEL: llvm.func @matmul(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %[[WS:.*]]: !llvm.ptr) -> i32
// CHECK: %[[T:.*]] = llvm.getelementptr inbounds %[[WS]][%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, i8
// CHECK: ^[[KH:bb[0-9]+]](%[[K:.*]]: i64, %[[ACC:.*]]: f32):
// CHECK: %[[D:.*]] = llvm.mlir.constant(3 : i64) : i64
// CHECK: %[[M:.*]] = llvm.mul %{{.*}}, %[[D]] : i64
// CHECK: %[[L:.*]] = llvm.add %[[M]], %[[K]] : i64
// CHECK: llvm.getelementptr inbounds %{{.*}}[%[[L]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: %[[P:.*]] = llvm.fmul
// CHECK: %[[Q:.*]] = llvm.fadd %[[ACC]], %[[P]] : f32
// CHECK: llvm.br ^[[KH]](%{{.*}}, %[[Q]] : i64, f32)
// CHECK: llvm.store %[[ACC]], %{{.*}} {alignment = 4 : i64} : f32, !llvm.ptr
// CHECK-LABEL: llvm.func @matmul_workspace_size() -> i64
// CHECK: llvm.mlir.constant(144 : i64) : i64
func.func @matmul(%a: memref<4x3xf32>, %b: memref<3x5xf32>, %c: memref<4x5xf32>, %ws: memref<?xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %t = loop.view %ws[%c64] : memref<?xi8> to memref<4x5xf32>
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c5 step %c1 {
      %acc = loop.for %k = %c0 to %c3 step %c1 iter_args(%s = %zero) -> (f32) {
        %x = loop.load %a[%i, %k] : memref<4x3xf32>
        %y = loop.load %b[%k, %j] : memref<3x5xf32>
        %p = arith.mulf %x, %y : f32
        %n = arith.addf %s, %p : f32
        loop.yield %n : f32
      }
      loop.store %acc, %t[%i, %j] : memref<4x5xf32>
      %v = loop.load %t[%i, %j] : memref<4x5xf32>
      loop.store %v, %c[%i, %j] : memref<4x5xf32>
    }
  }
  return
}

// -----

// Private helpers keep their signature; math and cf lower too.
// CHECK-LABEL: llvm.func internal @helper(
// CHECK-SAME: %[[X:.*]]: f32, %[[N:.*]]: i64) -> f32
// CHECK: %[[C:.*]] = llvm.fcmp "olt" %[[X]], %{{.*}} : f32
// CHECK: llvm.cond_br %[[C]], ^[[NEG:.*]], ^[[POS:.*]](%[[X]] : f32)
// CHECK: %[[E:.*]] = llvm.intr.exp(%[[X]]) : (f32) -> f32
// CHECK: %[[T:.*]] = llvm.intr.tanh(%[[E]]) : (f32) -> f32
// CHECK: %[[F:.*]] = llvm.sitofp %[[N]] : i64 to f32
// CHECK: %[[R:.*]] = llvm.intr.fma(%[[T]], %[[F]], %[[X]]) : (f32, f32, f32) -> f32
// CHECK: llvm.br ^[[POS]](%[[R]] : f32)
// CHECK: ^[[POS]](%[[Y:.*]]: f32):
// CHECK: llvm.return %[[Y]] : f32
func.func private @helper(%x: f32, %n: index) -> f32 {
  %z = arith.constant 0.0 : f32
  %c = arith.cmpf olt, %x, %z : f32
  cf.cond_br %c, ^neg, ^pos(%x : f32)
^neg:
  %e = math.exp %x : f32
  %t = math.tanh %e : f32
  %ni = arith.index_cast %n : index to i64
  %f = arith.sitofp %ni : i64 to f32
  %r = math.fma %t, %f, %x : f32
  cf.br ^pos(%r : f32)
^pos(%y: f32):
  return %y : f32
}

// -----

// Vector code: vector loads/stores are llvm.load/llvm.store of the vector
// type, arith/math ops keep their vector types, constants are dense
// splats, and loop.broadcast becomes the canonical splat (poison +
// insertelement at lane 0 + shufflevector with a zero mask).
// CHECK-LABEL: llvm.func @vec(
// CHECK: %[[H:.*]] = llvm.mlir.constant(dense<5.000000e-01> : vector<4xf32>) : vector<4xf32>
// CHECK: %[[X:.*]] = llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr -> vector<4xf32>
// CHECK: %[[S:.*]] = llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr -> f32
// CHECK: %[[P:.*]] = llvm.mlir.poison : vector<4xf32>
// CHECK: %[[C0:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK: %[[I:.*]] = llvm.insertelement %[[S]], %[[P]][%[[C0]] : i32] : vector<4xf32>
// CHECK: %[[B:.*]] = llvm.shufflevector %[[I]], %[[P]] [0, 0, 0, 0] : vector<4xf32>
// CHECK: %[[M:.*]] = llvm.fmul %[[X]], %[[B]] : vector<4xf32>
// CHECK: %[[SQ:.*]] = llvm.intr.sqrt(%[[M]]) : (vector<4xf32>) -> vector<4xf32>
// CHECK: %[[ONE:.*]] = llvm.mlir.constant(dense<1.000000e+00> : vector<4xf32>) : vector<4xf32>
// CHECK: %[[RS:.*]] = llvm.fdiv %[[ONE]], %[[SQ]] : vector<4xf32>
// CHECK: %[[MX:.*]] = llvm.intr.maximum(%[[RS]], %[[H]]) : (vector<4xf32>, vector<4xf32>) -> vector<4xf32>
// CHECK: llvm.store %[[MX]], %{{.*}} {alignment = 4 : i64} : vector<4xf32>, !llvm.ptr
func.func @vec(%a: memref<8xf32>, %s: memref<1xf32>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %half = arith.constant dense<0.5> : vector<4xf32>
  loop.for %i = %c0 to %c8 step %c4 {
    %x = loop.vector_load %a[%i] : memref<8xf32>, vector<4xf32>
    %y = loop.load %s[%c0] : memref<1xf32>
    %b = loop.broadcast %y : f32 to vector<4xf32>
    %m = arith.mulf %x, %b : vector<4xf32>
    %r = math.rsqrt %m : vector<4xf32>
    %z = arith.maximumf %r, %half : vector<4xf32>
    loop.vector_store %z, %out[%i] : memref<8xf32>, vector<4xf32>
  }
  return
}
