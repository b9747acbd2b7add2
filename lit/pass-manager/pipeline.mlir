// Textual pipelines: nesting, options, and --dump-pass-pipeline printed
// exactly as mlir-opt prints it.
// RUN: dl-opt %s --allow-unregistered-dialect --pass-pipeline='builtin.module(cse,canonicalize{max-iterations=3},dce)' | FileCheck %s
// RUN: dl-opt %s --allow-unregistered-dialect --pass-pipeline='builtin.module(func.func(cse,canonicalize),cse)' --dump-pass-pipeline -o %t 2>&1 | FileCheck %s --check-prefix=DUMP
// DUMP:      Pass Manager with 2 passes:
// DUMP-NEXT: builtin.module(
// DUMP-NEXT:   func.func(
// DUMP-NEXT:     cse,
// DUMP-NEXT:     canonicalize{  max-iterations=10 max-num-rewrites=-1 region-simplify=normal test-convergence=false top-down=true}
// DUMP-NEXT:   ),
// DUMP-NEXT:   cse
// DUMP-NEXT: )
// Pass flags build the same pipeline in command-line order.
// RUN: dl-opt %s --allow-unregistered-dialect --dce --cse --dump-pass-pipeline -o %t 2>&1 | FileCheck %s --check-prefix=FLAGS
// FLAGS: builtin.module(
// FLAGS-NEXT: dce,
// FLAGS-NEXT: cse
// REQUIRES: mlir-opt
// RUN: dl-opt %s --allow-unregistered-dialect --pass-pipeline='builtin.module(func.func(cse,canonicalize{max-iterations=4}),cse)' --dump-pass-pipeline -o %t 2> %t.dl
// RUN: mlir-opt %s --allow-unregistered-dialect --pass-pipeline='builtin.module(func.func(cse,canonicalize{max-iterations=4}),cse)' --dump-pass-pipeline -o %t 2> %t.up
// RUN: diff %t.dl %t.up

// CHECK: %[[A:.*]] = unrealized_conversion_cast to i64
// CHECK-NEXT: "test.use"(%[[A]], %[[A]])
%0 = builtin.unrealized_conversion_cast to i64
%1 = builtin.unrealized_conversion_cast to i64
"test.use"(%0, %1) : (i64, i64) -> ()
