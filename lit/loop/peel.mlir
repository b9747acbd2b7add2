// RUN: dl-opt %s --loop-peel --split-input-file | FileCheck %s
// RUN: dl-opt %s --loop-peel --split-input-file | dl-opt --verify-each --split-input-file | FileCheck %s

// 0..13 step 6: the main loop covers the full tiles 0..12 and its point
// loop loses the clamp (%o + 6); the partial tile runs once after it, at 12,
// where the clamp min(12 + 6, 13) is a constant expression. The mark is gone.
// CHECK-LABEL: func.func @tiles
// CHECK: %[[C12:.+]] = arith.constant 12 : index
// CHECK: loop.for %[[O:.+]] = %{{.+}} to %[[C12]] step %{{.+}} {
// CHECK-NEXT:   %[[E:.+]] = arith.addi %[[O]], %{{.+}} : index
// CHECK-NEXT:   loop.for %[[I:.+]] = %[[O]] to %[[E]] step %{{.+}} {
// CHECK:   }
// CHECK: }
// CHECK-NOT: peel
// CHECK: %[[T:.+]] = arith.constant 12 : index
// CHECK-NEXT: %[[E2:.+]] = arith.addi %[[T]], %{{.+}} : index
// CHECK-NEXT: %[[M:.+]] = arith.minsi %[[E2]], %{{.+}} : index
// CHECK-NEXT: loop.for %{{.+}} = %[[T]] to %[[M]] step %{{.+}} {
func.func @tiles(%a: memref<13xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c6 = arith.constant 6 : index
  %c13 = arith.constant 13 : index
  %one = arith.constant 1.0 : f32
  loop.for %o = %c0 to %c13 step %c6 {
    %e = arith.addi %o, %c6 : index
    %u = arith.minsi %e, %c13 : index
    loop.for %i = %o to %u step %c1 {
      loop.store %one, %a[%i] : memref<13xf32>
      loop.yield
    }
    loop.yield
  } {peel}
  return
}

// -----

// A divisible extent has no partial tile: only the clamp goes.
// CHECK-LABEL: func.func @exact
// CHECK: loop.for %[[O:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-NEXT:   %[[E:.+]] = arith.addi %[[O]], %{{.+}} : index
// CHECK-NOT:    arith.minsi
// CHECK:        loop.for %{{.+}} = %[[O]] to %[[E]] step
// CHECK-NOT: loop.for
func.func @exact(%a: memref<12xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c6 = arith.constant 6 : index
  %c12 = arith.constant 12 : index
  %one = arith.constant 1.0 : f32
  loop.for %o = %c0 to %c12 step %c6 {
    %e = arith.addi %o, %c6 : index
    %u = arith.minsi %e, %c12 : index
    loop.for %i = %o to %u step %c1 {
      loop.store %one, %a[%i] : memref<12xf32>
      loop.yield
    }
    loop.yield
  } {peel}
  return
}

// -----

// Loop-carried values: the peeled step continues from the main loop's
// results and its value replaces the loop's in later uses.
// CHECK-LABEL: func.func @carried
// CHECK: %[[R:.+]] = loop.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}) -> (f32) {
// CHECK: %[[LAST:.+]] = arith.addf %[[R]], %{{.+}} : f32
// CHECK: loop.store %[[LAST]]
func.func @carried(%a: memref<7xf32>, %out: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c7 = arith.constant 7 : index
  %zero = arith.constant 0.0 : f32
  %r = loop.for %o = %c0 to %c7 step %c2 iter_args(%s = %zero) -> (f32) {
    %x = loop.load %a[%o] : memref<7xf32>
    %n = arith.addf %s, %x : f32
    loop.yield %n : f32
  } {peel}
  loop.store %r, %out[%c0] : memref<1xf32>
  return
}

// -----

// Run-time bounds: left alone, only the mark is removed.
// CHECK-LABEL: func.func @dynamic
// CHECK: loop.for
// CHECK-NOT: peel
func.func @dynamic(%a: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %one = arith.constant 1.0 : f32
  loop.for %o = %c0 to %n step %c4 {
    loop.store %one, %a[%o] : memref<?xf32>
    loop.yield
  } {peel}
  return
}
