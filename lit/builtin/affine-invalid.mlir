// RUN: dl-opt %s --allow-unregistered-dialect --split-input-file --verify-diagnostics

// expected-error@+1 {{use of undeclared identifier}}
"test.op"() {a = affine_map<(d0) -> (d0 + s0)>} : () -> ()

// -----

// expected-error@+1 {{non-affine expression: at least one of the multiply operands has to be either a constant or symbolic}}
"test.op"() {a = affine_map<(d0, d1) -> (d0 * d1)>} : () -> ()

// -----

// expected-error@+1 {{non-affine expression: right operand of floordiv has to be either a constant or symbolic}}
"test.op"() {a = affine_map<(d0, d1) -> (d0 floordiv d1)>} : () -> ()

// -----

// expected-error@+1 {{non-affine expression: right operand of mod has to be either a constant or symbolic}}
"test.op"() {a = affine_map<(d0, d1) -> (d0 mod d1)>} : () -> ()

// -----

// expected-error@+1 {{redefinition of identifier 'd0'}}
"test.op"() {a = affine_map<(d0, d0) -> (d0)>} : () -> ()

// -----

// expected-error@+1 {{constant too large for index}}
"test.op"() {a = affine_map<(d0) -> (d0 + 99999999999999999999)>} : () -> ()

// -----

// expected-error@+1 {{expected}}
"test.op"() {a = affine_map<(d0) -> (d0 +)>} : () -> ()

// -----

// expected-error@+1 {{expected}}
"test.op"() {a = affine_set<(d0) : (d0 > 0)>} : () -> ()
