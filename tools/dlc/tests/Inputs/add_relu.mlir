// A loop-level model: out = relu(a + b) over 2x4 buffers.
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
