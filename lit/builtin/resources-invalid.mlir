// RUN: dl-opt %s --allow-unregistered-dialect --split-input-file --verify-diagnostics

"test.op"() {a = dense_resource<w> : tensor<2xi32>} : () -> ()
{-#
  dialect_resources: {
    builtin: {
      // expected-error@+1 {{expected hex string blob for key 'w'}}
      w: "0x0402"
    }
  }
#-}

// -----

"test.op"() {a = dense_resource<w> : tensor<2xi32>} : () -> ()
{-#
  // expected-error@+1 {{unknown key 'bogus' in file metadata dictionary}}
  bogus: {}
#-}
