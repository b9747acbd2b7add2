// RUN: dl-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: dl-opt %s --allow-unregistered-dialect | dl-opt --allow-unregistered-dialect | FileCheck %s

// Maps are aliased in order of first use; expressions are simplified on
// construction the way MLIR does it.
// CHECK: #map = affine_map<(d0, d1)[s0] -> (d0 + s0 * 2, d1 floordiv 4, d0 mod 3, -d1, d0 ceildiv 2)>
// CHECK: #map1 = affine_map<(d0, d1) -> (d0 * 2, d1, d0 + 3, d0 - d1, 16, d0 + d1)>
// CHECK: #map2 = affine_map<(d0) -> (d0 mod 4, d0 * 2, -(d0 + 1), d0 - (d0 floordiv 2) * 3)>
// CHECK: #map3 = affine_map<(d0, d1)[s0] -> (d1 * s0, s0 floordiv 2)>
// CHECK: #set = affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>
// CHECK: #set1 = affine_set<(d0, d1) : (d1 - d0 >= 0, 0 == 0)>
// CHECK: "test.op"() {a = #map, b = #map1, c = #map2, d = #map3} : () -> ()
// CHECK: "test.op"() {s = #set, t = #set1} : () -> ()
"test.op"() {a = affine_map<(i, j)[n] -> (i + n * 2, j floordiv 4, i mod 3, -j, i ceildiv 2)>, b = affine_map<(d0, d1) -> (2 * d0 + 0, d1 * 1, 3 + d0, d0 - d1, 5 * 3 + 1, d1 + d0)>, c = affine_map<(d0) -> (d0 - (d0 floordiv 4) * 4, (d0 * 8) floordiv 4, -(d0 + 1), d0 - (d0 floordiv 2) * 3)>, d = affine_map<(d0, d1)[s0] -> (s0 * d1, s0 floordiv 2)>} : () -> ()
"test.op"() {s = affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>, t = affine_set<(d0, d1) : (d0 <= d1, 0 == 0)>} : () -> ()
