//! `--lower-loops-to-llvm` end to end: loop-level functions written as MLIR
//! text are run by the loop interpreter, lowered to the llvm dialect,
//! translated and JIT-compiled by the LLVM backend, run through the
//! entry-point ABI, and the numbers compared.

use dlc_ir::Context;
use dlc_llvm_backend::{Jit, translate_module};
use dlc_loop::interp::run_function;
use dlc_lowering::loop_to_llvm::lower_module;
use inkwell::context::Context as LlvmContext;

const SRC: &str = r#"
func.func @add_relu(%a: memref<37xf32>, %b: memref<37xf32>, %out: memref<37xf32>) {
  %c0 = arith.constant 0 : index
  %n = arith.constant 37 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  loop.for parallel %i = %c0 to %n step %c1 {
    %x = loop.load %a[%i] : memref<37xf32>
    %y = loop.load %b[%i] : memref<37xf32>
    %s = arith.addf %x, %y : f32
    %r = arith.maximumf %s, %zero : f32
    loop.store %r, %out[%i] : memref<37xf32>
  }
  return
}
func.func @matmul(%a: memref<6x7xf32>, %b: memref<7x5xf32>, %bias: memref<5xf32>, %c: memref<6x5xf32>, %ws: memref<?xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %c6 = arith.constant 6 : index
  %c7 = arith.constant 7 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %t = loop.view %ws[%c32] : memref<?xi8> to memref<6x5xf32>
  loop.for %i = %c0 to %c6 step %c1 {
    loop.for %j = %c0 to %c5 step %c1 {
      %acc = loop.for %k = %c0 to %c7 step %c1 iter_args(%s = %zero) -> (f32) {
        %x = loop.load %a[%i, %k] : memref<6x7xf32>
        %y = loop.load %b[%k, %j] : memref<7x5xf32>
        %p = arith.mulf %x, %y : f32
        %q = arith.addf %s, %p : f32
        loop.yield %q : f32
      }
      loop.store %acc, %t[%i, %j] : memref<6x5xf32>
    }
  }
  loop.for %i = %c0 to %c6 step %c1 {
    loop.for %j = %c0 to %c5 step %c1 {
      %v = loop.load %t[%i, %j] : memref<6x5xf32>
      %bj = loop.load %bias[%j] : memref<5xf32>
      %w = arith.addf %v, %bj : f32
      %e = math.tanh %w : f32
      %neg = arith.cmpf olt, %w, %zero : f32
      %r = arith.select %neg, %e, %w : f32
      loop.store %r, %c[%i, %j] : memref<6x5xf32>
    }
  }
  return
}
"#;

fn parse(src: &str) -> (Context, dlc_ir::Op) {
    let mut ctx = Context::new();
    ctx.register_dialect(&dlc_func::DIALECT);
    ctx.register_dialect(&dlc_cf::DIALECT);
    ctx.register_dialect(&dlc_arith::DIALECT);
    ctx.register_dialect(&dlc_math::DIALECT);
    ctx.register_dialect(&dlc_loop::DIALECT);
    ctx.register_dialect(&dlc_llvm::DIALECT);
    let m = dlc_ir::parse_source(&mut ctx, src, "test.mlir").expect("parse");
    dlc_ir::verify::verify(&ctx, m).expect("verify");
    (ctx, m)
}

fn data(n: usize, seed: u32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(2654435761).wrapping_add(12345);
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(1664525).wrapping_add(1013904223);
            ((s >> 8) as f32 / (1u32 << 24) as f32) * 4.0 - 2.0
        })
        .collect()
}

fn close(a: &[f32], b: &[f32]) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= 1e-5 * (1.0 + y.abs()),
            "element {i}: {x} vs {y}"
        );
    }
}

/// Runs entry point `name` through the ABI: inputs, outputs, workspace.
fn run_jit(jit: &Jit<'_>, name: &str, inputs: &[Vec<f32>], outputs: &mut [Vec<f32>]) -> i32 {
    let size_addr = jit
        .function_address(&format!("{name}_workspace_size"))
        .unwrap();
    // SAFETY: `<name>_workspace_size` has the signature `() -> i64`.
    let size_fn: extern "C" fn() -> i64 = unsafe { std::mem::transmute(size_addr) };
    let mut ws = vec![0u8; size_fn() as usize];
    let ins: Vec<*const f32> = inputs.iter().map(|v| v.as_ptr()).collect();
    let outs: Vec<*mut f32> = outputs.iter_mut().map(|v| v.as_mut_ptr()).collect();
    // SAFETY: the entry point takes (inputs, outputs, workspace) and reads
    // and writes the dense buffers of the declared shapes.
    unsafe {
        jit.call_with_pointers(
            name,
            &[
                ins.as_ptr() as *mut u8,
                outs.as_ptr() as *mut u8,
                ws.as_mut_ptr(),
            ],
        )
        .unwrap()
    }
}

#[test]
fn interpreter_matches_reference() {
    let (ctx, m) = parse(SRC);
    let a = data(37, 1);
    let b = data(37, 2);
    let out = run_function(
        &ctx,
        m,
        "add_relu",
        &[a.clone(), b.clone(), vec![0.0; 37]],
        0,
    )
    .unwrap();
    let want: Vec<f32> = a.iter().zip(&b).map(|(x, y)| (x + y).max(0.0)).collect();
    assert_eq!(out[2], want);
}

#[test]
fn lowered_functions_jit_and_match_interpreter() {
    let (mut ctx, m) = parse(SRC);
    let a = data(37, 1);
    let b = data(37, 2);
    let ma = data(42, 3);
    let mb = data(35, 4);
    let bias = data(5, 5);
    let want_add = run_function(
        &ctx,
        m,
        "add_relu",
        &[a.clone(), b.clone(), vec![0.0; 37]],
        0,
    )
    .unwrap()
    .remove(2);
    let want_mm = run_function(
        &ctx,
        m,
        "matmul",
        &[ma.clone(), mb.clone(), bias.clone(), vec![0.0; 30]],
        32 + 120,
    )
    .unwrap()
    .remove(3);
    // Independent check of the interpreter on the matmul.
    for i in 0..6 {
        for j in 0..5 {
            let mut s = 0.0f32;
            for k in 0..7 {
                s += ma[i * 7 + k] * mb[k * 5 + j];
            }
            let w = s + bias[j];
            let r = if w < 0.0 { w.tanh() } else { w };
            assert!((want_mm[i * 5 + j] - r).abs() < 1e-5);
        }
    }

    lower_module(&mut ctx, m).expect("lower");
    dlc_ir::verify::verify(&ctx, m).expect("verify lowered");
    let text = dlc_ir::print_op_to_string(&ctx, m, &Default::default());
    assert!(!text.contains("loop."), "{text}");
    assert!(text.contains("llvm.func @matmul_workspace_size() -> i64"));

    let llctx = LlvmContext::create();
    let module = translate_module(&llctx, &ctx, m).expect("translate");
    let jit = Jit::new(module).expect("jit");
    let size: extern "C" fn() -> i64 =
        // SAFETY: `matmul_workspace_size` has the signature `() -> i64`.
        unsafe { std::mem::transmute(jit.function_address("matmul_workspace_size").unwrap()) };
    assert_eq!(size(), 32 + 6 * 5 * 4);

    let mut out = vec![vec![0.0f32; 37]];
    assert_eq!(run_jit(&jit, "add_relu", &[a, b], &mut out), 0);
    close(&out[0], &want_add);

    let mut out = vec![vec![0.0f32; 30]];
    assert_eq!(run_jit(&jit, "matmul", &[ma, mb, bias], &mut out), 0);
    close(&out[0], &want_mm);
}

#[test]
fn unplanned_alloc_is_an_error() {
    let (mut ctx, m) = parse(
        r#"
func.func @f(%out: memref<4xf32>) {
  %b = loop.alloc() : memref<4xf32>
  return
}
"#,
    );
    let e = lower_module(&mut ctx, m).unwrap_err();
    assert!(
        e.message.contains("must be planned into the workspace"),
        "{}",
        e.message
    );
    // A failed lowering leaves the module as it was.
    dlc_ir::verify::verify(&ctx, m).unwrap();
    let text = dlc_ir::print_op_to_string(&ctx, m, &Default::default());
    assert!(text.contains("loop.alloc"));
}

#[test]
fn interpreter_reports_out_of_bounds() {
    let (ctx, m) = parse(
        r#"
func.func @f(%out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c5 = arith.constant 5 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 1.0 : f32
  loop.for %i = %c0 to %c5 step %c1 {
    loop.store %z, %out[%i] : memref<4xf32>
  }
  return
}
"#,
    );
    let e = run_function(&ctx, m, "f", &[vec![0.0; 4]], 0).unwrap_err();
    assert!(matches!(
        e,
        dlc_loop::interp::InterpError::OutOfBounds { .. }
    ));
}

const VEC: &str = r#"
func.func @scale(%x: memref<4x16xf32>, %y: memref<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %two = arith.constant dense<2.0> : vector<8xf32>
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c16 step %c8 {
      %v = loop.vector_load %x[%i, %j] : memref<4x16xf32>, vector<8xf32>
      %w = arith.mulf %v, %two : vector<8xf32>
      %e = math.exp %w : vector<8xf32>
      loop.vector_store %e, %y[%i, %j] : memref<4x16xf32>, vector<8xf32>
    }
  }
  return
}
"#;

#[test]
fn vector_loads_and_stores_jit() {
    let (mut ctx, m) = parse(VEC);
    let x = data(64, 9);
    // The interpreter has no vector constants; check against Rust directly.
    let want: Vec<f32> = x.iter().map(|v| (v * 2.0).exp()).collect();
    lower_module(&mut ctx, m).expect("lower");
    dlc_ir::verify::verify(&ctx, m).expect("verify lowered");
    let llctx = LlvmContext::create();
    let module = translate_module(&llctx, &ctx, m).expect("translate");
    let jit = Jit::new(module).expect("jit");
    let mut out = vec![vec![0.0f32; 64]];
    assert_eq!(run_jit(&jit, "scale", &[x], &mut out), 0);
    close(&out[0], &want);
}

/// A constant i1 mask read element by element: each load must see its own
/// byte. With the loads claimed 4-aligned, LLVM assumed every access was
/// element 0 (the only 4-aligned one in bounds) and the select vanished.
#[test]
fn narrow_constant_elements_are_read_at_their_own_offsets() {
    let (mut ctx, m) = parse(
        r#"
func.func @mask(%x: memref<3x2xf32>, %out: memref<3x2xf32>, %ws: memref<?xi8>) attributes {loop.num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %ten = arith.constant 10.0 : f32
  %m = loop.constant dense<[false, true, true]> : tensor<3xi1> : memref<3xi1>
  loop.for %i = %c0 to %c3 step %c1 {
    loop.for %j = %c0 to %c2 step %c1 {
      %b = loop.load %m[%i] : memref<3xi1>
      %v = loop.load %x[%i, %j] : memref<3x2xf32>
      %r = arith.select %b, %ten, %v : f32
      loop.store %r, %out[%i, %j] : memref<3x2xf32>
    }
  }
  return
}
"#,
    );
    lower_module(&mut ctx, m).expect("lower");
    let llctx = LlvmContext::create();
    let module = translate_module(&llctx, &ctx, m).expect("translate");
    let jit = Jit::new(module).expect("jit");
    let x = vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
    let mut out = vec![vec![0.0f32; 6]];
    assert_eq!(run_jit(&jit, "mask", &[x], &mut out), 0);
    assert_eq!(out[0], vec![1.0, 2.0, 10.0, 10.0, 10.0, 10.0]);
}
