// A small function for the README's main job:
//   dl-opt examples/hello.mlir --canonicalize --cse --symbol-dce
// folds the constant arithmetic, removes the duplicate computation and the
// dead branch and the unused private function, and prints the result.
func.func @hello(%x: i32, %flag: i1) -> i32 {
  %c2 = arith.constant 2 : i32
  %c3 = arith.constant 3 : i32
  %six = arith.muli %c2, %c3 : i32
  %a = arith.addi %x, %six : i32
  %b = arith.addi %x, %six : i32
  %sum = arith.addi %a, %b : i32
  %zero = arith.constant 0 : i32
  %same = arith.addi %sum, %zero : i32
  %true = arith.constant true
  cf.cond_br %true, ^bb1, ^bb2
^bb1:
  return %same : i32
^bb2:
  %neg = arith.subi %zero, %same : i32
  return %neg : i32
}

func.func private @unused() -> i32 {
  %c = arith.constant 42 : i32
  return %c : i32
}
