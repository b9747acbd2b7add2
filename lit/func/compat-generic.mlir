// The generic form of func ops against upstream (one function body: see
// compat.mlir for the rest).
// REQUIRES: mlir-opt
// RUN: dl-opt --allow-unregistered-dialect %s --mlir-print-op-generic > %t.dl && mlir-opt --allow-unregistered-dialect %s --mlir-print-op-generic > %t.up && diff %t.dl %t.up
// RUN: dl-opt --allow-unregistered-dialect %t.up --mlir-print-op-generic | diff - %t.up

func.func private @decl(i32 {dlc.a}, f32) -> (i32 {res.x = 1 : i64}, f32)
func.func nested @nested_decl()
func.func public @f(%a: i32 {dlc.attr}, %b: f32) -> (i32 {res.attr}, f32) attributes {x, y = "s"} {
  %0:2 = call @f(%a, %b) : (i32, f32) -> (i32, f32)
  %1 = "test.i64"() : () -> i64
  %2:2 = call @decl(%0#0, %b) {tag} : (i32, f32) -> (i32, f32)
  return %0#0, %b : i32, f32
}
