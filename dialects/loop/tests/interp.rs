//! The loop interpreter on small functions, and loop rewrites checked by
//! running the function before and after them.

use dlc_ir::Context;
use dlc_loop::interp::{InterpError, run_function};

fn parse(src: &str) -> (Context, dlc_ir::Op) {
    let mut ctx = Context::new();
    ctx.register_dialect(&dlc_func::DIALECT);
    ctx.register_dialect(&dlc_arith::DIALECT);
    ctx.register_dialect(&dlc_math::DIALECT);
    ctx.register_dialect(&dlc_loop::DIALECT);
    let m = dlc_ir::parse_source(&mut ctx, src, "t.mlir").expect("parse");
    dlc_ir::verify::verify(&ctx, m).expect("verify");
    (ctx, m)
}

const SRC: &str = r#"
func.func @f(%x: memref<3x4xf32>, %y: memref<3xf32>, %ws: memref<64xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %t = loop.view %ws[%c16] : memref<64xi8> to memref<3xf32>
  loop.for %i = %c0 to %c3 step %c1 {
    %s = loop.for %j = %c0 to %c4 step %c1 iter_args(%a = %zero) -> (f32) {
      %k = arith.mulf %half, %half : f32
      %v = loop.load %x[%i, %j] : memref<3x4xf32>
      %w = arith.mulf %v, %k : f32
      %n = arith.addf %a, %w : f32
      loop.yield %n : f32
    }
    loop.store %s, %t[%i] : memref<3xf32>
  }
  loop.for %i = %c0 to %c3 step %c1 {
    %v = loop.load %t[%i] : memref<3xf32>
    %e = math.sqrt %v : f32
    loop.store %e, %y[%i] : memref<3xf32>
  }
  %r = loop.for %i = %c1 to %c0 step %c1 iter_args(%a = %zero) -> (f32) {
    loop.yield %a : f32
  }
  return
}
"#;

fn reference(x: &[f32]) -> Vec<f32> {
    (0..3)
        .map(|i| (0..4).map(|j| x[i * 4 + j] * 0.25).sum::<f32>().sqrt())
        .collect()
}

#[test]
fn runs_loops_views_and_iter_args() {
    let (ctx, m) = parse(SRC);
    let x: Vec<f32> = (0..12).map(|v| v as f32).collect();
    let out = run_function(&ctx, m, "f", &[x.clone(), vec![0.0; 3]], 0).unwrap();
    assert_eq!(out[1], reference(&x));
    assert_eq!(out[0], x, "inputs are left alone");
}

#[test]
fn hoisting_and_canonicalization_keep_results() {
    let (mut ctx, m) = parse(SRC);
    let moved = dlc_loop::hoist_loop_invariants(&mut ctx, m);
    assert_eq!(
        moved, 2,
        "the invariant mulf leaves the inner, then the outer loop"
    );
    dlc_ir::verify::verify(&ctx, m).unwrap();
    let mut pm = dlc_ir::pass::OpPassManager::new("builtin.module");
    pm.add(Box::new(
        dlc_transforms::canonicalize::Canonicalize::default(),
    ));
    let mut timing = dlc_ir::pass::TimingNode::default();
    pm.run(&mut ctx, m, &Default::default(), &mut timing, m)
        .unwrap();
    dlc_ir::verify::verify(&ctx, m).unwrap();
    let text = dlc_ir::print_op_to_string(&ctx, m, &Default::default());
    assert_eq!(text.matches("loop.for").count(), 3, "{text}");
    let x: Vec<f32> = (0..12).map(|v| v as f32 * 0.5).collect();
    let out = run_function(&ctx, m, "f", &[x.clone(), vec![0.0; 3]], 0).unwrap();
    assert_eq!(out[1], reference(&x));
}

#[test]
fn typed_errors() {
    let (ctx, m) = parse(SRC);
    assert_eq!(
        run_function(&ctx, m, "nope", &[], 0).unwrap_err(),
        InterpError::NoFunction("nope".into())
    );
    assert!(matches!(
        run_function(&ctx, m, "f", &[vec![0.0; 5], vec![0.0; 3]], 0),
        Err(InterpError::ArgSize(0, 5, 12))
    ));
    assert!(matches!(
        run_function(&ctx, m, "f", &[vec![0.0; 12]], 0),
        Err(InterpError::ArgCount { .. })
    ));
}
