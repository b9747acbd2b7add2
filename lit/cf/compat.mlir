// cf ops and CFG printing (block labels, predecessor comments) compared
// byte for byte with upstream mlir-opt in custom, generic and debuginfo form.
// REQUIRES: mlir-opt
// RUN: dl-opt --allow-unregistered-dialect %s > %t.dl && mlir-opt --allow-unregistered-dialect %s > %t.up && diff %t.dl %t.up
// RUN: dl-opt --allow-unregistered-dialect %s --mlir-print-op-generic > %t.dlg && mlir-opt --allow-unregistered-dialect %s --mlir-print-op-generic > %t.upg && diff %t.dlg %t.upg
// RUN: dl-opt --allow-unregistered-dialect %s --mlir-print-debuginfo > %t.dld && mlir-opt --allow-unregistered-dialect %s --mlir-print-debuginfo > %t.upd && diff %t.dld %t.upd
// RUN: dl-opt --allow-unregistered-dialect %t.upg | diff - %t.up
// RUN: mlir-opt --allow-unregistered-dialect %t.dlg | diff - %t.up

func.func @cfg(%arg0: i32, %c: i1) -> i32 {
  cf.cond_br %c, ^bb1(%arg0 : i32), ^bb2
^bb1(%a: i32):
  cf.br ^bb2
^bb2:
  cf.switch %arg0 : i32, [
    default: ^bb1(%arg0 : i32),
    42: ^bb2,
    -7: ^bb3(%arg0, %c : i32, i1)
  ]
^bb3(%x: i32, %y: i1):
  cf.assert %y, "must \"hold\""
  cf.cond_br %c weights([1, 2]), ^bb1(%arg0 : i32), ^bb4 {tag}
^bb4:
  cf.cond_br %c, ^bb5, ^bb5
^bb5:
  cf.switch %x : i32, [
    default: ^bb6
  ]
^bb6:
  return %x : i32
^bb7:
  cf.br ^bb6
}
