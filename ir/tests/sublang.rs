//! Unit tests of the pest sub-languages and dense element building/printing.

use dlc_ir::attrs::{AffineBinOp, AffineExpr};
use dlc_ir::context::Context;
use dlc_ir::dense::{
    build_dense, dense_from_f64, dense_values_f64, dense_values_i128, print_dense,
};
use dlc_ir::printer::{print_affine_map, print_integer_set};
use dlc_ir::sublang::{
    DenseLiteral, parse_affine_map, parse_dense_literal, parse_integer_set, parse_resources,
};

fn map(s: &str) -> String {
    let m = parse_affine_map(s).unwrap_or_else(|e| panic!("{s}: {e:?}"));
    let mut out = String::new();
    print_affine_map(&m, &mut out);
    out
}

#[test]
fn affine_precedence_and_simplification() {
    assert_eq!(
        map("(d0, d1) -> (d0 + d1 * 2)"),
        "(d0, d1) -> (d0 + d1 * 2)"
    );
    assert_eq!(map("(d0) -> (2 * d0 + 0)"), "(d0) -> (d0 * 2)");
    assert_eq!(map("(d0) -> (5 * 3 + 1)"), "(d0) -> (16)");
    assert_eq!(map("(d0, d1) -> (d1 + d0)"), "(d0, d1) -> (d0 + d1)");
    assert_eq!(
        map("(d0) -> (d0 - (d0 floordiv 4) * 4)"),
        "(d0) -> (d0 mod 4)"
    );
    assert_eq!(
        map("(d0) -> (-7 floordiv 2, -7 ceildiv 2, -7 mod 3)"),
        "(d0) -> (-4, -3, 2)"
    );
    assert_eq!(
        map("(i)[n] -> (i - (n - 2))"),
        "(d0)[s0] -> (d0 - (s0 - 2))"
    );
    let m = parse_affine_map("(d0)[s0] -> (d0 * s0)").unwrap();
    assert_eq!(
        m.results[0],
        AffineExpr::Bin(
            AffineBinOp::Mul,
            Box::new(AffineExpr::Dim(0)),
            Box::new(AffineExpr::Symbol(0))
        )
    );
}

#[test]
fn affine_errors_are_located() {
    let body = "(d0, d1) -> (d0 * d1)";
    let (off, msg) = parse_affine_map(body).unwrap_err();
    assert_eq!(&body[off..off + 1], "*");
    assert!(msg.contains("non-affine"), "{msg}");
    let body = "(d0) -> (d0 + s0)";
    let (off, msg) = parse_affine_map(body).unwrap_err();
    assert_eq!(&body[off..off + 2], "s0");
    assert_eq!(msg, "use of undeclared identifier");
    assert!(parse_affine_map("(d0) -> (d0 +)").is_err());
    assert!(parse_affine_map("(d0) -> (d0 floordiv d0)").is_err());
}

#[test]
fn integer_sets() {
    let s = parse_integer_set("(d0)[s0] : (d0 - s0 >= 0, d0 == 0, d0 <= 10)").unwrap();
    let mut out = String::new();
    print_integer_set(&s, &mut out);
    assert_eq!(out, "(d0)[s0] : (d0 - s0 >= 0, d0 == 0, -d0 + 10 >= 0)");
    let s = parse_integer_set("(d0) : ()").unwrap();
    assert_eq!(s.constraints.len(), 1);
}

#[test]
fn dense_literals_parse() {
    match parse_dense_literal("[[1, 2], [3, 4]]").unwrap() {
        DenseLiteral::Elements { shape, elems } => {
            assert_eq!(shape, vec![2, 2]);
            assert_eq!(elems.len(), 4);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        parse_dense_literal("\"0x0102\"").unwrap(),
        DenseLiteral::Hex { bytes: vec![1, 2] }
    );
    let (_, msg) = parse_dense_literal("[[1], 2]").unwrap_err();
    assert!(msg.contains("ranks are not consistent"), "{msg}");
    let body = "[1, foo]";
    let (off, msg) = parse_dense_literal(body).unwrap_err();
    assert_eq!(off, 4);
    assert_eq!(msg, "expected element literal of primitive type");
}

fn round(ctx: &mut Context, body: &str, ty: dlc_ir::types::Type) -> Result<String, String> {
    let lit = if body.is_empty() {
        None
    } else {
        Some(parse_dense_literal(body).map_err(|e| e.1)?)
    };
    let data = build_dense(ctx, lit.as_ref(), ty)?;
    let mut out = String::new();
    print_dense(ctx, ty, &data, &mut out, None);
    Ok(out)
}

#[test]
fn dense_build_and_print() {
    let mut ctx = Context::new();
    let i8t = ctx.integer_type(8);
    let t = ctx.tensor_type(&[2], i8t);
    assert_eq!(round(&mut ctx, "255", t).unwrap(), "dense<-1>");
    assert_eq!(round(&mut ctx, "[3, 3]", t).unwrap(), "dense<3>");
    assert_eq!(round(&mut ctx, "[1, -2]", t).unwrap(), "dense<[1, -2]>");
    assert_eq!(
        round(&mut ctx, "[1, 2, 3]", t).unwrap_err(),
        "inferred shape of elements literal ([3]) does not match type ([2])"
    );
    assert_eq!(
        round(&mut ctx, "256", t).unwrap_err(),
        "integer constant out of range for type"
    );
    let i1 = ctx.i1();
    let b = ctx.tensor_type(&[3], i1);
    assert_eq!(
        round(&mut ctx, "\"0x05\"", b).unwrap(),
        "dense<[true, false, true]>"
    );
    let f32t = ctx.f32();
    let f = ctx.tensor_type(&[2, 1], f32t);
    assert_eq!(
        round(&mut ctx, "[[1.0], [0x7FC00000]]", f).unwrap(),
        "dense<[[1.000000e+00], [0x7FC00000]]>"
    );
    let e = ctx.tensor_type(&[0], f32t);
    assert_eq!(round(&mut ctx, "", e).unwrap(), "dense<>");
}

#[test]
fn dense_accessors() {
    let mut ctx = Context::new();
    let f32t = ctx.f32();
    let t = ctx.tensor_type(&[3], f32t);
    let a = dense_from_f64(&mut ctx, t, &[1.5]).unwrap();
    assert!(dlc_ir::dense::is_splat(&ctx, a));
    assert_eq!(dense_values_f64(&ctx, a).unwrap(), vec![1.5; 3]);
    let i32t = ctx.i32();
    let ti = ctx.tensor_type(&[2], i32t);
    let lit = parse_dense_literal("[-1, 7]").unwrap();
    let data = build_dense(&mut ctx, Some(&lit), ti).unwrap();
    let a = ctx.dense_attr(ti, data);
    assert_eq!(dense_values_i128(&ctx, a).unwrap(), vec![-1, 7]);
}

#[test]
fn resources() {
    let r = parse_resources(
        "dialect_resources: { builtin: { a: \"0x0400000001000000\", \"b c\": \"0x01000000\" } }, \
         external_resources: { x: { y: true } }",
    )
    .unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].0, "builtin");
    assert_eq!(r[0].1[0].0, "a");
    assert_eq!(r[0].1[0].1.alignment, 4);
    assert_eq!(&*r[0].1[0].1.data, &[1, 0, 0, 0]);
    assert_eq!(r[0].1[1].0, "b c");
    assert!(parse_resources("dialect_resources: { builtin: { a: \"0x04\" } }").is_err());
    assert!(parse_resources("bogus: {}").is_err());
}
