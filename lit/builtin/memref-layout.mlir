// RUN: dl-opt %s --allow-unregistered-dialect | FileCheck %s

// Identity layouts are dropped; other maps get aliases in first-use order
// (regions before the op's own types and attributes in the generic form).
// CHECK: #map = affine_map<(d0) -> (d0 * 9)>
// CHECK-NEXT: #map1 = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-NEXT: #map2 = affine_map<(d0) -> (d0 * 11)>
// CHECK-NOT: #map3
// CHECK: "test.inner"() {q = #map} : () -> ()
// CHECK: }) {w = #map2} : () -> memref<4x4xf32, #map1>
// CHECK: "test.op"() {l0 = memref<4x4xf32, strided<[4, 1], offset: ?>>, l1 = memref<?x4xf32, strided<[?, 1]>>, l2 = memref<4xf32, strided<[1]>>, l3 = memref<4x4xf32>, l4 = memref<4x4xf32, 1>} : () -> ()
%0 = "test.op"() ({
  "test.inner"() {q = affine_map<(d0) -> (d0 * 9)>} : () -> ()
}) {w = affine_map<(d0) -> (d0 * 11)>} : () -> (memref<4x4xf32, affine_map<(d0, d1) -> (d1, d0)>>)
"test.op"() {l0 = memref<4x4xf32, strided<[4, 1], offset: ?>>, l1 = memref<?x4xf32, strided<[?, 1]>>, l2 = memref<4xf32, strided<[1], offset: 0>>, l3 = memref<4x4xf32, affine_map<(d0, d1) -> (d0, d1)>>, l4 = memref<4x4xf32, affine_map<(d0, d1) -> (d0, d1)>, 1>} : () -> ()
