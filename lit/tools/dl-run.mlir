// REQUIRES: dl-run, dlc
// RUN: rm -rf %t && mkdir -p %t
// RUN: dl-run %s --input b=%S/Inputs/add_relu.b.npy --input %S/Inputs/add_relu.a.npy --output-dir %t --repeat 3 | FileCheck %s --check-prefix=TIME
// RUN: cmp %t/output_0.npy %S/Inputs/add_relu.expected.npy
// RUN: dlc %s -o %t/m.mlir --emit mlir
// RUN: dl-run %t/m.mlir -i %S/Inputs/add_relu.a.npy -i %S/Inputs/add_relu.b.npy --output-dir %t/llvm
// RUN: cmp %t/llvm/output_0.npy %S/Inputs/add_relu.expected.npy
// RUN: not dl-run %s -i %S/Inputs/add_relu.a.npy 2>&1 | FileCheck %s --check-prefix=MISSING

// TIME: median run time over 3 run(s): {{[0-9.]+}} ms
// MISSING: dl-run: error: missing input 'b' (f32 [2, 4]); give it with --input b=FILE

func.func @add_relu(%a: memref<2x4xf32>, %b: memref<2x4xf32>, %out: memref<2x4xf32>) attributes {onnx.input_names = ["a", "b"], onnx.output_names = ["y"]} {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  loop.for parallel %i = %c0 to %c2 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      %x = loop.load %a[%i, %j] : memref<2x4xf32>
      %y = loop.load %b[%i, %j] : memref<2x4xf32>
      %s = arith.addf %x, %y : f32
      %r = arith.maximumf %s, %zero : f32
      loop.store %r, %out[%i, %j] : memref<2x4xf32>
    }
  }
  return
}
