// RUN: dl-opt %s --loop-fma | FileCheck %s
// RUN: dl-opt %s --loop-fma | dl-opt --verify-each | FileCheck %s

// A single-use product feeding an add becomes one fused multiply-add, on
// scalars and vectors; a product with another use is kept.
// CHECK-LABEL: func.func @contract
// CHECK: %[[V:.+]] = math.fma %arg2, %arg3, %arg4 : vector<8xf32>
// CHECK: %[[S:.+]] = math.fma %arg0, %arg1, %arg5 : f32
// CHECK: %[[P:.+]] = arith.mulf %arg0, %arg0 : f32
// CHECK: %[[T:.+]] = arith.addf %[[P]], %[[P]] : f32
// CHECK-NOT: arith.addf
// CHECK: return %[[V]], %[[S]], %[[T]]
func.func @contract(%a: f32, %b: f32, %x: vector<8xf32>, %y: vector<8xf32>, %z: vector<8xf32>, %c: f32) -> (vector<8xf32>, f32, f32) {
  %p = arith.mulf %x, %y : vector<8xf32>
  %s = arith.addf %z, %p : vector<8xf32>
  %q = arith.mulf %a, %b : f32
  %t = arith.addf %q, %c : f32
  %r = arith.mulf %a, %a : f32
  %u = arith.addf %r, %r : f32
  return %s, %t, %u : vector<8xf32>, f32, f32
}
