// RUN: dl-opt %s --lower-loops-to-llvm | FileCheck %s
// RUN: dl-opt %s --lower-loops-to-llvm | dl-opt --verify-each | FileCheck %s

// An outlined nest (`loop.noinline`, from --loop-outline) keeps LLVM's
// noinline: upstream's spelling, passthrough = ["noinline"].
// CHECK: llvm.func internal @f_nest0(%{{.+}}: !llvm.ptr) attributes {passthrough = ["noinline"]}
func.func private @f_nest0(%a: memref<4xf32>) attributes {loop.noinline} {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  loop.store %one, %a[%c0] : memref<4xf32>
  return
}
