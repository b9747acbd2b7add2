// Uses must be dominated by their definitions in SSA-CFG regions.
// RUN: dl-opt %s --allow-unregistered-dialect --verify-diagnostics --split-input-file

"test.region"() ({
  // expected-error@+1 {{operand #0 does not dominate this use}}
  "test.use"(%0) : (i32) -> ()
  // expected-note@+1 {{operand defined here}}
  %0 = "test.def"() : () -> i32
  "test.term"() : () -> ()
}) : () -> ()

// -----

"test.region"() ({
  "test.br"() [^bb1] : () -> ()
^bb1:
  // expected-error@+1 {{operand #0 does not dominate this use}}
  "test.use"(%1) : (i32) -> ()
  "test.br"() [^bb2] : () -> ()
^bb2:
  // expected-note@+1 {{operand defined here}}
  %1 = "test.def"() : () -> i32
  "test.br"() [^bb1] : () -> ()
}) : () -> ()

// -----

// CHECK-NOT: error
// A value from a dominating block is usable in a nested region.
"test.region"() ({
  %2 = "test.def"() : () -> i32
  "test.br"() [^bb1] : () -> ()
^bb1:
  "test.nested"() ({
    "test.use"(%2) : (i32) -> ()
  }) : () -> ()
  "test.term"() : () -> ()
}) : () -> ()
