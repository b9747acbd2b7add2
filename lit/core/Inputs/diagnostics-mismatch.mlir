// Input of verify-diagnostics-mismatch.mlir (line numbers matter).
"t.a"() : () -> ()
// expected-error@-1 {{never emitted}}
"t.b"() : () -> ()
"t.c"() {test.emit = "warning: surprise"} : () -> ()
