// --mlir-print-debuginfo prints locations with MLIR's alias numbering:
// the implicit module is at file:0:0, block argument locations print inline,
// nested locations use aliases, and deferred aliases follow the module.
// RUN: dl-opt %s --allow-unregistered-dialect --mlir-print-debuginfo | FileCheck %s
// RUN: dl-opt %s --allow-unregistered-dialect --mlir-print-debuginfo | dl-opt --allow-unregistered-dialect --mlir-print-debuginfo | FileCheck %s

// CHECK: #[[ARG:loc[0-9]*]] = loc("{{.*}}debuginfo.mlir":[[@LINE+3]]:6)
// CHECK: module {
"test.a"() ({
^bb0(%a: i32):
  %0 = "test.b"(%a) : (i32) -> i32 loc("x.py":3:4)
  "test.c"(%0) : (i32) -> () loc(fused["a.py":1:2, "b"("c.py":5:6)])
  "test.d"() : () -> () loc(callsite("f" at "g.py":7:8))
}) : () -> ()
"test.e"() : () -> () loc(unknown)
// CHECK:   ^bb0(%arg0: i32 loc("{{.*}}debuginfo.mlir":{{[0-9]+}}:6)):
// CHECK:     %0 = "test.b"(%arg0) : (i32) -> i32 loc(#[[XPY:loc[0-9]*]])
// CHECK:     "test.c"(%0) : (i32) -> () loc(#[[FUSED:loc[0-9]*]])
// CHECK:     "test.d"() : () -> () loc(#[[CALL:loc[0-9]*]])
// CHECK:   "test.e"() : () -> () loc(#[[UNK:loc[0-9]*]])
// CHECK: } loc(#[[MOD:loc[0-9]*]])
// CHECK-DAG: #[[MOD]] = loc("{{.*}}debuginfo.mlir":0:0)
// CHECK-DAG: #[[XPY]] = loc("x.py":3:4)
// CHECK-DAG: #[[UNK]] = loc(unknown)
// CHECK-DAG: #[[CALL]] = loc(callsite(#{{loc[0-9]*}} at #{{loc[0-9]*}}))
// CHECK-DAG: #[[FUSED]] = loc(fused[#{{loc[0-9]*}}, #{{loc[0-9]*}}])
