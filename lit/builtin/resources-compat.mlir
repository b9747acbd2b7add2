// REQUIRES: mlir-opt
// RUN: dl-opt %s --allow-unregistered-dialect > %t.dl && mlir-opt %s --allow-unregistered-dialect > %t.up && diff %t.dl %t.up
// RUN: dl-opt %s --allow-unregistered-dialect | dl-opt --allow-unregistered-dialect > %t.rt && mlir-opt %t.up --allow-unregistered-dialect > %t.up2 && diff %t.rt %t.up2

"test.op"() {a = dense_resource<blob1> : tensor<3xi32>, b = dense_resource<"weird name"> : tensor<2xf32>, c = dense_resource<blob1> : tensor<3xi32>} : () -> ()
"test.op"() {d = [dense_resource<blob0> : tensor<1xi8>]} : () -> ()

{-#
  dialect_resources: {
    builtin: {
      blob0: "0x0100000007",
      blob1: "0x04000000010000000200000003000000",
      "weird name": "0x08000000000080BF0000803F",
      unused: "0x0400000001000000"
    }
  }
#-}
