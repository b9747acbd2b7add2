// Location printing is byte-identical to mlir-opt's.
// REQUIRES: mlir-opt
// RUN: dl-opt %s --allow-unregistered-dialect --mlir-print-debuginfo > %t.dl
// RUN: mlir-opt %s --allow-unregistered-dialect --mlir-print-debuginfo > %t.up
// RUN: diff %t.dl %t.up
// RUN: dl-opt %t.up --allow-unregistered-dialect --mlir-print-debuginfo | diff - %t.up
"test.a"() ({
^bb0(%a: i32, %b: f32 loc("arg.py":9:9)):
  %0 = "test.b"(%a) : (i32) -> i32 loc("x.py":3:4)
  "test.c"(%0) : (i32) -> () loc(fused["a.py":1:2, "b"("c.py":5:6)])
  "test.c2"(%0) : (i32) -> () loc(fused<"meta">["a.py":1:2])
  "test.d"() : () -> () loc(callsite("f" at "g.py":7:8))
  "test.e"() : () -> () loc("x.py":3:4)
  "test.f"() : () -> () loc("r.py":1:2 to 3:4)
  "test.g"() : () -> () loc("r.py":1:2 to :9)
}) : () -> ()
"test.h"() : () -> () loc(unknown)
