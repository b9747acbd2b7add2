//! The math dialect: elementary functions on floats (and a few on
//! integers), spelled as upstream MLIR 22 spells them
//! (`math.exp %x fastmath<fast> : f32`). Float functions constant-fold on
//! f32/f64 scalars and splats; results are rounded to the type.

use dlc_arith::attrs::{FASTMATH_ATTR, default_fastmath};
use dlc_arith::fold::{float_const, int_const, make_float, make_int, zext};
use dlc_arith::ops::infer_bool_like;
use dlc_ir::constraints::*;
use dlc_ir::types::FloatKind;
use dlc_ir::{Attr, Context, DialectDef, FoldResult, Op, TypeConstraint, TypeKind};

/// `i1`-like results of the classification ops.
const BOOL_LIKE_R: TypeConstraint = BOOL_LIKE;

/// Float kinds whose libm result we trust: f32 is computed in f32, f64 in f64.
fn float_arg(ctx: &Context, c: &[Option<Attr>], i: usize) -> Option<(f64, FloatKind)> {
    let a = float_const(ctx, c.get(i).copied().flatten()?)?;
    matches!(a.kind, FloatKind::F32 | FloatKind::F64).then_some((a.v, a.kind))
}

fn float_out(ctx: &mut Context, op: Op, v: f64) -> FoldResult {
    let ty = ctx.value_type(ctx.result(op, 0));
    match make_float(ctx, ty, v) {
        Some(a) => FoldResult::attr(a),
        None => FoldResult::None,
    }
}

/// Folds a unary float function, evaluating in the type's own precision.
fn unary(
    ctx: &mut Context,
    op: Op,
    c: &[Option<Attr>],
    f64f: fn(f64) -> f64,
    f32f: fn(f32) -> f32,
) -> FoldResult {
    let Some((v, k)) = float_arg(ctx, c, 0) else {
        return FoldResult::None;
    };
    let r = if k == FloatKind::F32 {
        f32f(v as f32) as f64
    } else {
        f64f(v)
    };
    float_out(ctx, op, r)
}

fn binary(
    ctx: &mut Context,
    op: Op,
    c: &[Option<Attr>],
    f64f: fn(f64, f64) -> f64,
    f32f: fn(f32, f32) -> f32,
) -> FoldResult {
    let (Some((a, k)), Some((b, _))) = (float_arg(ctx, c, 0), float_arg(ctx, c, 1)) else {
        return FoldResult::None;
    };
    let r = if k == FloatKind::F32 {
        f32f(a as f32, b as f32) as f64
    } else {
        f64f(a, b)
    };
    float_out(ctx, op, r)
}

macro_rules! unary_float {
    ($($ty:ident, $name:literal, $summary:literal, $f64:expr, $f32:expr;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [operand: FLOAT_LIKE],
                results: [result: FLOAT_LIKE],
                attributes: [fastmath: FASTMATH_ATTR],
                traits: PURE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE,
                format: "$operand (`fastmath` `` $fastmath^)? attr-dict `:` type($result)",
                fold: |ctx, op, c| unary(ctx, op, c, $f64, $f32),
                populate_defaults: default_fastmath,
            }
        }
    )*};
}

macro_rules! binary_float {
    ($($ty:ident, $name:literal, $summary:literal, $f64:expr, $f32:expr;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [lhs: FLOAT_LIKE, rhs: FLOAT_LIKE],
                results: [result: FLOAT_LIKE],
                attributes: [fastmath: FASTMATH_ATTR],
                traits: PURE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE,
                format: "$lhs `,` $rhs (`fastmath` `` $fastmath^)? attr-dict `:` type($result)",
                fold: |ctx, op, c| binary(ctx, op, c, $f64, $f32),
                populate_defaults: default_fastmath,
            }
        }
    )*};
}

macro_rules! unary_int {
    ($($ty:ident, $name:literal, $summary:literal, $f:expr;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [operand: SIGNLESS_INTEGER_LIKE],
                results: [result: SIGNLESS_INTEGER_LIKE],
                traits: PURE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE,
                format: "$operand attr-dict `:` type($result)",
                fold: |ctx, op, c| fold_int(ctx, op, c, $f),
            }
        }
    )*};
}

macro_rules! classify {
    ($($ty:ident, $name:literal, $summary:literal, $f:expr;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [operand: FLOAT_LIKE],
                results: [result: BOOL_LIKE_R],
                attributes: [fastmath: FASTMATH_ATTR],
                traits: PURE | SAME_OPERANDS_AND_RESULT_SHAPE | ELEMENTWISE,
                format: "$operand (`fastmath` `` $fastmath^)? attr-dict `:` type($operand)",
                fold: |ctx, op, c| fold_classify(ctx, op, c, $f),
                infer_types: infer_bool_like,
                populate_defaults: default_fastmath,
            }
        }
    )*};
}

fn fold_int(ctx: &mut Context, op: Op, c: &[Option<Attr>], f: fn(u128, u32) -> u128) -> FoldResult {
    let Some(a) = c[0].and_then(|a| int_const(ctx, a)) else {
        return FoldResult::None;
    };
    let r = f(zext(a.v, a.w), a.w);
    let ty = ctx.value_type(ctx.result(op, 0));
    match make_int(ctx, ty, r as i128) {
        Some(x) => FoldResult::attr(x),
        None => FoldResult::None,
    }
}

fn fold_classify(
    ctx: &mut Context,
    op: Op,
    c: &[Option<Attr>],
    f: fn(f64, FloatKind) -> bool,
) -> FoldResult {
    let Some(a) = c[0].and_then(|a| float_const(ctx, a)) else {
        return FoldResult::None;
    };
    let b = f(a.v, a.kind);
    let ty = ctx.value_type(ctx.result(op, 0));
    match make_int(ctx, ty, -(b as i128)) {
        Some(x) => FoldResult::attr(x),
        None => FoldResult::None,
    }
}

fn is_normal(v: f64, k: FloatKind) -> bool {
    match k {
        FloatKind::F32 => (v as f32).is_normal(),
        FloatKind::F64 => v.is_normal(),
        FloatKind::F16 => v.is_finite() && v.abs() >= 6.103515625e-5,
        _ => v.is_finite() && v.abs() >= f32::MIN_POSITIVE as f64,
    }
}

fn round_half_even64(x: f64) -> f64 {
    x.round_ties_even()
}

unary_float! {
    ExpOp, "math.exp", "base-e exponential of the specified value", f64::exp, f32::exp;
    Exp2Op, "math.exp2", "base-2 exponential of the specified value", f64::exp2, f32::exp2;
    ExpM1Op, "math.expm1", "base-e exponential of the specified value minus 1", f64::exp_m1, f32::exp_m1;
    LogOp, "math.log", "base-e logarithm of the specified value", f64::ln, f32::ln;
    Log2Op, "math.log2", "base-2 logarithm of the specified value", f64::log2, f32::log2;
    Log10Op, "math.log10", "base-10 logarithm of the specified value", f64::log10, f32::log10;
    Log1pOp, "math.log1p", "Computes the natural logarithm of one plus the given value", f64::ln_1p, f32::ln_1p;
    TanhOp, "math.tanh", "hyperbolic tangent of the specified value", f64::tanh, f32::tanh;
    TanOp, "math.tan", "tangent of the specified value", f64::tan, f32::tan;
    SinOp, "math.sin", "sine of the specified value", f64::sin, f32::sin;
    CosOp, "math.cos", "cosine of the specified value", f64::cos, f32::cos;
    AsinOp, "math.asin", "arcus sine of the given value", f64::asin, f32::asin;
    AcosOp, "math.acos", "arcus cosine of the given value", f64::acos, f32::acos;
    AtanOp, "math.atan", "arcus tangent of the given value", f64::atan, f32::atan;
    SinhOp, "math.sinh", "hyperbolic sine of the specified value", f64::sinh, f32::sinh;
    CoshOp, "math.cosh", "hyperbolic cosine of the specified value", f64::cosh, f32::cosh;
    ErfOp, "math.erf", "error function of the specified value", erf64, |x| erf64(x as f64) as f32;
    ErfcOp, "math.erfc", "complementary error function of the specified value", |x| 1.0 - erf64(x), |x| (1.0 - erf64(x as f64)) as f32;
    SqrtOp, "math.sqrt", "sqrt of the specified value", f64::sqrt, f32::sqrt;
    RsqrtOp, "math.rsqrt", "reciprocal of sqrt (1 / sqrt of the specified value)", |x| 1.0 / x.sqrt(), |x| 1.0 / x.sqrt();
    CbrtOp, "math.cbrt", "cube root of the specified value", f64::cbrt, f32::cbrt;
    AbsFOp, "math.absf", "floating point absolute-value operation", f64::abs, f32::abs;
    FloorOp, "math.floor", "floor of the specified value", f64::floor, f32::floor;
    CeilOp, "math.ceil", "ceil of the specified value", f64::ceil, f32::ceil;
    RoundOp, "math.round", "round of the specified value", f64::round, f32::round;
    RoundEvenOp, "math.roundeven", "round of the specified value with halfway cases to even", round_half_even64, f32::round_ties_even;
    TruncOp, "math.trunc", "trunc of the specified value", f64::trunc, f32::trunc;
}

binary_float! {
    Atan2Op, "math.atan2", "2-argument arcus tangent of the given values", f64::atan2, f32::atan2;
    PowFOp, "math.powf", "floating point raised to the power of operation", f64::powf, f32::powf;
    CopySignOp, "math.copysign", "A copysign operation", f64::copysign, f32::copysign;
}

unary_int! {
    AbsIOp, "math.absi", "integer absolute-value operation", |v, w| {
        let s = dlc_arith::fold::sext(v, w);
        s.unsigned_abs() & if w >= 128 { u128::MAX } else { (1u128 << w) - 1 }
    };
    CountLeadingZerosOp, "math.ctlz", "counts the leading zeros an integer value", |v, w| (v.leading_zeros() - (128 - w)) as u128;
    CountTrailingZerosOp, "math.cttz", "counts the trailing zeros an integer value", |v, w| (v.trailing_zeros().min(w)) as u128;
    CtPopOp, "math.ctpop", "counts the number of set bits of an integer value", |v, _| v.count_ones() as u128;
}

classify! {
    IsNaNOp, "math.isnan", "Returns true if the op argument is a NaN", |v, _| v.is_nan();
    IsInfOp, "math.isinf", "Returns true if the op argument is an infinity", |v, _| v.is_infinite();
    IsFiniteOp, "math.isfinite", "Returns true if the op argument is a finite value", |v, _| v.is_finite();
    IsNormalOp, "math.isnormal", "Returns true if the op argument is a normal value", is_normal;
}

dlc_ir::define_op! {
    /// `math.fma %a, %b, %c : f32`: a * b + c, rounded once.
    pub struct FmaOp = "math.fma" {
        summary: "floating point fused multipy-add operation",
        operands: [a: FLOAT_LIKE, b: FLOAT_LIKE, c: FLOAT_LIKE],
        results: [result: FLOAT_LIKE],
        attributes: [fastmath: FASTMATH_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE,
        format: "$a `,` $b `,` $c (`fastmath` `` $fastmath^)? attr-dict `:` type($result)",
        populate_defaults: default_fastmath,
    }
}

dlc_ir::define_op! {
    /// `math.fpowi %x, %n : f32, i32`: a float raised to an integer power.
    pub struct FPowIOp = "math.fpowi" {
        summary: "floating point raised to the signed integer power",
        operands: [lhs: FLOAT_LIKE, rhs: SIGNLESS_INTEGER_LIKE],
        results: [result: FLOAT_LIKE],
        attributes: [fastmath: FASTMATH_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_SHAPE | ELEMENTWISE,
        format: "$lhs `,` $rhs (`fastmath` `` $fastmath^)? attr-dict `:` type($lhs) `,` type($rhs)",
        verify: verify_fpowi,
        infer_types: |ctx, st| Ok(vec![ctx.value_type(st.operands[0])]),
        populate_defaults: default_fastmath,
    }
}

dlc_ir::define_op! {
    /// `math.ipowi %a, %b : i32`: signed integer power.
    pub struct IPowIOp = "math.ipowi" {
        summary: "signed integer raised to the power of operation",
        operands: [lhs: SIGNLESS_INTEGER_LIKE, rhs: SIGNLESS_INTEGER_LIKE],
        results: [result: SIGNLESS_INTEGER_LIKE],
        traits: PURE | SAME_OPERANDS_AND_RESULT_TYPE | ELEMENTWISE,
        format: "$lhs `,` $rhs attr-dict `:` type($result)",
        fold: fold_ipowi,
    }
}

fn verify_fpowi(ctx: &Context, op: Op) -> Result<(), dlc_ir::Diagnostic> {
    let l = ctx.value_type(ctx.operand(op, 0));
    let r = ctx.value_type(ctx.result(op, 0));
    if l != r {
        return Err(ctx.op_error(
            op,
            "failed to verify that all of {lhs, result} have same type",
        ));
    }
    Ok(())
}

// Upstream folds neither `math.fma` nor `math.fpowi`; neither do we.

fn fold_ipowi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let (Some(a), Some(b)) = (
        c[0].and_then(|x| int_const(ctx, x)),
        c[1].and_then(|x| int_const(ctx, x)),
    ) else {
        return FoldResult::None;
    };
    // Negative exponents: 1 -> 1, -1 -> +-1, 0 -> no fold (division by zero), else 0.
    let r = if b.v < 0 {
        match a.v {
            0 => return FoldResult::None,
            1 => 1,
            -1 => {
                if b.v % 2 == 0 {
                    1
                } else {
                    -1
                }
            }
            _ => 0,
        }
    } else {
        let mut r: i128 = 1;
        let mut base = a.v;
        let mut e = b.v as u128;
        while e > 0 {
            if e & 1 == 1 {
                r = r.wrapping_mul(base);
            }
            base = base.wrapping_mul(base);
            e >>= 1;
        }
        r
    };
    let ty = ctx.value_type(ctx.result(op, 0));
    match make_int(ctx, ty, r) {
        Some(x) => FoldResult::attr(x),
        None => FoldResult::None,
    }
}

/// The error function (Abramowitz-Stegun 7.1.26 is too coarse; this uses
/// the series/continued-fraction split that is accurate to ~1 ulp in f64).
pub fn erf64(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x < 0.0 {
        return -erf64(-x);
    }
    if x < 2.5 {
        // Maclaurin series.
        let mut sum = x;
        let mut term = x;
        let x2 = x * x;
        let mut n = 0.0;
        loop {
            n += 1.0;
            term *= -x2 / n;
            let t = term / (2.0 * n + 1.0);
            sum += t;
            if t.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        sum * std::f64::consts::FRAC_2_SQRT_PI
    } else if x < 6.0 {
        // Continued fraction for erfc.
        let mut f = 0.0;
        for k in (1..60).rev() {
            f = (k as f64 / 2.0) / (x + f);
        }
        1.0 - (-x * x).exp() / (x + f) / std::f64::consts::PI.sqrt()
    } else {
        1.0
    }
}

pub static DIALECT: DialectDef = DialectDef {
    name: "math",
    summary: "Mathematical functions",
    ops: &[
        &ExpOp::DEF,
        &Exp2Op::DEF,
        &ExpM1Op::DEF,
        &LogOp::DEF,
        &Log2Op::DEF,
        &Log10Op::DEF,
        &Log1pOp::DEF,
        &TanhOp::DEF,
        &TanOp::DEF,
        &SinOp::DEF,
        &CosOp::DEF,
        &AsinOp::DEF,
        &AcosOp::DEF,
        &AtanOp::DEF,
        &Atan2Op::DEF,
        &SinhOp::DEF,
        &CoshOp::DEF,
        &ErfOp::DEF,
        &ErfcOp::DEF,
        &SqrtOp::DEF,
        &RsqrtOp::DEF,
        &CbrtOp::DEF,
        &PowFOp::DEF,
        &FPowIOp::DEF,
        &IPowIOp::DEF,
        &AbsFOp::DEF,
        &AbsIOp::DEF,
        &FloorOp::DEF,
        &CeilOp::DEF,
        &RoundOp::DEF,
        &RoundEvenOp::DEF,
        &TruncOp::DEF,
        &FmaOp::DEF,
        &CopySignOp::DEF,
        &CountLeadingZerosOp::DEF,
        &CountTrailingZerosOp::DEF,
        &CtPopOp::DEF,
        &IsNaNOp::DEF,
        &IsInfOp::DEF,
        &IsFiniteOp::DEF,
        &IsNormalOp::DEF,
    ],
    materialize_constant: Some(materialize),
    ..DialectDef::DEFAULT
};

fn materialize(ctx: &mut Context, value: Attr, ty: dlc_ir::Type, loc: Attr) -> Option<Op> {
    let _ = TypeKind::Index;
    dlc_arith::fold::build_constant(ctx, value, ty, loc)
}
