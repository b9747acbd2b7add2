// RUN: dl-opt %s --canonicalize --split-input-file | FileCheck %s
// RUN: dl-opt %s --loop-hoist --split-input-file | FileCheck %s --check-prefix=HOIST

// CHECK-LABEL: func.func @zero_trip
// CHECK-SAME: (%{{.*}}: memref<4xf32>, %[[X:.*]]: f32)
// CHECK-NOT: loop.for
// CHECK: return %[[X]] : f32
func.func @zero_trip(%m: memref<4xf32>, %x: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %r = loop.for %i = %c4 to %c0 step %c1 iter_args(%a = %x) -> (f32) {
    loop.store %a, %m[%i] : memref<4xf32>
    loop.yield %a : f32
  }
  return %r : f32
}

// -----

// CHECK-LABEL: func.func @single_iteration
// CHECK-SAME: (%[[M:.*]]: memref<4xf32>, %[[X:.*]]: f32)
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK-NOT: loop.for
// CHECK: %[[V:.*]] = loop.load %[[M]][%[[C2]]] : memref<4xf32>
// CHECK: %[[S:.*]] = arith.addf %[[X]], %[[V]] : f32
// CHECK: return %[[S]] : f32
func.func @single_iteration(%m: memref<4xf32>, %x: f32) -> f32 {
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c8 = arith.constant 8 : index
  %r = loop.for %i = %c2 to %c3 step %c8 iter_args(%a = %x) -> (f32) {
    %v = loop.load %m[%i] : memref<4xf32>
    %s = arith.addf %a, %v : f32
    loop.yield %s : f32
  }
  return %r : f32
}

// -----

// Loops with more than one trip stay.
// CHECK-LABEL: func.func @kept
// CHECK: loop.for
func.func @kept(%m: memref<4xf32>, %x: f32) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.store %x, %m[%i] : memref<4xf32>
  }
  return
}

// -----

// HOIST-LABEL: func.func @hoist
// HOIST-SAME: (%[[M:.*]]: memref<4x4xf32>, %[[X:.*]]: f32, %[[Y:.*]]: f32)
// HOIST: %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f32
// HOIST-NEXT: %[[E:.*]] = math.exp %[[P]] : f32
// HOIST-NEXT: loop.for %[[I:.*]] =
// HOIST-NEXT: %[[Q:.*]] = arith.index_cast %[[I]] : index to i64
// HOIST-NEXT: loop.for %[[J:.*]] =
// HOIST-NEXT: %[[V:.*]] = loop.load %[[M]][%[[I]], %[[J]]]
// HOIST-NEXT: %[[S:.*]] = arith.addf %[[V]], %[[E]] : f32
// HOIST-NEXT: loop.store %[[S]], %[[M]][%[[I]], %[[J]]]
func.func @hoist(%m: memref<4x4xf32>, %x: f32, %y: f32) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      %p = arith.mulf %x, %y : f32
      %e = math.exp %p : f32
      %q = arith.index_cast %i : index to i64
      %v = loop.load %m[%i, %j] : memref<4x4xf32>
      %s = arith.addf %v, %e : f32
      loop.store %s, %m[%i, %j] : memref<4x4xf32>
    }
  }
  return
}
