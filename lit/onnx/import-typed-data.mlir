// RUN: dl-opt %S/Inputs/typed_data.onnx | FileCheck %s
// Initializers of every data type, stored by the onnx package in the typed
// fields (float_data, int32_data, int64_data, double_data, uint64_data).

// CHECK: onnx.Constant dense<[1.500000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK: onnx.Constant dense<[1.500000e+00, -2.000000e+00]> : tensor<2xf64>
// CHECK: onnx.Constant dense<[1.500000e+00, -2.000000e+00]> : tensor<2xf16>
// CHECK: onnx.Constant dense<[1.500000e+00, -2.000000e+00]> : tensor<2xbf16>
// CHECK: onnx.Constant dense<[-3, 4]> : tensor<2xi8>
// CHECK: onnx.Constant dense<[-3, 4]> : tensor<2xi16>
// CHECK: onnx.Constant dense<[-3, 4]> : tensor<2xi32>
// CHECK: onnx.Constant dense<[-3, 4]> : tensor<2xi64>
// CHECK: onnx.Constant dense<[3, 250]> : tensor<2xui8>
// CHECK: onnx.Constant dense<[3, 65000]> : tensor<2xui16>
// CHECK: onnx.Constant dense<[3, 4000000000]> : tensor<2xui32>
// CHECK: onnx.Constant dense<[3, 18000000000000000000]> : tensor<2xui64>
// CHECK: onnx.Constant dense<[true, false]> : tensor<2xi1>
// CHECK: onnx.Identity
