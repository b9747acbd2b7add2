// --verify-diagnostics matches errors, warnings, remarks and notes at the
// lines given by @+N, @-N, @above, @below and @N (absolute), and passes.
// RUN: dl-opt %s --allow-unregistered-dialect --split-input-file --verify-diagnostics --test-diagnostics

// expected-warning@+1 {{careful}}
"t.a"() {test.emit = "warning: careful"} : () -> ()
"t.b"() {test.emit = "remark: noted"} : () -> ()
// expected-remark@-1 {{noted}}
"t.c"() {test.emit = "warning: above"} : () -> ()
// expected-warning@above {{above}}
// expected-warning@below {{below}}
"t.d"() {test.emit = "warning: below"} : () -> ()
// expected-warning@14 {{absolute}}
"t.e"() {test.emit = "warning: absolute line"} : () -> ()

// -----

// expected-note@+1 {{in this region}}
"t.outer"() ({
  // expected-error@+1 {{fails here}}
  "t.inner"() {test.emit = "error: fails here", test.note = "in this region"} : () -> ()
}) : () -> ()
