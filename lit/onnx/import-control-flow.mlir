// RUN: dl-opt %S/Inputs/control_flow.onnx | FileCheck %s

// Control flow is resolved at import. An If on a run-time condition
// computes both branches and selects with Where; an If whose condition
// folds at import (Size(x) == 6) inlines only the taken branch; a Scan
// with a static length is unrolled (Gather per step, states threaded
// through the body, scan outputs stacked by Reshape + Concat).
// CHECK: func.func @main_graph(%[[X:.+]]: tensor<3x2xf32>, %[[C:.+]]: tensor<i1>)
// CHECK: %[[A:.+]] = onnx.Abs %[[X]]
// CHECK: %[[N:.+]] = onnx.Neg %[[X]]
// CHECK: %[[W:.+]] = onnx.Where %[[C]], %[[A]], %[[N]]
// CHECK: %[[R:.+]] = onnx.Relu %[[X]]
// CHECK-NOT: onnx.Sigmoid
// CHECK-COUNT-3: onnx.Gather %[[X]]
// CHECK: %[[S:.+]] = onnx.Concat %{{.+}}, %{{.+}}, %{{.+}} {axis = 0 : i64} : (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<3x2xf32>
// CHECK: return %[[W]], %[[R]], %{{.+}}, %[[S]]
