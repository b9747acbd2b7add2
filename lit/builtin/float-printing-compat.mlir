// REQUIRES: mlir-opt
// RUN: dl-opt %S/float-printing.mlir --allow-unregistered-dialect > %t.dl
// RUN: mlir-opt %S/float-printing.mlir --allow-unregistered-dialect > %t.up
// RUN: diff %t.dl %t.up
