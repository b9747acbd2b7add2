// RUN: dl-opt %s --loop-parallelize | FileCheck %s
// RUN: dl-opt %s --loop-parallelize | dl-opt --verify-each | FileCheck %s
// RUN: dl-opt %s --loop-parallelize --lower-loops-to-llvm | FileCheck %s --check-prefix=LLVM

// The outermost parallel loop moves into @f_par0(lo, hi, captures...),
// which runs it over [lo, hi); loop.parallel_call runs that over the
// loop's range on the thread pool. The serial loop inside goes along.
// CHECK-LABEL: func.func @f(
// CHECK: "loop.parallel_call"(%c0, %c16, %c1, %arg0, %[[S:.+]], %arg1) <{callee = @f_par0}> : (index, index, index, memref<16x8xf32>, vector<8xf32>, memref<16x8xf32>) -> ()
// CHECK-NOT: loop.for
// CHECK: func.func private @f_par0(%[[LO:.+]]: index, %[[HI:.+]]: index, %{{.+}}: memref<16x8xf32>, %{{.+}}: vector<8xf32>, %{{.+}}: memref<16x8xf32>) attributes {loop.noinline} {
// CHECK: loop.for %[[I:.+]] = %[[LO]] to %[[HI]] step %c1{{.*}} {
// CHECK-NOT: parallel
// CHECK: loop.vector_load
// The context holds the buffers (8 bytes each) and the vector (32 bytes);
// a trampoline reads them back and calls the piece function.
// LLVM: llvm.mlir.global internal @__dlc_par_ctx_f_1(dense<0> : tensor<6xi64>)
// LLVM: llvm.func internal @f_par0_tramp(%[[CTX:.+]]: !llvm.ptr, %[[LO:.+]]: i64, %[[HI:.+]]: i64) {
// LLVM: llvm.getelementptr inbounds %[[CTX]][8] : (!llvm.ptr) -> !llvm.ptr, i8
// LLVM: llvm.load %{{.+}} {alignment = 8 : i64} : !llvm.ptr -> vector<8xf32>
// LLVM: llvm.getelementptr inbounds %[[CTX]][40] : (!llvm.ptr) -> !llvm.ptr, i8
// LLVM: llvm.call @f_par0(%[[LO]], %[[HI]],
// LLVM: llvm.func @__dlc_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64, i64) attributes {sym_visibility = "private"}
// LLVM: llvm.mlir.addressof @f_par0_tramp : !llvm.ptr
// LLVM: llvm.call @__dlc_parallel_for(
// LLVM: llvm.func @f_set_num_threads(
func.func @f(%a: memref<16x8xf32>, %out: memref<16x8xf32>, %ws: memref<?xi8>) attributes {loop.num_outputs = 1 : i64, loop.workspace_size = 0 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %z = arith.constant 0.0 : f32
  %zv = loop.broadcast %z : f32 to vector<8xf32>
  loop.for parallel %i = %c0 to %c16 step %c1 {
    loop.for %j = %c0 to %c8 step %c8 {
      %x = loop.vector_load %a[%i, %j] : memref<16x8xf32>, vector<8xf32>
      %y = arith.maximumf %x, %zv : vector<8xf32>
      loop.vector_store %y, %out[%i, %j] : memref<16x8xf32>, vector<8xf32>
      loop.yield
    }
    loop.yield
  }
  return
}
