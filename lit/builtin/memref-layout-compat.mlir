// REQUIRES: mlir-opt
// RUN: dl-opt %s --allow-unregistered-dialect > %t.dl && mlir-opt %s --allow-unregistered-dialect > %t.up && diff %t.dl %t.up
// RUN: dl-opt %s --allow-unregistered-dialect | dl-opt --allow-unregistered-dialect > %t.rt && mlir-opt %t.up --allow-unregistered-dialect > %t.up2 && diff %t.rt %t.up2
// RUN: dl-opt %s --allow-unregistered-dialect --mlir-print-op-generic > %t.gdl && mlir-opt %s --allow-unregistered-dialect --mlir-print-op-generic > %t.gup && diff %t.gdl %t.gup

"test.op"() {m = affine_map<(d0) -> (d0 floordiv 2)>, z = affine_map<(d0) -> (d0 * 3)>, a = affine_map<(d0) -> (d0 * 7)>} : () -> ()
%0 = "test.op"() ({
  "test.inner"() {q = affine_map<(d0) -> (d0 * 9)>} : () -> ()
}) {w = affine_map<(d0) -> (d0 * 11)>} : () -> (memref<4xf32, affine_map<(d0) -> (d0 * 13)>>)
"test.use"(%0) {k = affine_map<(d0) -> (d0 * 15)>} : (memref<4xf32, affine_map<(d0) -> (d0 * 13)>>) -> (memref<4x4xf32, affine_map<(d0, d1) -> (d1, d0)>>)
"test.op"() {s = affine_set<(d0) : (d0 >= 0)>, t = [affine_map<(d0) -> (d0 * 17)>], l0 = memref<4x4xf32, strided<[4, 1], offset: ?>>, l1 = memref<?x4xf32, strided<[?, 1]>>, l2 = memref<4xf32, strided<[1], offset: 5>>, l3 = memref<4x4xf32, affine_map<(d0, d1) -> (d0, d1)>>, l4 = memref<4xf32, strided<[1]>>, l5 = memref<4xf32, strided<[1], offset: 0>>, l6 = memref<4x4xf32, affine_map<(d0, d1) -> (d0, d1)>, 1>} : () -> ()
