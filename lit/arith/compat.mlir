// REQUIRES: mlir-opt
// RUN: dl-opt %s > %t.dl && mlir-opt %s > %t.up && diff %t.dl %t.up
// RUN: dl-opt %s --mlir-print-op-generic | mlir-opt | diff - %t.up
// RUN: mlir-opt %s --mlir-print-op-generic | dl-opt | diff - %t.up
// RUN: dl-opt %s --mlir-print-op-generic --mlir-print-local-scope | dl-opt | diff - %t.up
// Custom and generic forms of every arith op (except the multi-result
// *_extended ops, whose result names are tested in ops.mlir) print exactly
// as mlir-opt prints them.

func.func @ints(%a: i32, %b: i32, %i: index, %v: vector<4xi32>) -> i32 {
  %0 = arith.addi %a, %b : i32
  %1 = arith.addi %a, %b overflow<nsw> : i32
  %2 = arith.subi %a, %b overflow<nuw> : i32
  %3 = arith.muli %a, %b overflow<nsw, nuw> : i32
  %4 = arith.divsi %a, %b : i32
  %5 = arith.divui %a, %b : i32
  %6 = arith.ceildivsi %a, %b : i32
  %7 = arith.ceildivui %a, %b : i32
  %8 = arith.floordivsi %a, %b : i32
  %9 = arith.remsi %a, %b : i32
  %10 = arith.remui %a, %b : i32
  %11 = arith.andi %a, %b : i32
  %12 = arith.ori %a, %b : i32
  %13 = arith.xori %a, %b : i32
  %14 = arith.shli %a, %b overflow<nsw> : i32
  %15 = arith.shrsi %a, %b : i32
  %16 = arith.shrui %a, %b : i32
  %17 = arith.maxsi %a, %b : i32
  %18 = arith.maxui %a, %b : i32
  %19 = arith.minsi %a, %b : i32
  %20 = arith.minui %a, %b : i32
  %21 = arith.addi %i, %i : index
  %22 = arith.muli %v, %v : vector<4xi32>
  %23 = arith.cmpi eq, %a, %b : i32
  %24 = arith.cmpi uge, %v, %v : vector<4xi32>
  %25 = arith.cmpi sgt, %i, %i : index
  return %0 : i32
}

func.func @floats(%x: f32, %y: f32, %t: tensor<2xf64>) -> f32 {
  %0 = arith.addf %x, %y : f32
  %1 = arith.subf %x, %y fastmath<fast> : f32
  %2 = arith.mulf %x, %y fastmath<nnan,ninf> : f32
  %3 = arith.divf %x, %y fastmath<reassoc,contract> : f32
  %4 = arith.remf %x, %y : f32
  %5 = arith.negf %x fastmath<afn> : f32
  %6 = arith.maximumf %x, %y : f32
  %7 = arith.minimumf %x, %y : f32
  %8 = arith.maxnumf %x, %y : f32
  %9 = arith.minnumf %x, %y fastmath<nsz,arcp> : f32
  %10 = arith.addf %t, %t : tensor<2xf64>
  %11 = arith.cmpf oeq, %x, %y : f32
  %12 = arith.cmpf uno, %x, %y fastmath<fast> : f32
  %13 = arith.cmpf true, %t, %t : tensor<2xf64>
  %14 = arith.addf %x, %y fastmath<none> : f32
  return %0 : f32
}

func.func @casts(%a: i32, %x: f32, %h: f16, %i: index, %v: vector<2xi8>) {
  %0 = arith.extsi %a : i32 to i64
  %1 = arith.extui %a : i32 to i64
  %2 = arith.trunci %a : i32 to i8
  %3 = arith.trunci %a overflow<nsw> : i32 to i8
  %4 = arith.extf %h : f16 to f32
  %5 = arith.extf %h fastmath<fast> : f16 to f32
  %6 = arith.truncf %x : f32 to f16
  %7 = arith.truncf %x toward_zero : f32 to bf16
  %8 = arith.truncf %x upward fastmath<nnan> : f32 to f16
  %9 = arith.sitofp %a : i32 to f32
  %10 = arith.uitofp %a : i32 to f64
  %11 = arith.fptosi %x : f32 to i64
  %12 = arith.fptoui %x : f32 to i16
  %13 = arith.index_cast %a : i32 to index
  %14 = arith.index_cast %i : index to i64
  %15 = arith.index_castui %i : index to i32
  %16 = arith.bitcast %x : f32 to i32
  %17 = arith.bitcast %a : i32 to f32
  %18 = arith.extsi %v : vector<2xi8> to vector<2xi32>
  return
}

func.func @select_and_constants(%c: i1, %vc: vector<4xi1>, %a: i32, %v: vector<4xf32>) -> i32 {
  %0 = arith.select %c, %a, %a : i32
  %1 = arith.select %vc, %v, %v : vector<4xi1>, vector<4xf32>
  %2 = arith.select %c, %v, %v : vector<4xf32>
  %c1 = arith.constant 1 : i32
  %c-1 = arith.constant -1 : i64
  %cf = arith.constant 2.5 : f32
  %t = arith.constant true
  %f = arith.constant false
  %idx = arith.constant 42 : index
  %dense = arith.constant dense<[1, 2, 3, 4]> : vector<4xi32>
  %splat = arith.constant dense<0.000000e+00> : tensor<2x2xf32>
  %attr = arith.constant {foo = "bar"} 7 : i8
  return %0 : i32
}
