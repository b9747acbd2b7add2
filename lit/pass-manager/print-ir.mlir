// IR dumps around passes: headers and layout byte for byte as mlir-opt's.
// RUN: dl-opt %s --allow-unregistered-dialect --canonicalize --cse --mlir-print-ir-after-all --mlir-print-ir-before=cse -o %t 2>&1 | FileCheck %s
// CHECK: // -----// IR Dump After Canonicalizer (canonicalize) //----- //
// CHECK: // -----// IR Dump Before CSE (cse) //----- //
// CHECK-NEXT: module {
// CHECK: "test.use"(%0, %1)
// CHECK: // -----// IR Dump After CSE (cse) //----- //
// CHECK-NEXT: module {
// CHECK: "test.use"(%0, %0)
// REQUIRES: mlir-opt
// RUN: dl-opt %s --allow-unregistered-dialect --canonicalize --cse --mlir-print-ir-after-all --mlir-print-ir-before=cse -o %t 2> %t.dl
// RUN: mlir-opt %s --allow-unregistered-dialect --canonicalize --cse --mlir-print-ir-after-all --mlir-print-ir-before=cse -o %t 2> %t.up
// RUN: diff %t.dl %t.up
// RUN: dl-opt %s --allow-unregistered-dialect --cse --mlir-print-ir-before-all -o %t 2> %t.dl2
// RUN: mlir-opt %s --allow-unregistered-dialect --cse --mlir-print-ir-before-all -o %t 2> %t.up2
// RUN: diff %t.dl2 %t.up2

%0 = builtin.unrealized_conversion_cast to i64
%1 = builtin.unrealized_conversion_cast to i64
"test.use"(%0, %1) : (i64, i64) -> ()
