//! te dialect: parse/print round trip, verifier and the reference interpreter.

use dlc_ir::printer::{PrintOptions, print_op_to_string};
use dlc_ir::{Context, Op};
use dlc_te::interp::{TensorData, eval_compute, eval_func};

fn ctx() -> Context {
    let mut c = Context::new();
    c.register_dialect(&dlc_func::DIALECT);
    c.register_dialect(&dlc_arith::DIALECT);
    c.register_dialect(&dlc_math::DIALECT);
    c.register_dialect(&dlc_te::DIALECT);
    c
}

const MATMUL: &str = "func.func @mm(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> {
  %0 = te.compute (%i, %j) reduce (%k) ins(%a, %b : tensor<2x3xf32>, tensor<3x2xf32>) {combiner = \"add\", reduce_extents = array<i64: 3>} -> tensor<2x2xf32> {
    %1 = te.extract %a[%i, %k] : tensor<2x3xf32>
    %2 = te.extract %b[%k, %j] : tensor<3x2xf32>
    %3 = arith.mulf %1, %2 : f32
    te.yield %3 : f32
  }
  return %0 : tensor<2x2xf32>
}
";

fn parse(c: &mut Context, src: &str) -> Op {
    let m = dlc_ir::parse_source(c, src, "t.mlir").expect("parses");
    dlc_ir::verify::verify(c, m).expect("verifies");
    m
}

fn find(c: &Context, m: Op, name: &str) -> Op {
    c.nested_ops(m)
        .into_iter()
        .find(|&o| c.op_name_str(o) == name)
        .expect("op present")
}

#[test]
fn round_trip() {
    let mut c = ctx();
    let m = parse(&mut c, MATMUL);
    let text = print_op_to_string(&c, m, &PrintOptions::default());
    assert!(text.contains("te.compute (%arg2, %arg3) reduce (%arg4) ins(%arg0, %arg1 : tensor<2x3xf32>, tensor<3x2xf32>)"), "{text}");
    let mut c2 = ctx();
    let m2 = parse(&mut c2, &text);
    assert_eq!(text, print_op_to_string(&c2, m2, &PrintOptions::default()));
    let generic = print_op_to_string(
        &c,
        m,
        &PrintOptions {
            generic: true,
            ..PrintOptions::default()
        },
    );
    let mut c3 = ctx();
    let m3 = parse(&mut c3, &generic);
    assert_eq!(text, print_op_to_string(&c3, m3, &PrintOptions::default()));
}

#[test]
fn interpreter_matmul() {
    let mut c = ctx();
    let m = parse(&mut c, MATMUL);
    let op = find(&c, m, "te.compute");
    let a = TensorData::f32(&[2, 3], vec![1., 2., 3., 4., 5., 6.]);
    let b = TensorData::f32(&[3, 2], vec![7., 8., 9., 10., 11., 12.]);
    let r = eval_compute(&c, op, &[a.clone(), b.clone()]).expect("evaluates");
    assert_eq!(r.shape, vec![2, 2]);
    assert_eq!(r.as_f32(), &[58., 64., 139., 154.]);
    let f = find(&c, m, "func.func");
    let out = eval_func(&c, f, &[a, b]).expect("evaluates");
    assert_eq!(out[0].as_f32(), &[58., 64., 139., 154.]);
    // Wrong input shapes are an error, not a panic.
    let bad = TensorData::f32(&[3], vec![1., 2., 3.]);
    assert!(eval_compute(&c, op, &[bad.clone(), bad]).is_err());
}

#[test]
fn interpreter_i32_max() {
    let mut c = ctx();
    let m = parse(
        &mut c,
        "func.func @f(%a: tensor<2x3xi32>) -> tensor<2xi32> {
  %0 = te.compute (%i) reduce (%k) ins(%a : tensor<2x3xi32>) {combiner = \"max\", reduce_extents = array<i64: 3>} -> tensor<2xi32> {
    %1 = te.extract %a[%i, %k] : tensor<2x3xi32>
    te.yield %1 : i32
  }
  return %0 : tensor<2xi32>
}",
    );
    let op = find(&c, m, "te.compute");
    let r = eval_compute(
        &c,
        op,
        &[TensorData::i32(&[2, 3], vec![1, 7, -3, -5, -2, -9])],
    )
    .expect("ok");
    assert_eq!(r, TensorData::i32(&[2], vec![7, -2]));
}

#[test]
fn schedule_pass_defaults() {
    let mut c = ctx();
    let m = parse(&mut c, MATMUL);
    let op = find(&c, m, "te.compute");
    let s = dlc_te::schedule::default_schedule(&mut c, op).expect("schedule");
    c.set_attr(op, "schedule", s);
    dlc_ir::verify::verify(&c, m).expect("scheduled compute verifies");
    let text = print_op_to_string(&c, m, &PrintOptions::default());
    assert!(
        text.contains("schedule = {parallel = array<i64: 0>}"),
        "{text}"
    );
}

#[test]
fn erf_is_accurate() {
    for (x, want) in [
        (0.0f32, 0.0f32),
        (0.5, 0.520_499_9),
        (1.0, 0.842_700_8),
        (-2.0, -0.995_322_3),
    ] {
        assert!((dlc_te::interp::erf(x) - want).abs() < 1e-6, "erf({x})");
    }
}
