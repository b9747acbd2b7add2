// Byte-for-byte comparison with upstream mlir-opt: custom, generic and
// debuginfo forms of func ops, and re-parsing each other's output.
// REQUIRES: mlir-opt
// RUN: dl-opt --allow-unregistered-dialect %s > %t.dl && mlir-opt --allow-unregistered-dialect %s > %t.up && diff %t.dl %t.up
// RUN: dl-opt --allow-unregistered-dialect %s --mlir-print-debuginfo > %t.dld && mlir-opt --allow-unregistered-dialect %s --mlir-print-debuginfo > %t.upd && diff %t.dld %t.upd
// RUN: mlir-opt --allow-unregistered-dialect %s --mlir-print-op-generic | dl-opt --allow-unregistered-dialect | diff - %t.up
// RUN: dl-opt --allow-unregistered-dialect %s --mlir-print-op-generic | mlir-opt --allow-unregistered-dialect | diff - %t.up

func.func private @decl(i32 {dlc.a}, f32) -> (i32 {res.x = 1 : i64}, f32)
func.func private @single(i64) -> i64
func.func private @fnres() -> ((i32) -> i32)
func.func nested @nested_decl()
func.func @f(%a: i32 {dlc.attr}, %b: f32 loc("x.py":1:2)) -> (i32 {res.attr}, f32) attributes {x, y = "s"} {
  %0:2 = call @f(%a, %b) : (i32, f32) -> (i32, f32)
  %1 = "test.i64"() : () -> i64
  %2 = call @single(%1) {tag} : (i64) -> i64
  return %0#0, %b : i32, f32
}
func.func @empty() -> () {
  return
}
func.func public @"quoted name"(%x: i64) -> i64 {
  %r = "test.op"(%x) : (i64) -> i64
  return %r : i64
}
