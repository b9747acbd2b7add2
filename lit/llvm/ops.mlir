// Round trip of llvm ops through the custom and the generic form.
// RUN: dl-opt %s | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GEN

// CHECK: llvm.mlir.global private constant @c(dense<[1, 2, 3]> : tensor<3xi32>) {addr_space = 0 : i32, alignment = 8 : i64} : !llvm.array<3 x i32>
// GEN: "llvm.mlir.global"() <{addr_space = 0 : i32, alignment = 8 : i64, constant, global_type = !llvm.array<3 x i32>, linkage = #llvm.linkage<private>, sym_name = "c", value = dense<[1, 2, 3]> : tensor<3xi32>}>
llvm.mlir.global private constant @c(dense<[1, 2, 3]> : tensor<3xi32>) {addr_space = 0 : i32, alignment = 8 : i64} : !llvm.array<3 x i32>

// CHECK-LABEL: llvm.func internal @loop(%arg0: !llvm.ptr {llvm.noalias}, %arg1: i64)
// GEN: function_type = !llvm.func<void (ptr, i64)>
llvm.func internal @loop(%arg0: !llvm.ptr {llvm.noalias}, %arg1: i64) {
  // CHECK: %[[Z:.+]] = llvm.mlir.constant(0 : i64) : i64
  %0 = llvm.mlir.constant(0 : i64) : i64
  // CHECK: llvm.br ^bb1(%[[Z]] : i64)
  llvm.br ^bb1(%0 : i64)
// CHECK: ^bb1(%[[I:.+]]: i64):
^bb1(%i: i64):
  // CHECK: llvm.icmp "ult" %[[I]], %arg1 : i64
  // GEN: "llvm.icmp"({{.*}}) <{predicate = 6 : i64}> : (i64, i64) -> i1
  %c = llvm.icmp "ult" %i, %arg1 : i64
  llvm.cond_br %c, ^bb2, ^bb3
^bb2:
  // CHECK: llvm.getelementptr inbounds|nuw %arg0[%[[I]]] : (!llvm.ptr, i64) -> !llvm.ptr, f64
  // GEN: noWrapFlags = 7 : i32, rawConstantIndices = array<i32: -2147483648>
  %p = llvm.getelementptr inbounds|nuw %arg0[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f64
  // CHECK: llvm.load volatile %{{.*}} : !llvm.ptr -> f64
  %v = llvm.load volatile %p : !llvm.ptr -> f64
  // CHECK: llvm.fdiv %{{.*}}, %{{.*}} {fastmathFlags = #llvm.fastmath<nnan, ninf>} : f64
  %d = llvm.fdiv %v, %v {fastmathFlags = #llvm.fastmath<nnan, ninf>} : f64
  // CHECK: llvm.fcmp "uno" %{{.*}}, %{{.*}} : f64
  %u = llvm.fcmp "uno" %d, %v : f64
  // CHECK: llvm.zext %{{.*}} : i1 to i64
  %z = llvm.zext %u : i1 to i64
  // CHECK: llvm.bitcast %{{.*}} : f64 to i64
  %b = llvm.bitcast %d : f64 to i64
  // CHECK: llvm.uitofp %{{.*}} : i64 to f64
  %f = llvm.uitofp %z : i64 to f64
  // CHECK: llvm.store %{{.*}}, %{{.*}} {alignment = 8 : i64} : f64, !llvm.ptr
  llvm.store %f, %p {alignment = 8 : i64} : f64, !llvm.ptr
  %n = llvm.add %i, %b : i64
  llvm.br ^bb1(%n : i64)
^bb3:
  // CHECK: llvm.return{{$}}
  llvm.return
}
