// ROUNDTRIP-SETTLES-AFTER-ONE-PRINT: upstream simplifies some sums again when it re-reads its own output.
// REQUIRES: mlir-opt
// RUN: dl-opt %s --allow-unregistered-dialect > %t.dl && mlir-opt %s --allow-unregistered-dialect > %t.up && diff %t.dl %t.up
// RUN: dl-opt %s --allow-unregistered-dialect | dl-opt --allow-unregistered-dialect > %t.rt && mlir-opt %t.up --allow-unregistered-dialect > %t.up2 && diff %t.rt %t.up2

"test.op"() {a = affine_map<(d0, d1)[s0] -> (d0 + s0 * 2, d1 floordiv 4, d0 mod 3, -d1, d0 ceildiv 2)>} : () -> ()
"test.op"() {a = affine_map<(d0, d1) -> (2 * d0 + 0, d1 * 1, 3 + d0, d0 - d1, d0 - 3, (d0 + d1) * 4, d0 * -2 + d1, 5 * 3 + 1)>} : () -> ()
"test.op"() {a = affine_map<(d0, d1)[s0, s1] -> (s0 + d0, d1 + d0 + s1, d0 * s0, (d0 floordiv 2) * 3 - 1, d0 - (d1 - 2), -(d0 + d1), d0 mod 1, d0 floordiv 1, 7 mod 3, -7 floordiv 2, -7 ceildiv 2, d0 * 2 * 3, (d0 + 1) + 2)>} : () -> ()
"test.op"() {a = affine_map<() -> (0)>, b = affine_map<(d0) -> ()>, c = affine_map<(d0, d1) -> (d0, d1)>} : () -> ()
"test.op"() {a = affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>, b = affine_set<(d0) : (1 == 0)>, c = affine_set<() : (0 == 0)>} : () -> ()
"test.op"() {a = affine_map<(d0, d1)[s0, s1] -> (d1 + d0, s1 + s0, s0 * d1, d1 * s0, d1 + d0 floordiv 2, d0 floordiv 2 + d1, d1 * 2 + d0, d1 + (d0 + 3), d1 + 3 + d0, d0 + s0 + d1, d1 mod 4 + d0 mod 2, d0 * 2 + d0 * 3, d0 - d0, d0 + d1 - d1, s0 * s1, s1 * s0, d0 - (d0 floordiv 4) * 4, (d0 * 8) floordiv 4, d0 * (2 + 3), (d0 + d1) * 2, 2 * (d1 + d0))>} : () -> ()
"test.op"() {a = affine_map<(d0, d1, d2)[s0, s1] -> (d2 + d1 + d0, d1 + d0 * 2, d1 * 2 + d0 * 3, s1 * d0, d0 * s1 * s0, s1 mod s0, d1 + s1 + s0, (d2 + d1) + (d1 + d0), d1 * s1 + d0 * s0)>} : () -> ()
"test.op"() {a = affine_map<(d0, d1)[s0] -> (d0 - d1 floordiv 2, d0 - (d1 + s0), d0 - d1 * 3, d0 - (d1 mod 2) * 3, -(d0 floordiv 2), d0 * -1 - 5, -d0 - 5, (d0 - 1) * 2, d1 floordiv -2, d1 mod s0, d0 ceildiv 0, 0 - d0 - d1, 5 - d0, -s0 * d0, d0 + -1 * d1)>} : () -> ()
"test.op"() {a = affine_set<(d0, d1)[s0] : (d0 <= s0, d0 + 1 >= d1, d0 * 2 == d1 - 4, -d0 + 10 >= 0)>, b = affine_set<(d0) : ()>} : () -> ()
