// dl-opt's llvm-dialect output is accepted by upstream mlir-opt and
// translates to LLVM IR with mlir-translate.
// REQUIRES: mlir-opt
// RUN: dl-opt %S/basic.mlir --lower-loops-to-llvm --split-input-file | mlir-opt --split-input-file -o %t.mlir
// RUN: dl-opt %S/../te-to-loop/schedule-vectorize.mlir --lower-te-to-loops --lower-loops-to-llvm | mlir-opt -o %t2.mlir
// RUN: dl-opt %s --lower-loops-to-llvm | mlir-opt | FileCheck %s
// RUN: dl-opt %s --lower-loops-to-llvm --mlir-print-op-generic | mlir-opt --verify-each | FileCheck %s

// CHECK-LABEL: llvm.func @softmax_row(
// CHECK: llvm.intr.exp
// CHECK: llvm.fdiv
// CHECK-LABEL: llvm.func @softmax_row_workspace_size() -> i64
func.func @softmax_row(%x: memref<2x16xf32>, %y: memref<2x16xf32>, %ws: memref<128xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e = loop.view %ws[%c0] : memref<128xi8> to memref<16xf32>
  loop.for parallel %i = %c0 to %c2 step %c1 {
    %m = loop.for %j = %c0 to %c16 step %c1 iter_args(%a = %ninf) -> (f32) {
      %v = loop.load %x[%i, %j] : memref<2x16xf32>
      %n = arith.maxnumf %a, %v : f32
      loop.yield %n : f32
    }
    %s = loop.for %j = %c0 to %c16 step %c1 iter_args(%a = %zero) -> (f32) {
      %v = loop.load %x[%i, %j] : memref<2x16xf32>
      %d = arith.subf %v, %m : f32
      %ex = math.exp %d : f32
      loop.store %ex, %e[%j] : memref<16xf32>
      %n = arith.addf %a, %ex : f32
      loop.yield %n : f32
    }
    loop.for %j = %c0 to %c16 step %c1 {
      %v = loop.load %e[%j] : memref<16xf32>
      %q = arith.divf %v, %s : f32
      loop.store %q, %y[%i, %j] : memref<2x16xf32>
    }
  }
  return
}

// Vector code, as mlir-opt prints it.
// CHECK-LABEL: llvm.func @scale(
// CHECK: llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
// CHECK: %[[P:.*]] = llvm.mlir.poison : vector<8xf32>
// CHECK: %[[I:.*]] = llvm.insertelement %{{.*}}, %[[P]][%{{.*}} : i32] : vector<8xf32>
// CHECK: llvm.shufflevector %[[I]], %[[P]] [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
// CHECK: llvm.fmul %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK: llvm.intr.exp(%{{.*}}) : (vector<8xf32>) -> vector<8xf32>
// CHECK: llvm.mlir.constant(dense<0.000000e+00> : vector<8xf32>) : vector<8xf32>
// CHECK: llvm.fcmp "olt" %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK: llvm.select %{{.*}}, %{{.*}}, %{{.*}} : vector<8xi1>, vector<8xf32>
// CHECK: llvm.store %{{.*}}, %{{.*}} {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
func.func @scale(%x: memref<2x16xf32>, %s: memref<2xf32>, %y: memref<2x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  loop.for %i = %c0 to %c2 step %c1 {
    %f = loop.load %s[%i] : memref<2xf32>
    loop.for %j = %c0 to %c16 step %c8 {
      %v = loop.vector_load %x[%i, %j] : memref<2x16xf32>, vector<8xf32>
      %b = loop.broadcast %f : f32 to vector<8xf32>
      %m = arith.mulf %v, %b : vector<8xf32>
      %e = math.exp %m : vector<8xf32>
      %z = arith.constant dense<0.0> : vector<8xf32>
      %c = arith.cmpf olt, %m, %z : vector<8xf32>
      %r = arith.select %c, %e, %m : vector<8xi1>, vector<8xf32>
      loop.vector_store %r, %y[%i, %j] : memref<2x16xf32>, vector<8xf32>
    }
  }
  return
}
