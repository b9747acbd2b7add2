// RUN: dl-opt %s --loop-outline | FileCheck %s
// RUN: dl-opt %s --loop-outline | dl-opt --verify-each | FileCheck %s

// Each top-level nest moves into a private function called in its place;
// constants are cloned into it, the buffers it uses (an argument, a view)
// become its arguments. A buffer with run-time extents travels with them
// (loop.dim in the caller, an index argument after the buffer, and
// loop.extents_follow on the function, which loop-to-llvm reads).
// CHECK-LABEL: func.func @f(
// CHECK: %[[V:.+]] = loop.view %arg2
// CHECK-NEXT: call @f_nest0(%arg0, %[[V]]) : (memref<4xf32>, memref<4xf32>) -> ()
// CHECK-NEXT: call @f_nest1(%[[V]], %arg1) : (memref<4xf32>, memref<4xf32>) -> ()
// CHECK-NEXT: return
// CHECK: func.func private @f_nest0(%[[A:.+]]: memref<4xf32>, %[[B:.+]]: memref<4xf32>) attributes {loop.noinline} {
// CHECK: arith.constant 4 : index
// CHECK: loop.for
// CHECK: loop.load %[[A]]
// CHECK: loop.store %{{.+}}, %[[B]]
// CHECK: return
// CHECK: func.func private @f_nest1(
// CHECK-LABEL: func.func @dyn(
// CHECK: %[[D:.+]] = loop.dim %arg0, 0 : memref<?xf32>
// CHECK-NEXT: call @dyn_nest0(%arg1, %arg0, %[[D]]) : (index, memref<?xf32>, index) -> ()
// CHECK: func.func private @dyn_nest0(%{{.+}}: index, %{{.+}}: memref<?xf32>, %{{.+}}: index) attributes {loop.extents_follow, loop.noinline}
func.func @f(%a: memref<4xf32>, %out: memref<4xf32>, %ws: memref<?xi8>) attributes {loop.num_outputs = 1 : i64, loop.workspace_size = 64 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %v = loop.view %ws[%c0] : memref<?xi8> to memref<4xf32>
  loop.for %i = %c0 to %c4 step %c1 {
    %x = loop.load %a[%i] : memref<4xf32>
    %y = arith.addf %x, %x : f32
    loop.store %y, %v[%i] : memref<4xf32>
    loop.yield
  }
  loop.for %i = %c0 to %c4 step %c1 {
    %x = loop.load %v[%i] : memref<4xf32>
    loop.store %x, %out[%i] : memref<4xf32>
    loop.yield
  }
  return
}

func.func @dyn(%a: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  loop.for %i = %c0 to %n step %c1 {
    loop.store %one, %a[%i] : memref<?xf32>
    loop.yield
  }
  return
}
