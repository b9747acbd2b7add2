// RUN: dl-opt --allow-unregistered-dialect --symbol-dce %s | FileCheck %s
// REQUIRES: mlir-opt
// RUN: dl-opt --allow-unregistered-dialect --symbol-dce %s > %t.dl && mlir-opt --allow-unregistered-dialect --symbol-dce %s > %t.up && diff %t.dl %t.up

// CHECK-NOT: @dead
// CHECK-NOT: @cycle
// CHECK-NOT: @ndead
// CHECK-NOT: @priv_unused
// CHECK-LABEL: func.func private @live()
// CHECK-LABEL: func.func @pub()
// CHECK-LABEL: module @nested_pub
// CHECK-NEXT: func.func @npub()
// CHECK: module @privused
// CHECK: func.func @y()
// CHECK: func.func @z()
module attributes {test.r = @used_by_module_attr} {
  func.func private @dead() {
    return
  }
  func.func private @dead_chain() {
    call @dead_chain2() : () -> ()
    return
  }
  func.func private @dead_chain2() {
    return
  }
  func.func private @used_by_module_attr()
  func.func private @live() {
    return
  }
  func.func @pub() {
    call @live() : () -> ()
    return
  }
  func.func private @cycle_a() {
    call @cycle_b() : () -> ()
    return
  }
  func.func private @cycle_b() {
    call @cycle_a() : () -> ()
    return
  }
  module @nested_pub {
    func.func private @ndead() {
      return
    }
    func.func nested @ndead_nested() {
      return
    }
    func.func @npub() {
      return
    }
  }
  module @priv_unused attributes {sym_visibility = "private"} {
    func.func @x() {
      return
    }
  }
  module @privused attributes {sym_visibility = "private"} {
    func.func @y() {
      return
    }
    func.func @z() {
      return
    }
  }
  "test.use"() {ref = @privused::@y} : () -> ()
}
