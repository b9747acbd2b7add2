// RUN: dl-opt %s --lower-te-to-loops 2>/dev/null | FileCheck %s
// RUN: dl-opt %s --lower-te-to-loops 2>/dev/null | dl-opt | FileCheck %s
// RUN: dl-opt %s --lower-te-to-loops --lower-loops-to-llvm 2>/dev/null | FileCheck %s --check-prefix=LLVM

// A kernel is inlined: its input arguments become the input buffers, its
// flat output the output buffer seen through loop.flatten. An output whose
// extent depends on the data is allocated for the bound (the shape
// function reports 8) and the actual extent is set with loop.set_dim;
// its scratch buffer (loop.alloc) is planned into the workspace for the
// kernel's duration.
// CHECK-LABEL: func.func @positive(%arg0: memref<8xf32>, %arg1: memref<?xi64>, %arg2: memref<?xi8>)
// CHECK-SAME: loop.shape_function = "positive.shapes"
// CHECK: %[[S:.+]] = loop.view %arg2[%{{.+}}] : memref<?xi8> to memref<8xi64>
// CHECK: %[[F:.+]] = loop.flatten %arg1 : memref<?xi64> to memref<?xi64>
// CHECK: %[[N:.+]] = loop.for
// CHECK:   loop.store %{{.+}}, %[[S]][%{{.+}}] : memref<8xi64>
// CHECK: loop.for
// CHECK:   loop.store %{{.+}}, %[[F]][%{{.+}}] : memref<?xi64>
// CHECK: loop.set_dim %arg1, 0, %[[N]] : memref<?xi64>
// CHECK: return
// CHECK-LABEL: func.func @positive.shapes(%arg0: memref<8xf32>) -> (index, index)
// CHECK: %[[B:.+]] = arith.constant 8 : index
// CHECK: return %{{.+}}, %[[B]] : index, index
// LLVM-LABEL: llvm.func @positive(
// LLVM: llvm.call @positive_output_shapes
// The reported extent is stored into output_shapes[0][0] just before the
// entry returns.
// LLVM: llvm.getelementptr inbounds %arg4[0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// LLVM: llvm.store %{{.+}}, %{{.+}} {alignment = 8 : i64} : i64, !llvm.ptr
// LLVM-NEXT: llvm.mlir.constant(0 : i32) : i32
// LLVM-LABEL: llvm.func @positive_output_shapes
func.func @positive(%x: tensor<8xf32>) -> tensor<?xi64> {
  %r = te.kernel (%xb = %x) outs(%o) {bounds = array<i64: 8>} : (tensor<8xf32>) -> tensor<?xi64> {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %zero = arith.constant 0.0 : f32
    // Positions first gathered in a scratch buffer, then copied out.
    %tmp = loop.alloc() : memref<8xi64>
    %n = loop.for %i = %c0 to %c8 step %c1 iter_args(%k = %c0) -> (index) {
      %v = loop.load %xb[%i] : memref<8xf32>
      %pos = arith.cmpf ogt, %v, %zero : f32
      %iv = arith.index_cast %i : index to i64
      loop.store %iv, %tmp[%k] : memref<8xi64>
      %inc = arith.select %pos, %c1, %c0 : index
      %k1 = arith.addi %k, %inc : index
      loop.yield %k1 : index
    }
    loop.for %i = %c0 to %n step %c1 {
      %v = loop.load %tmp[%i] : memref<8xi64>
      loop.store %v, %o[%i] : memref<?xi64>
    }
    te.yield %n : index
  }
  return %r : tensor<?xi64>
}

// A kernel with a static result is an ordinary intermediate: planned into
// the workspace, read by the next compute.
// CHECK-LABEL: func.func @reverse_then_double
// CHECK: %[[T:.+]] = loop.view %arg2[%{{.+}}] : memref<?xi8> to memref<4xi32>
// CHECK: %[[TF:.+]] = loop.flatten %[[T]] : memref<4xi32> to memref<?xi32>
// CHECK: loop.store %{{.+}}, %[[TF]][%{{.+}}] : memref<?xi32>
// CHECK: loop.load %[[T]][%{{.+}}] : memref<4xi32>
// CHECK-NOT: loop.set_dim
func.func @reverse_then_double(%x: tensor<4xi32>) -> tensor<4xi32> {
  %r = te.kernel (%xb = %x) outs(%o) {bounds = array<i64>} : (tensor<4xi32>) -> tensor<4xi32> {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c3 = arith.constant 3 : index
    %c4 = arith.constant 4 : index
    loop.for %i = %c0 to %c4 step %c1 {
      %v = loop.load %xb[%i] : memref<4xi32>
      %j = arith.subi %c3, %i : index
      loop.store %v, %o[%j] : memref<?xi32>
    }
    te.yield
  }
  %d = te.compute (%i) ins(%r : tensor<4xi32>) -> tensor<4xi32> {
    %v = te.extract %r[%i] : tensor<4xi32>
    %w = arith.addi %v, %v : i32
    te.yield %w : i32
  }
  return %d : tensor<4xi32>
}
