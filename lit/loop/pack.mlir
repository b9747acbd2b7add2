// RUN: dl-opt %s --split-input-file --pass-pipeline='builtin.module(loop-pack{nr=16})' | FileCheck %s
// RUN: dl-opt %s --split-input-file --pass-pipeline='builtin.module(loop-pack{nr=16})' | dl-opt --split-input-file --verify-each | FileCheck %s

// A 2x32 constant read in 16-wide panels (%jo steps by 16, offsets 0 and
// 8) becomes a 2x2x16 constant, p[t, k, i] = b[k, 16 t + i], read at
// [%jo / 16, %k, c]; the peeled column 16 (a constant) reads panel 1.
// CHECK-LABEL: func.func @panels
// CHECK: %[[P:.+]] = loop.constant dense_resource<b_packed> : tensor<2x2x16xf32> : memref<2x2x16xf32>
// CHECK-NOT: memref<2x32xf32>
// CHECK: %[[T:.+]] = arith.divui %[[JO:.+]], %c16{{.*}} : index
// CHECK: loop.vector_load %[[P]][%[[T]], %[[K:.+]], %c0{{.*}}] : memref<2x2x16xf32>, vector<8xf32>
// CHECK: loop.vector_load %[[P]][%{{.+}}, %[[K]], %c8{{.*}}] : memref<2x2x16xf32>, vector<8xf32>
// CHECK: loop.vector_load %[[P]][%c1{{.*}}, %c0{{.*}}, %c0{{.*}}] : memref<2x2x16xf32>, vector<8xf32>
// CHECK: b_packed: "0x40000000000000000000803F0000004000004040000080400000A0400000C0400000E040000000410000104100002041000030410000404100005041000060410000704100000042000004420000084200000C4200001042000014420000184200001C4200002042000024420000284200002C4200003042000034420000384200003C42000080410000884100009041000098410000A0410000A8410000B0410000B8410000C0410000C8410000D0410000D8410000E0410000E8410000F0410000F84100004042000044420000484200004C4200005042000054420000584200005C4200006042000064420000684200006C4200007042000074420000784200007C42"
func.func @panels(%out: memref<2x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %b = loop.constant dense_resource<b> : tensor<2x32xf32> : memref<2x32xf32>
  loop.for %jo = %c0 to %c32 step %c16 {
    loop.for %k = %c0 to %c2 step %c1 {
      %j8 = arith.addi %jo, %c8 : index
      %x = loop.vector_load %b[%k, %jo] : memref<2x32xf32>, vector<8xf32>
      %y = loop.vector_load %b[%k, %j8] : memref<2x32xf32>, vector<8xf32>
      %s = arith.addf %x, %y : vector<8xf32>
      loop.vector_store %s, %out[%k, %c0] : memref<2x8xf32>, vector<8xf32>
      loop.yield
    }
    loop.yield
  }
  %z = loop.vector_load %b[%c0, %c16] : memref<2x32xf32>, vector<8xf32>
  loop.vector_store %z, %out[%c1, %c0] : memref<2x8xf32>, vector<8xf32>
  return
}

{-#
  dialect_resources: {
    builtin: {
      b: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041000080410000884100009041000098410000A0410000A8410000B0410000B8410000C0410000C8410000D0410000D8410000E0410000E8410000F0410000F84100000042000004420000084200000C4200001042000014420000184200001C4200002042000024420000284200002C4200003042000034420000384200003C4200004042000044420000484200004C4200005042000054420000584200005C4200006042000064420000684200006C4200007042000074420000784200007C42"
    }
  }
#-}

// -----

// A read that is not a panel access (here a scalar load) keeps the layout.
// CHECK-LABEL: func.func @kept
// CHECK: loop.constant dense<1.000000e+00> : tensor<2x32xf32> : memref<2x32xf32>
func.func @kept(%out: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %b = loop.constant dense<1.0> : tensor<2x32xf32> : memref<2x32xf32>
  %x = loop.load %b[%c0, %c0] : memref<2x32xf32>
  loop.store %x, %out[%c0] : memref<1xf32>
  return
}
