// RUN: not dl-opt %S/Inputs/unsupported.onnx -o %t.out 2>&1 | FileCheck %s --check-prefix=UNSUP
// RUN: not test -e %t.out
// RUN: not dl-opt %S/Inputs/escape_data.onnx 2>&1 | FileCheck %s --check-prefix=ESCAPE
// RUN: not dl-opt %S/Inputs/does_not_exist.onnx 2>&1 | FileCheck %s --check-prefix=MISSING
// Import errors: every unsupported op listed at once, no output file;
// external data may not leave the model's folder.

// UNSUP: unsupported.onnx:0:0: error: 2 unsupported ONNX operator(s):
// UNSUP-NEXT: 'Unique' (node 'uniq0', domain 'ai.onnx', opset 17)
// UNSUP-NEXT: 'StringNormalizer' (node 'strnorm0', domain 'ai.onnx', opset 17)

// ESCAPE: error: tensor 'w': external data path '../../secret.bin' escapes the model's folder

// MISSING: error: could not read '{{.*}}does_not_exist.onnx'
