// RUN: dl-opt %s --allow-unregistered-dialect --verify-diagnostics
// expected-note@+1 {{see existing symbol definition here}}
"test.symbol"() {sym_name = "f"} : () -> ()
// expected-error@+1 {{redefinition of symbol named 'f'}}
"test.symbol"() {sym_name = "f"} : () -> ()
