// Unmet expectations and unexpected diagnostics are reported at their
// lines, and the run fails.
// RUN: not dl-opt %S/Inputs/diagnostics-mismatch.mlir --allow-unregistered-dialect --verify-diagnostics --test-diagnostics 2>&1 | FileCheck %s
// CHECK-DAG: diagnostics-mismatch.mlir:3:4: error: expected error "never emitted" was not produced
// CHECK-DAG: diagnostics-mismatch.mlir:5:1: error: unexpected warning: surprise
