// RUN: dl-opt %s --lower-to-loops --lower-loops-to-llvm | FileCheck %s
// RUN: dl-opt %s --lower-to-loops --lower-loops-to-llvm | dl-opt | FileCheck %s

// The dynamic ABI: an entry point with run-time extents takes the input
// shapes and the output shapes after the workspace; it fills the output
// shapes through `<name>_output_shapes` and reads every extent from those
// arrays. The shape function becomes `<name>_workspace_size(input_shapes)`
// and `<name>_output_shapes(input_shapes, output_shapes)`.
// CHECK-LABEL: llvm.func @f(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr, %arg3: !llvm.ptr, %arg4: !llvm.ptr) -> i32
// Input shapes are checked first: a wrong static extent or a negative one
// returns 1.
// CHECK: llvm.icmp "slt" %{{.+}}, %{{.+}} : i64
// CHECK: llvm.icmp "ne" %{{.+}}, %{{.+}} : i64
// CHECK: llvm.cond_br %{{.+}}, ^bb{{[0-9]+}}, ^bb{{[0-9]+}}
// CHECK: %[[ONE:.+]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: llvm.return %[[ONE]] : i32
// CHECK: llvm.call @f_output_shapes(%arg3, %arg4) : (!llvm.ptr, !llvm.ptr) -> ()
// CHECK: %[[S:.+]] = llvm.getelementptr inbounds %arg3[0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P:.+]] = llvm.load %[[S]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK: %[[G:.+]] = llvm.getelementptr inbounds %[[P]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[N:.+]] = llvm.load %[[G]] {alignment = 8 : i64} : !llvm.ptr -> i64
// Row-major addresses use the run-time extents.
// CHECK: llvm.icmp "slt" %{{.+}}, %[[N]] : i64
// CHECK-LABEL: llvm.func @f_workspace_size(%arg0: !llvm.ptr) -> i64
// CHECK: llvm.return %{{.+}} : i64
// CHECK-LABEL: llvm.func @f_output_shapes(%arg0: !llvm.ptr, %arg1: !llvm.ptr)
// CHECK: llvm.store %{{.+}}, %{{.+}} {alignment = 8 : i64} : i64, !llvm.ptr
// CHECK: llvm.store %{{.+}}, %{{.+}} {alignment = 8 : i64} : i64, !llvm.ptr
// CHECK: llvm.return
// CHECK-NOT: llvm.func @f_workspace_size() -> i64
func.func @f(%x: tensor<?x4xf32>, %w: tensor<4x3xf32>) -> tensor<?x3xf32> {
  %y = graph.matmul %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %z = graph.relu %y : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %z : tensor<?x3xf32>
}
