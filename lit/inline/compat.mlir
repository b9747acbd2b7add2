// The inliner against upstream: single- and multi-block callees,
// recursion left alone, dead private callees erased, call_indirect of a
// constant devirtualized, with and without the default simplification.
// REQUIRES: mlir-opt
// RUN: dl-opt --allow-unregistered-dialect --inline %s > %t.dl && mlir-opt --allow-unregistered-dialect --inline %s > %t.up && diff %t.dl %t.up
// RUN: dl-opt --allow-unregistered-dialect --inline %s --mlir-print-debuginfo > %t.dld && mlir-opt --allow-unregistered-dialect --inline %s --mlir-print-debuginfo > %t.upd && diff %t.dld %t.upd
// RUN: dl-opt --allow-unregistered-dialect --inline=default-pipeline= %s > %t.dl2 && mlir-opt --allow-unregistered-dialect --inline=default-pipeline= %s > %t.up2 && diff %t.dl2 %t.up2

func.func private @add(%a: i32, %b: i32) -> i32 {
  %0 = "test.add"(%a, %b) : (i32, i32) -> i32
  return %0 : i32
}
func.func @pub(%a: i32) -> i32 {
  return %a : i32
}
func.func private @multi(%c: i1, %x: i32) -> i32 {
  cf.cond_br %c, ^bb1, ^bb2
^bb1:
  return %x : i32
^bb2:
  %1 = "test.neg"(%x) : (i32) -> i32
  return %1 : i32
}
func.func private @rec(%x: i32) -> i32 {
  %0 = call @rec(%x) : (i32) -> i32
  return %0 : i32
}
func.func private @decl(i32) -> i32
func.func private @unused(%a: i32) -> i32 {
  return %a : i32
}
func.func private @leaf(%a: i32) -> i32 {
  %0 = "test.leaf"(%a) : (i32) -> i32
  return %0 : i32
}
func.func private @mid(%a: i32) -> i32 {
  %0 = call @leaf(%a) : (i32) -> i32
  return %0 : i32
}
func.func @caller(%x: i32, %c: i1) -> i32 {
  %0 = call @add(%x, %x) : (i32, i32) -> i32
  %1 = call @pub(%0) : (i32) -> i32
  %2 = call @multi(%c, %1) : (i1, i32) -> i32
  %3 = call @rec(%2) : (i32) -> i32
  %4 = call @decl(%3) : (i32) -> i32
  %5 = call @mid(%4) : (i32) -> i32
  %f = constant @leaf : (i32) -> i32
  %6 = call_indirect %f(%5) : (i32) -> i32
  %7 = "test.use"(%6) : (i32) -> i32
  return %7 : i32
}
func.func @nocalls(%c: i1, %x: i32) -> i32 {
  cf.br ^bb1
^bb1:
  cf.cond_br %c, ^bb2, ^bb2
^bb2:
  return %x : i32
}
