// REQUIRES: dlc, dl-opt
// RUN: dlc %s -o %t.o --emit obj --target mips-linux-gnu
// RUN: FileCheck %s --check-prefix=HEADER < %t.h
// RUN: not dlc %s -o %t.bad.o --emit obj --target nosuch-arch 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not dlc %s -o %t.bad.so --target mips-linux-gnu 2>&1 | FileCheck %s --check-prefix=SO
// RUN: dlc %s -o %t.mlir --emit mlir
// RUN: dl-opt %t.mlir | FileCheck %s --check-prefix=LLVM
// RUN: dl-opt %t.mlir -o %t.1.mlir
// RUN: dl-opt %t.1.mlir -o %t.2.mlir
// RUN: diff %t.1.mlir %t.2.mlir
// RUN: dlc %s -o %t.ll --emit llvm --opt-level 0 --dump-after lower-loops-to-llvm 2>&1 | FileCheck %s --check-prefix=DUMP

// HEADER: input 0: a f32 [2, 4]
// HEADER: input 1: b f32 [2, 4]
// HEADER: output 0: y f32 [2, 4]
// HEADER: #define ADD_RELU_OUTPUT_0_SHAPE {2, 4}
// HEADER: size_t add_relu_workspace_size(void);
// HEADER: int add_relu(const void *const *inputs, void *const *outputs, void *workspace);

// TARGET: dlc: error: unknown or unregistered target triple 'nosuch-arch'; registered targets: {{.*}}x86-64{{.*}}mips

// SO: --emit so builds a shared library for the host

// LLVM: module attributes {dlc.signature = ["add_relu", {{.*}}]}
// LLVM: llvm.func @add_relu(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// LLVM: llvm.func @add_relu_workspace_size() -> i64

// DUMP: IR Dump After
// DUMP: llvm.func @add_relu(

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
