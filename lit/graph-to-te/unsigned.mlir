// RUN: dl-opt %s --lower-graph-to-te | FileCheck %s
// RUN: dl-opt %s --lower-graph-to-te | dl-opt | FileCheck %s

// te and below are signless, like arith: unsigned tensors become signless
// and the ops that read them use the unsigned arith forms.

// CHECK-LABEL: func.func @unsigned(%arg0: tensor<4xi8>, %arg1: tensor<4xi8>, %arg2: tensor<4xi32>) -> (tensor<4xi8>, tensor<4xi1>, tensor<4xf32>, tensor<4xi32>)
// CHECK: arith.divui %{{.+}}, %{{.+}} : i8
// CHECK: arith.maxui %{{.+}}, %{{.+}} : i8
// CHECK: arith.cmpi ult, %{{.+}}, %{{.+}} : i8
// CHECK: arith.uitofp %{{.+}} : i8 to f32
// CHECK: arith.shrui %{{.+}}, %{{.+}} : i32
func.func @unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>, %s: tensor<4xui32>) -> (tensor<4xui8>, tensor<4xi1>, tensor<4xf32>, tensor<4xui32>) {
  %0 = graph.div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = graph.max %0, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %2 = graph.elementwise "less" %1, %a : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  %3 = graph.elementwise "cast" %a : (tensor<4xui8>) -> tensor<4xf32>
  %4 = graph.elementwise "bitshift" %s, %s {direction = "RIGHT"} : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32>
  return %1, %2, %3, %4 : tensor<4xui8>, tensor<4xi1>, tensor<4xf32>, tensor<4xui32>
}
