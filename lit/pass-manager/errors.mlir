// Pipeline errors end dl-opt with status 1 and a clear message.
// RUN: not dl-opt %s --pass-pipeline='builtin.module(no-such-pass)' 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: 'no-such-pass' does not refer to a registered pass or pass pipeline
// RUN: not dl-opt %s --pass-pipeline='builtin.module(cse{foo=1})' 2>&1 | FileCheck %s --check-prefix=OPTION
// OPTION: error: invalid option for pass 'cse': no such option 'foo'
// RUN: not dl-opt %s --pass-pipeline='func.func(cse)' 2>&1 | FileCheck %s --check-prefix=NEST
// NEST: error: can't run 'func.func' pass manager on 'builtin.module' op
// RUN: not dl-opt %s --pass-pipeline='builtin.module(cse' 2>&1 | FileCheck %s --check-prefix=SYNTAX
// SYNTAX: error:
// RUN: not dl-opt %s --pass-pipeline='builtin.module(cse)' --cse 2>&1 | FileCheck %s --check-prefix=BOTH
// BOTH: error: '--pass-pipeline' cannot be used with individual pass flags
// RUN: not dl-opt %s --pass-pipeline='cse' 2>&1 | FileCheck %s --check-prefix=ANCHOR
// ANCHOR: error: expected '(' after 'cse'

module {
}
