// RUN: dl-opt %s | FileCheck %s
// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --mlir-print-op-generic | dl-opt | FileCheck %s
// Round trip of the arith ops' custom forms (see compat.mlir for the
// byte-for-byte comparison with mlir-opt).

// CHECK-LABEL: func.func @extended
// CHECK-SAME: (%[[A:.*]]: i32, %[[B:.*]]: i32, %[[V:.*]]: vector<2xi64>)
func.func @extended(%a: i32, %b: i32, %v: vector<2xi64>) {
  // CHECK: arith.addui_extended %[[A]], %[[B]] : i32, i1
  %0:2 = arith.addui_extended %a, %b : i32, i1
  // CHECK: arith.addui_extended %[[V]], %[[V]] : vector<2xi64>, vector<2xi1>
  %1:2 = arith.addui_extended %v, %v : vector<2xi64>, vector<2xi1>
  // CHECK: arith.mulsi_extended %[[A]], %[[B]] : i32
  %2:2 = arith.mulsi_extended %a, %b : i32
  // CHECK: arith.mului_extended %[[V]], %[[V]] : vector<2xi64>
  %3:2 = arith.mului_extended %v, %v : vector<2xi64>
  return
}

// CHECK-LABEL: func.func @flags
func.func @flags(%a: i32, %x: f32) {
  // CHECK: arith.addi %{{.*}}, %{{.*}} overflow<nsw, nuw> : i32
  %0 = arith.addi %a, %a overflow<nuw, nsw> : i32
  // CHECK: arith.muli %{{.*}}, %{{.*}} : i32
  %1 = arith.muli %a, %a overflow<none> : i32
  // CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<fast> : f32
  %2 = arith.addf %x, %x fastmath<reassoc,nnan,ninf,nsz,arcp,contract,afn> : f32
  // CHECK: arith.mulf %{{.*}}, %{{.*}} fastmath<nnan,contract> : f32
  %3 = arith.mulf %x, %x fastmath<contract,nnan> : f32
  // CHECK: arith.cmpf ult, %{{.*}}, %{{.*}} fastmath<ninf> : f32
  %4 = arith.cmpf ult, %x, %x fastmath<ninf> : f32
  // CHECK: arith.truncf %{{.*}} to_nearest_away fastmath<afn> : f32 to bf16
  %5 = arith.truncf %x to_nearest_away fastmath<afn> : f32 to bf16
  // CHECK: arith.cmpi ugt, %{{.*}}, %{{.*}} : i32
  %6 = arith.cmpi ugt, %a, %a : i32
  return
}

// CHECK-LABEL: func.func @generic_defaults
func.func @generic_defaults(%a: i32, %x: f32) {
  // Missing default-valued properties are filled in on creation.
  // CHECK: arith.addi %{{.*}}, %{{.*}} : i32
  %0 = "arith.addi"(%a, %a) : (i32, i32) -> i32
  // CHECK: arith.subf %{{.*}}, %{{.*}} fastmath<nsz> : f32
  %1 = "arith.subf"(%x, %x) <{fastmath = #arith.fastmath<nsz>}> : (f32, f32) -> f32
  // CHECK: %true = arith.constant true
  %2 = "arith.constant"() <{value = true}> : () -> i1
  return
}
