// llvm.insertelement / extractelement / shufflevector (and the poison splat
// idiom) compared byte for byte with upstream mlir-opt, in custom, generic
// and debuginfo forms, in both directions.
// REQUIRES: mlir-opt
// RUN: dl-opt %s > %t.dl && mlir-opt %s > %t.up && diff %t.dl %t.up
// RUN: dl-opt %s | dl-opt | diff - %t.up
// RUN: dl-opt %s | mlir-opt | diff - %t.up
// The generic forms of the vector ops are identical (llvm.func's differs by
// upstream's default-valued properties, which dl-opt does not materialise).
// RUN: dl-opt %s --mlir-print-op-generic > %t.dlg && mlir-opt %s --mlir-print-op-generic > %t.upg
// RUN: grep -E '"llvm.(insertelement|extractelement|shufflevector|mlir.poison)"' %t.dlg > %t.dlv && grep -E '"llvm.(insertelement|extractelement|shufflevector|mlir.poison)"' %t.upg > %t.upv && diff %t.dlv %t.upv
// RUN: dl-opt %t.dlg | diff - %t.up
// RUN: dl-opt %t.upg | diff - %t.up
// RUN: mlir-opt %t.dlg | diff - %t.up
// RUN: dl-opt %t.dlg --mlir-print-op-generic | diff - %t.dlg
// RUN: dl-opt %s --mlir-print-debuginfo > %t.dld && mlir-opt %s --mlir-print-debuginfo > %t.upd && diff %t.dld %t.upd
// RUN: FileCheck %s --input-file=%t.dl

// CHECK-LABEL: llvm.func @splat(
// CHECK: %[[P:.*]] = llvm.mlir.poison : vector<8xf32>
// CHECK: %[[C:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK: %[[I:.*]] = llvm.insertelement %{{.*}}, %[[P]][%[[C]] : i32] : vector<8xf32>
// CHECK: llvm.shufflevector %[[I]], %[[P]] [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32> {{$}}
llvm.func @splat(%x: f32) -> vector<8xf32> {
  %p = llvm.mlir.poison : vector<8xf32>
  %c0 = llvm.mlir.constant(0 : i32) : i32
  %i = llvm.insertelement %x, %p[%c0 : i32] : vector<8xf32>
  %s = llvm.shufflevector %i, %p [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  llvm.return %s : vector<8xf32>
}

// CHECK-LABEL: llvm.func @elements(
// CHECK: llvm.extractelement %{{.*}}[%{{.*}} : i64] : vector<4xi32>
// CHECK: llvm.insertelement %{{.*}}, %{{.*}}[%{{.*}} : i1] {tag} : vector<4xi32>
// CHECK: llvm.extractelement %{{.*}}[%{{.*}} : i8] {tag = 1 : i64} : vector<2xf64>
llvm.func @elements(%v: vector<4xi32>, %i: i64, %b: i1, %q: vector<2xf64>, %k: i8) -> f64 {
  %e = llvm.extractelement %v[%i : i64] : vector<4xi32>
  %w = llvm.insertelement %e, %v[%b : i1] {tag} : vector<4xi32>
  %p = llvm.extractelement %q[%k : i8] {tag = 1 : i64} : vector<2xf64>
  %h = llvm.mlir.poison : vector<4xf16>
  %z = llvm.mlir.zero : vector<4xf16>
  %c = llvm.mlir.constant(3 : i32) : i32
  %f = llvm.extractelement %z[%c : i32] : vector<4xf16>
  %g = llvm.insertelement %f, %h[%c : i32] : vector<4xf16>
  llvm.return %p : f64
}

// Shuffles change the lane count with the mask; -1 is a poison lane.
// CHECK-LABEL: llvm.func @shuffles(
// CHECK: llvm.shufflevector %{{.*}}, %{{.*}} [0, -1, 7, 3] : vector<4xf32> {{$}}
// CHECK: llvm.shufflevector %{{.*}}, %{{.*}} [1] {tag} : vector<4xf32> {{$}}
// CHECK: llvm.shufflevector %{{.*}}, %{{.*}} [0, 0, 0] : vector<[4]xf32> {{$}}
// CHECK: llvm.shufflevector %{{.*}}, %{{.*}} [5, 4, 1, 0, 2, 3, 6, 7] : vector<4xf32> {{$}}
llvm.func @shuffles(%a: vector<4xf32>, %b: vector<4xf32>, %s: vector<[4]xf32>) -> vector<8xf32> {
  %0 = llvm.shufflevector %a, %b [0, -1, 7, 3] : vector<4xf32>
  %1 = llvm.shufflevector %0, %0 [1] {tag} : vector<4xf32>
  %2 = llvm.shufflevector %s, %s [0, 0, 0] : vector<[4]xf32>
  %3 = llvm.shufflevector %a, %b [5, 4, 1, 0, 2, 3, 6, 7] : vector<4xf32>
  %c = llvm.mlir.constant(0 : i32) : i32
  %4 = llvm.extractelement %1[%c : i32] : vector<1xf32>
  llvm.return %3 : vector<8xf32>
}
