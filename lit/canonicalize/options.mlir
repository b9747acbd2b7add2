// Canonicalizer options: parsing, printing, and errors for bad values.
// RUN: dl-opt %s --allow-unregistered-dialect --pass-pipeline='builtin.module(canonicalize{max-iterations=3 top-down=false region-simplify=aggressive max-num-rewrites=7 test-convergence=true})' --dump-pass-pipeline 2>&1 >/dev/null | FileCheck %s --check-prefix=DUMP
// DUMP: canonicalize{  max-iterations=3 max-num-rewrites=7 region-simplify=aggressive test-convergence=true top-down=false}
// RUN: not dl-opt %s --pass-pipeline='builtin.module(canonicalize{max-iterations=x})' 2>&1 | FileCheck %s --check-prefix=BADINT
// BADINT: error: invalid option for pass 'canonicalize': 'x' is not an integer
// RUN: not dl-opt %s --pass-pipeline='builtin.module(canonicalize{region-simplify=max})' 2>&1 | FileCheck %s --check-prefix=BADENUM
// BADENUM: error: invalid option for pass 'canonicalize': 'max' is not a region-simplify level
// RUN: not dl-opt %s --pass-pipeline='builtin.module(canonicalize{top-down=maybe})' 2>&1 | FileCheck %s --check-prefix=BADBOOL
// BADBOOL: 'maybe' is not a boolean
// RUN: not dl-opt %s --canonicalize=no-such-option=1 2>&1 | FileCheck %s --check-prefix=BADKEY
// BADKEY: no such option 'no-such-option'
// With max-iterations=0 nothing runs: the dead op survives.
// RUN: dl-opt %s --allow-unregistered-dialect --canonicalize='max-iterations=0' | FileCheck %s --check-prefix=ZERO
// ZERO: to i16
// One iteration changes the IR, so convergence is only proven by a second.
// RUN: not dl-opt %s --allow-unregistered-dialect --canonicalize='max-iterations=1 test-convergence=true' 2>&1 | FileCheck %s --check-prefix=ONE
// ONE: error: canonicalizer failed to converge within 1 iterations
// RUN: dl-opt %s --allow-unregistered-dialect --canonicalize='max-iterations=2 test-convergence=true' | FileCheck %s --check-prefix=TWO
// TWO-NOT: to i16

%0 = builtin.unrealized_conversion_cast to i16
