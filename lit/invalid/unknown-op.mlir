// Ops of unknown dialects need --allow-unregistered-dialect; unknown ops of
// registered dialects are always errors.
// RUN: not dl-opt %s --split-input-file 2>&1 | FileCheck %s

// CHECK: unknown-op.mlir:[[@LINE+1]]:1: error: operation 'foo.bar' is of an unregistered dialect; if this is intended, use --allow-unregistered-dialect
"foo.bar"() : () -> ()

// -----

// CHECK: unknown-op.mlir:[[@LINE+1]]:1: error: Dialect `foo' not found for custom op 'foo.bar'
foo.bar

// -----

// CHECK: unknown-op.mlir:[[@LINE+1]]:1: error: unregistered operation 'builtin.nope' found in dialect ('builtin') that does not allow unknown operations
"builtin.nope"() : () -> ()

// -----

// CHECK: unknown-op.mlir:[[@LINE+1]]:1: error: custom op 'nope' is unknown (tried 'builtin.nope' as well)
nope
