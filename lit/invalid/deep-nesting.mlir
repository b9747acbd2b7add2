// 10,000 levels of nesting (regions, attributes, types) give a clean
// located error instead of a stack overflow.
// RUN: not dl-opt %S/Inputs/deep-regions.mlir --allow-unregistered-dialect 2>&1 | FileCheck %s
// RUN: not dl-opt %S/Inputs/deep-attrs.mlir --allow-unregistered-dialect 2>&1 | FileCheck %s
// RUN: not dl-opt %S/Inputs/deep-types.mlir --allow-unregistered-dialect 2>&1 | FileCheck %s
// CHECK: deep-{{.*}}.mlir:1:{{[0-9]+}}: error: nesting is deeper than the maximum of 1000
// CHECK-NOT: error:
