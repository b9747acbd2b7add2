// RUN: dl-opt %s --lower-loops-to-llvm --split-input-file --verify-diagnostics

func.func @unplanned(%out: memref<4xf32>) {
  // expected-error@+1 {{'loop.alloc' op must be planned into the workspace (loop.view) before lowering to llvm}}
  %b = loop.alloc() : memref<4xf32>
  return
}

// -----

func.func @dynamic_offset(%out: memref<4xf32>, %ws: memref<?xi8>, %o: index) {
  // expected-error@+1 {{'loop.view' op needs a constant byte offset to size the workspace}}
  %b = loop.view %ws[%o] : memref<?xi8> to memref<4xf32>
  return
}

// -----

// Functions without an LLVM intrinsic become C math library calls, for
// f32 and f64 scalars only.
func.func private @erf(%x: f16) -> f16 {
  // expected-error@+1 {{'math.erf' op on f16 is not supported (f32 and f64 scalars only)}}
  %0 = math.erf %x : f16
  return %0 : f16
}
