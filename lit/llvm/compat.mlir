// llvm dialect ops and types compared byte for byte with upstream mlir-opt
// (custom, generic and debuginfo forms, in both directions).
// REQUIRES: mlir-opt
// RUN: dl-opt %s > %t.dl && mlir-opt %s > %t.up && diff %t.dl %t.up
// RUN: dl-opt %s | mlir-opt | diff - %t.up
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | diff - %t.up
// RUN: dl-opt %s --mlir-print-op-generic | mlir-opt | diff - %t.up
// RUN: mlir-opt %s --mlir-print-op-generic | dl-opt | diff - %t.up
// RUN: dl-opt %s --mlir-print-debuginfo > %t.dld && mlir-opt %s --mlir-print-debuginfo > %t.upd && diff %t.dld %t.upd
llvm.mlir.global internal constant @w(dense<[1.0, 2.0]> : tensor<2xf32>) {addr_space = 0 : i32, alignment = 16 : i64} : !llvm.array<2 x f32>
llvm.mlir.global external @g(0 : i64) : i64
llvm.func @exp(f32) -> f32 attributes {sym_visibility = "private"}
llvm.func @sum(%arg0: !llvm.ptr {llvm.noalias, llvm.readonly}, %arg1: i64) -> f32 {
  %0 = llvm.mlir.constant(0 : i64) : i64
  %1 = llvm.mlir.constant(0.0 : f32) : f32
  %z = llvm.mlir.zero : !llvm.ptr
  %u = llvm.mlir.undef : !llvm.struct<(ptr, i64, array<2 x i64>)>
  %w = llvm.mlir.addressof @w : !llvm.ptr
  llvm.br ^bb1(%0, %1 : i64, f32)
^bb1(%i: i64, %acc: f32):
  %c = llvm.icmp "slt" %i, %arg1 : i64
  llvm.cond_br %c, ^bb2, ^bb3
^bb2:
  %p = llvm.getelementptr inbounds %arg0[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %q = llvm.getelementptr %z[%i, 1, %i] : (!llvm.ptr, i64, i64) -> !llvm.ptr, !llvm.struct<(i32, array<4 x f32>)>
  %v = llvm.load %p {alignment = 4 : i64} : !llvm.ptr -> f32
  %s = llvm.fadd %acc, %v {fastmathFlags = #llvm.fastmath<fast>} : f32
  %e = llvm.intr.exp(%s) : (f32) -> f32
  %m = llvm.intr.maxnum(%s, %e) : (f32, f32) -> f32
  %f = llvm.intr.fmuladd(%s, %e, %m) : (f32, f32, f32) -> f32
  %x = llvm.call @exp(%f) : (f32) -> f32
  %fc = llvm.fcmp "olt" %x, %f : f32
  %sel = llvm.select %fc, %x, %f : i1, f32
  %n = llvm.add %i, %0 overflow<nsw> : i64
  %ii = llvm.add %i, %0 : i64
  %t = llvm.trunc %ii : i64 to i32
  %se = llvm.sext %t : i32 to i64
  %pi = llvm.ptrtoint %p : !llvm.ptr to i64
  %ip = llvm.inttoptr %pi : i64 to !llvm.ptr<1>
  %fp = llvm.sitofp %t : i32 to f32
  %neg = llvm.fneg %fp : f32
  llvm.store %neg, %p {alignment = 4 : i64} : f32, !llvm.ptr
  llvm.br ^bb1(%n, %sel : i64, f32)
^bb3:
  llvm.return %acc : f32
}
llvm.func internal @v() {
  llvm.return
}
llvm.func @types(%a: !llvm.ptr<1>, %b: !llvm.struct<packed (i8, f64)>, %c: !llvm.array<2 x array<3 x i32>>, %d: vector<4xf32>) -> !llvm.struct<(ptr, ptr)> {
  %0 = llvm.mlir.poison : !llvm.struct<(ptr, ptr)>
  %1 = llvm.fmul %d, %d : vector<4xf32>
  %2 = llvm.intr.fma(%1, %d, %d) : (vector<4xf32>, vector<4xf32>, vector<4xf32>) -> vector<4xf32>
  llvm.return %0 : !llvm.struct<(ptr, ptr)>
}
llvm.func @printf(!llvm.ptr, ...) -> i32
llvm.func @ints(%a: i32, %b: i32) -> i1 {
  %0 = llvm.sdiv %a, %b : i32
  %1 = llvm.urem %0, %b : i32
  %2 = llvm.shl %1, %a overflow<nsw, nuw> : i32
  %3 = llvm.ashr %2, %a : i32
  %4 = llvm.xor %3, %b : i32
  %5 = llvm.intr.smax(%4, %a) : (i32, i32) -> i32
  %6 = llvm.icmp "uge" %5, %a : i32
  llvm.return %6 : i1
}
