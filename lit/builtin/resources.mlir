// RUN: dl-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: dl-opt %s --allow-unregistered-dialect | dl-opt --allow-unregistered-dialect | FileCheck %s

// Only used blobs are printed, in order of first use; external_resources is
// accepted and ignored.
// CHECK: "test.op"() {a = dense_resource<w1> : tensor<2xi32>, b = dense_resource<"w 0"> : tensor<1xf32>} : () -> ()
// CHECK:      {-#
// CHECK-NEXT:   dialect_resources: {
// CHECK-NEXT:     builtin: {
// CHECK-NEXT:       w1: "0x040000000100000002000000",
// CHECK-NEXT:       "w 0": "0x080000000000803F"
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT: #-}
// CHECK-NOT: unused
"test.op"() {a = dense_resource<w1> : tensor<2xi32>, b = dense_resource<"w 0"> : tensor<1xf32>} : () -> ()

{-#
  dialect_resources: {
    builtin: {
      "w 0": "0x080000000000803F",
      unused: "0x0400000001000000",
      w1: "0x040000000100000002000000"
    }
  },
  external_resources: {
    some_tool: {
      option: "x",
      flag: true
    }
  }
#-}
