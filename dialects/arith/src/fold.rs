//! Fold hooks of the arith ops: constant folding on scalars and splats
//! (integers wrap at the type's width; floats round to the type like
//! APFloat, round-to-nearest-even), plus the algebraic identities upstream
//! folds (`x + 0`, `x * 1`, `x - x`, `x & x`, `select true`, ...).

use crate::attrs::{CMPF_PREDICATES, overflow_attr};
use dlc_ir::attrs::DenseData;
use dlc_ir::rewrite::value_constant;
use dlc_ir::types::FloatKind;
use dlc_ir::{Attr, AttrKind, Context, FoldResult, Op, OpFoldResult, Type, TypeKind, Value};
use std::sync::Arc;

// ----- constant values ---------------------------------------------------

/// Bit width of an integer-like element type we can fold (at most 128).
fn int_width(ctx: &Context, t: Type) -> Option<u32> {
    match ctx.type_kind(t) {
        TypeKind::Integer { width, .. } if *width <= 128 && *width > 0 => Some(*width),
        TypeKind::Index => Some(64),
        _ => None,
    }
}

/// Whether the float kind is one we fold exactly through f64.
fn foldable_float(k: FloatKind) -> bool {
    matches!(
        k,
        FloatKind::F16 | FloatKind::BF16 | FloatKind::F32 | FloatKind::F64
    )
}

fn mask(w: u32) -> u128 {
    if w >= 128 {
        u128::MAX
    } else {
        (1u128 << w) - 1
    }
}

/// Zero-extends a sign-extended value of width `w`.
pub fn zext(v: i128, w: u32) -> u128 {
    (v as u128) & mask(w)
}

/// Sign-extends the low `w` bits.
pub fn sext(v: u128, w: u32) -> i128 {
    if w >= 128 {
        v as i128
    } else {
        let s = 128 - w;
        ((v << s) as i128) >> s
    }
}

/// An integer constant: a scalar or a splat, with its element width.
#[derive(Copy, Clone, Debug)]
pub struct IntC {
    pub v: i128,
    pub w: u32,
}

/// A float constant: a scalar or a splat, widened to f64.
#[derive(Copy, Clone, Debug)]
pub struct FloatC {
    pub v: f64,
    pub kind: FloatKind,
}

fn le_bytes_to_u128(b: &[u8]) -> u128 {
    let mut v = 0u128;
    for (i, &x) in b.iter().enumerate().take(16) {
        v |= (x as u128) << (8 * i);
    }
    v
}

/// The splat element bits of a splat dense attribute and its element type.
fn splat_bits(ctx: &Context, a: Attr) -> Option<(u128, Type)> {
    match ctx.attr_kind(a) {
        AttrKind::DenseElements { ty, data } if data.splat => {
            let e = ctx.element_type(*ty);
            Some((le_bytes_to_u128(&data.bytes), e))
        }
        _ => None,
    }
}

pub fn int_const(ctx: &Context, a: Attr) -> Option<IntC> {
    match ctx.attr_kind(a) {
        AttrKind::Integer { value, ty } => Some(IntC {
            v: *value,
            w: int_width(ctx, *ty)?,
        }),
        AttrKind::Bool(b) => Some(IntC {
            v: -(*b as i128),
            w: 1,
        }),
        _ => {
            let (bits, e) = splat_bits(ctx, a)?;
            let w = int_width(ctx, e)?;
            Some(IntC {
                v: sext(bits, w),
                w,
            })
        }
    }
}

pub fn float_const(ctx: &Context, a: Attr) -> Option<FloatC> {
    let (bits, e) = match ctx.attr_kind(a) {
        AttrKind::Float { bits, ty } => (*bits, *ty),
        _ => splat_bits(ctx, a)?,
    };
    match ctx.type_kind(e) {
        TypeKind::Float(k) if foldable_float(*k) => Some(FloatC {
            v: dlc_ir::float::bits_to_f64(*k, bits),
            kind: *k,
        }),
        _ => None,
    }
}

/// A splat dense attribute of `ty` whose element has the given bit pattern.
fn splat_attr(ctx: &mut Context, ty: Type, bits: u128, width: u32) -> Attr {
    let n = (width as usize).div_ceil(8).max(1);
    let bytes: Vec<u8> = (0..n).map(|i| (bits >> (8 * i)) as u8).collect();
    ctx.dense_attr(
        ty,
        DenseData {
            splat: true,
            bytes: Arc::from(bytes),
        },
    )
}

/// An integer constant of type `ty` (a scalar or a splat of a shaped type).
pub fn make_int(ctx: &mut Context, ty: Type, v: i128) -> Option<Attr> {
    let e = ctx.element_type(ty);
    let w = int_width(ctx, e)?;
    if e == ty {
        Some(ctx.int_attr(ty, v))
    } else if matches!(
        ctx.type_kind(ty),
        TypeKind::Vector { .. } | TypeKind::Tensor { .. }
    ) {
        let bits = if w == 1 { (v & 1) as u128 } else { zext(v, w) };
        Some(splat_attr(ctx, ty, bits, w))
    } else {
        None
    }
}

/// Rounds `v` to the float kind like APFloat (nearest even). NaNs produced
/// from non-NaN inputs become the positive quiet NaN.
pub fn float_bits(k: FloatKind, v: f64) -> u128 {
    if v.is_nan() {
        let q = f64::from_bits((v.to_bits() & !(1u64 << 63)) | (1u64 << 51));
        let q = if v.is_sign_negative() { -q } else { q };
        return dlc_ir::float::f64_to_bits(k, q);
    }
    dlc_ir::float::f64_to_bits(k, v)
}

/// A float constant of type `ty` (a scalar or a splat).
pub fn make_float(ctx: &mut Context, ty: Type, v: f64) -> Option<Attr> {
    let e = ctx.element_type(ty);
    let TypeKind::Float(k) = *ctx.type_kind(e) else {
        return None;
    };
    if !foldable_float(k) {
        return None;
    }
    let bits = float_bits(k, v);
    if e == ty {
        Some(ctx.float_attr_bits(ty, bits))
    } else if matches!(
        ctx.type_kind(ty),
        TypeKind::Vector { .. } | TypeKind::Tensor { .. }
    ) {
        Some(splat_attr(ctx, ty, bits, k.width()))
    } else {
        None
    }
}

fn result_type(ctx: &Context, op: Op, i: usize) -> Type {
    ctx.value_type(ctx.result(op, i))
}

fn operand(ctx: &Context, op: Op, i: usize) -> Value {
    ctx.operand(op, i)
}

fn int_at(ctx: &Context, c: &[Option<Attr>], i: usize) -> Option<IntC> {
    c.get(i).copied().flatten().and_then(|a| int_const(ctx, a))
}
fn float_at(ctx: &Context, c: &[Option<Attr>], i: usize) -> Option<FloatC> {
    c.get(i)
        .copied()
        .flatten()
        .and_then(|a| float_const(ctx, a))
}

fn is_int(ctx: &Context, c: &[Option<Attr>], i: usize, v: i128) -> bool {
    int_at(ctx, c, i).is_some_and(|x| x.v == v)
}

fn int_result(ctx: &mut Context, op: Op, v: Option<i128>) -> FoldResult {
    let ty = result_type(ctx, op, 0);
    match v.and_then(|v| make_int(ctx, ty, v)) {
        Some(a) => FoldResult::attr(a),
        None => FoldResult::None,
    }
}

fn float_result(ctx: &mut Context, op: Op, v: Option<f64>) -> FoldResult {
    let ty = result_type(ctx, op, 0);
    match v.and_then(|v| make_float(ctx, ty, v)) {
        Some(a) => FoldResult::attr(a),
        None => FoldResult::None,
    }
}

/// For commutative ops: moves a constant lhs to the right (in place).
fn move_constant_right(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> bool {
    if c.len() == 2 && c[0].is_some() && c[1].is_none() {
        let (a, b) = (operand(ctx, op, 0), operand(ctx, op, 1));
        ctx.set_operands(op, &[b, a]);
        return true;
    }
    false
}

/// Constant-folds a binary integer op; `f(a, b, w)` returns the value or
/// `None` when the result is poison/UB (division by zero, overflow).
fn binary_int(
    ctx: &mut Context,
    op: Op,
    c: &[Option<Attr>],
    f: impl Fn(i128, i128, u32) -> Option<i128>,
) -> Option<FoldResult> {
    let (a, b) = (int_at(ctx, c, 0)?, int_at(ctx, c, 1)?);
    let r = f(a.v, b.v, a.w)?;
    match int_result(ctx, op, Some(r)) {
        FoldResult::None => None,
        r => Some(r),
    }
}

fn binary_float(
    ctx: &mut Context,
    op: Op,
    c: &[Option<Attr>],
    f: impl Fn(f64, f64) -> f64,
) -> Option<FoldResult> {
    let (a, b) = (float_at(ctx, c, 0)?, float_at(ctx, c, 1)?);
    let r = f(a.v, b.v);
    // APFloat propagates a NaN operand; otherwise a fresh NaN is positive.
    let r = if r.is_nan() {
        if a.v.is_nan() {
            a.v
        } else if b.v.is_nan() {
            b.v
        } else {
            f64::NAN
        }
    } else {
        r
    };
    match float_result(ctx, op, Some(r)) {
        FoldResult::None => None,
        r => Some(r),
    }
}

fn smin(w: u32) -> i128 {
    if w >= 128 {
        i128::MIN
    } else {
        -(1i128 << (w - 1))
    }
}
fn smax(w: u32) -> i128 {
    if w >= 128 {
        i128::MAX
    } else {
        (1i128 << (w - 1)) - 1
    }
}

fn value(v: Value) -> FoldResult {
    FoldResult::value(v)
}

/// The defining op of operand `i` if it has the given name.
fn def_named(ctx: &Context, op: Op, i: usize, name: &str) -> Option<Op> {
    let d = ctx.defining_op(operand(ctx, op, i))?;
    (ctx.op_name_str(d) == name).then_some(d)
}

// ----- integer folds -----------------------------------------------------

pub fn fold_addi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let r = fold_addi_own(ctx, op, c);
    commutative(ctx, op, c, r)
}

fn fold_addi_own(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if is_int(ctx, c, 1, 0) {
        return value(operand(ctx, op, 0));
    }
    // addi(subi(a, b), b) -> a
    let (l, r) = (operand(ctx, op, 0), operand(ctx, op, 1));
    if let Some(s) = def_named(ctx, op, 0, "arith.subi")
        && operand(ctx, s, 1) == r
    {
        return value(operand(ctx, s, 0));
    }
    if let Some(s) = def_named(ctx, op, 1, "arith.subi")
        && operand(ctx, s, 1) == l
    {
        return value(operand(ctx, s, 0));
    }
    binary_int(ctx, op, c, |a, b, _| Some(a.wrapping_add(b))).unwrap_or(FoldResult::None)
}

pub fn fold_subi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let (l, r) = (operand(ctx, op, 0), operand(ctx, op, 1));
    if l == r {
        return int_result(ctx, op, Some(0));
    }
    if is_int(ctx, c, 1, 0) {
        return value(l);
    }
    // subi(addi(a, b), b) -> a ; subi(addi(b, a), b) -> a
    if let Some(a) = def_named(ctx, op, 0, "arith.addi") {
        let (x, y) = (operand(ctx, a, 0), operand(ctx, a, 1));
        if y == r {
            return value(x);
        }
        if x == r {
            return value(y);
        }
    }
    binary_int(ctx, op, c, |a, b, _| Some(a.wrapping_sub(b))).unwrap_or(FoldResult::None)
}

pub fn fold_muli(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let r = fold_muli_own(ctx, op, c);
    commutative(ctx, op, c, r)
}

fn fold_muli_own(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    // muli(x, 0) -> the zero operand itself (no new constant)
    if is_int(ctx, c, 1, 0) {
        return value(operand(ctx, op, 1));
    }
    if is_int(ctx, c, 1, 1) {
        return value(operand(ctx, op, 0));
    }
    binary_int(ctx, op, c, |a, b, _| Some(a.wrapping_mul(b))).unwrap_or(FoldResult::None)
}

fn div_common(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> Option<FoldResult> {
    // x / 1 -> x
    if is_int(ctx, c, 1, 1) {
        return Some(value(operand(ctx, op, 0)));
    }
    None
}

pub fn fold_divsi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if let Some(r) = div_common(ctx, op, c) {
        return r;
    }
    binary_int(ctx, op, c, |a, b, w| {
        if b == 0 || (a == smin(w) && b == -1) {
            None
        } else {
            Some(a / b)
        }
    })
    .unwrap_or(FoldResult::None)
}

pub fn fold_divui(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if let Some(r) = div_common(ctx, op, c) {
        return r;
    }
    binary_int(ctx, op, c, |a, b, w| {
        let (a, b) = (zext(a, w), zext(b, w));
        a.checked_div(b).map(|q| q as i128)
    })
    .unwrap_or(FoldResult::None)
}

/// Signed division rounding towards positive infinity; `None` on zero
/// divisor or overflow.
pub fn ceil_div_s(a: i128, b: i128, w: u32) -> Option<i128> {
    if b == 0 || (a == smin(w) && b == -1) {
        return None;
    }
    let q = a / b;
    let r = a % b;
    Some(if r != 0 && ((r < 0) == (b < 0)) {
        q + 1
    } else {
        q
    })
}

/// Signed division rounding towards negative infinity.
pub fn floor_div_s(a: i128, b: i128, w: u32) -> Option<i128> {
    if b == 0 || (a == smin(w) && b == -1) {
        return None;
    }
    let q = a / b;
    let r = a % b;
    Some(if r != 0 && ((r < 0) != (b < 0)) {
        q - 1
    } else {
        q
    })
}

pub fn fold_ceildivsi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if let Some(r) = div_common(ctx, op, c) {
        return r;
    }
    binary_int(ctx, op, c, ceil_div_s).unwrap_or(FoldResult::None)
}

pub fn fold_ceildivui(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if let Some(r) = div_common(ctx, op, c) {
        return r;
    }
    binary_int(ctx, op, c, |a, b, w| {
        let (a, b) = (zext(a, w), zext(b, w));
        a.checked_div(b).map(|q| (q + (a % b != 0) as u128) as i128)
    })
    .unwrap_or(FoldResult::None)
}

pub fn fold_floordivsi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if let Some(r) = div_common(ctx, op, c) {
        return r;
    }
    binary_int(ctx, op, c, floor_div_s).unwrap_or(FoldResult::None)
}

pub fn fold_remsi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if is_int(ctx, c, 1, 1) {
        return int_result(ctx, op, Some(0));
    }
    binary_int(ctx, op, c, |a, b, _| {
        if b == 0 {
            None
        } else {
            Some(a.wrapping_rem(b))
        }
    })
    .unwrap_or(FoldResult::None)
}

pub fn fold_remui(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if is_int(ctx, c, 1, 1) {
        return int_result(ctx, op, Some(0));
    }
    binary_int(ctx, op, c, |a, b, w| {
        let (a, b) = (zext(a, w), zext(b, w));
        if b == 0 { None } else { Some((a % b) as i128) }
    })
    .unwrap_or(FoldResult::None)
}

/// Whether `v` is defined by an integer constant with all bits set.
fn is_all_ones(ctx: &Context, v: Value) -> bool {
    value_constant(ctx, v)
        .and_then(|a| int_const(ctx, a))
        .is_some_and(|x| x.v == -1)
}

/// If `v` is `xori(x, allOnes)` (a bitwise not of `x`), its all-ones operand.
fn not_of(ctx: &Context, v: Value, x: Value) -> Option<Value> {
    let d = ctx.defining_op(v)?;
    if ctx.op_name_str(d) != "arith.xori" || operand(ctx, d, 0) != x {
        return None;
    }
    let ones = operand(ctx, d, 1);
    is_all_ones(ctx, ones).then_some(ones)
}

/// The trait folds upstream runs when an op's own fold fails: `Commutative`
/// moves a constant lhs to the right (in place), then `Idempotent` folds
/// `op(x, x)` to `x`.
fn trait_folds(
    ctx: &mut Context,
    op: Op,
    c: &[Option<Attr>],
    r: FoldResult,
    idempotent: bool,
) -> FoldResult {
    if !matches!(r, FoldResult::None) {
        return r;
    }
    if move_constant_right(ctx, op, c) {
        return FoldResult::InPlace;
    }
    let (l, rhs) = (operand(ctx, op, 0), operand(ctx, op, 1));
    if idempotent && l == rhs {
        return value(l);
    }
    FoldResult::None
}

/// `Commutative` only.
fn commutative(ctx: &mut Context, op: Op, c: &[Option<Attr>], r: FoldResult) -> FoldResult {
    trait_folds(ctx, op, c, r, false)
}

pub fn fold_andi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let r = andi_own(ctx, op, c);
    trait_folds(ctx, op, c, r, true)
}

fn andi_own(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let (l, r) = (operand(ctx, op, 0), operand(ctx, op, 1));
    // and(x, 0) -> 0 ; and(x, allOnes) -> x
    if is_int(ctx, c, 1, 0) {
        return value(r);
    }
    if is_int(ctx, c, 1, -1) {
        return value(l);
    }
    // and(x, not(x)) -> 0 ; and(not(x), x) -> 0
    if not_of(ctx, r, l).is_some() || not_of(ctx, l, r).is_some() {
        return int_result(ctx, op, Some(0));
    }
    // and(a, and(a, b)) -> and(a, b), either operand order
    for (inner, other) in [(l, r), (r, l)] {
        if let Some(d) = ctx.defining_op(inner)
            && ctx.op_name_str(d) == "arith.andi"
            && (operand(ctx, d, 0) == other || operand(ctx, d, 1) == other)
        {
            return value(inner);
        }
    }
    binary_int(ctx, op, c, |a, b, _| Some(a & b)).unwrap_or(FoldResult::None)
}

pub fn fold_ori(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let r = ori_own(ctx, op, c);
    trait_folds(ctx, op, c, r, true)
}

fn ori_own(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let (l, r) = (operand(ctx, op, 0), operand(ctx, op, 1));
    // or(x, 0) -> x ; or(x, allOnes) -> allOnes (as a new constant)
    if is_int(ctx, c, 1, 0) {
        return value(l);
    }
    if is_int(ctx, c, 1, -1)
        && let Some(a) = c[1]
    {
        return FoldResult::attr(a);
    }
    // or(x, not(x)) -> allOnes ; or(not(x), x) -> allOnes
    if let Some(ones) = not_of(ctx, r, l).or_else(|| not_of(ctx, l, r)) {
        return value(ones);
    }
    binary_int(ctx, op, c, |a, b, _| Some(a | b)).unwrap_or(FoldResult::None)
}

pub fn fold_xori(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let r = xori_own(ctx, op, c);
    commutative(ctx, op, c, r)
}

fn xori_own(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let (l, r) = (operand(ctx, op, 0), operand(ctx, op, 1));
    if is_int(ctx, c, 1, 0) {
        return value(l);
    }
    if l == r {
        return int_result(ctx, op, Some(0));
    }
    // xori(xori(x, a), a) -> x ; xori(xori(a, x), a) -> x
    if let Some(x) = def_named(ctx, op, 0, "arith.xori") {
        if operand(ctx, x, 1) == r {
            return value(operand(ctx, x, 0));
        }
        if operand(ctx, x, 0) == r {
            return value(operand(ctx, x, 1));
        }
    }
    // xori(a, xori(x, a)) -> x ; xori(a, xori(a, x)) -> x
    if let Some(x) = def_named(ctx, op, 1, "arith.xori") {
        if operand(ctx, x, 1) == l {
            return value(operand(ctx, x, 0));
        }
        if operand(ctx, x, 0) == l {
            return value(operand(ctx, x, 1));
        }
    }
    binary_int(ctx, op, c, |a, b, _| Some(a ^ b)).unwrap_or(FoldResult::None)
}

fn shift_amount(b: i128, w: u32) -> Option<u32> {
    let s = zext(b, w);
    (s < w as u128).then_some(s as u32)
}

pub fn fold_shli(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if is_int(ctx, c, 1, 0) {
        return value(operand(ctx, op, 0));
    }
    binary_int(ctx, op, c, |a, b, w| {
        shift_amount(b, w).map(|s| (zext(a, w) << s) as i128)
    })
    .unwrap_or(FoldResult::None)
}

pub fn fold_shrsi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if is_int(ctx, c, 1, 0) {
        return value(operand(ctx, op, 0));
    }
    binary_int(ctx, op, c, |a, b, w| shift_amount(b, w).map(|s| a >> s)).unwrap_or(FoldResult::None)
}

pub fn fold_shrui(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if is_int(ctx, c, 1, 0) {
        return value(operand(ctx, op, 0));
    }
    binary_int(ctx, op, c, |a, b, w| {
        shift_amount(b, w).map(|s| (zext(a, w) >> s) as i128)
    })
    .unwrap_or(FoldResult::None)
}

/// Shared folds of min/max: `op(x, x) -> x`, saturation by the extreme
/// value, and constant folding with `pick(a, b, w)`.
fn fold_minmax(
    ctx: &mut Context,
    op: Op,
    c: &[Option<Attr>],
    absorbing: fn(u32) -> i128,
    identity: fn(u32) -> i128,
    pick: fn(i128, i128, u32) -> i128,
) -> FoldResult {
    let r = fold_minmax_own(ctx, op, c, absorbing, identity, pick);
    commutative(ctx, op, c, r)
}

fn fold_minmax_own(
    ctx: &mut Context,
    op: Op,
    c: &[Option<Attr>],
    absorbing: fn(u32) -> i128,
    identity: fn(u32) -> i128,
    pick: fn(i128, i128, u32) -> i128,
) -> FoldResult {
    let (l, r) = (operand(ctx, op, 0), operand(ctx, op, 1));
    if l == r {
        return value(l);
    }
    if let Some(b) = int_at(ctx, c, 1) {
        if b.v == absorbing(b.w) {
            return value(r);
        }
        if b.v == identity(b.w) {
            return value(l);
        }
    }
    binary_int(ctx, op, c, |a, b, w| Some(pick(a, b, w))).unwrap_or(FoldResult::None)
}

fn umax_s(w: u32) -> i128 {
    sext(mask(w), w)
}

pub fn fold_maxsi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_minmax(ctx, op, c, smax, smin, |a, b, _| a.max(b))
}
pub fn fold_minsi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_minmax(ctx, op, c, smin, smax, |a, b, _| a.min(b))
}
pub fn fold_maxui(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_minmax(
        ctx,
        op,
        c,
        umax_s,
        |_| 0,
        |a, b, w| {
            if zext(a, w) >= zext(b, w) { a } else { b }
        },
    )
}
pub fn fold_minui(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_minmax(
        ctx,
        op,
        c,
        |_| 0,
        umax_s,
        |a, b, w| {
            if zext(a, w) <= zext(b, w) { a } else { b }
        },
    )
}

fn two_results(ctx: &mut Context, op: Op, a: i128, b: i128) -> FoldResult {
    let (t0, t1) = (result_type(ctx, op, 0), result_type(ctx, op, 1));
    match (make_int(ctx, t0, a), make_int(ctx, t1, b)) {
        (Some(x), Some(y)) => {
            FoldResult::Results(vec![OpFoldResult::Attr(x), OpFoldResult::Attr(y)])
        }
        _ => FoldResult::None,
    }
}

pub fn fold_addui_extended(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let r = fold_addui_extended_own(ctx, op, c);
    commutative(ctx, op, c, r)
}

fn fold_addui_extended_own(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    // addui_extended(x, 0) -> x, false
    if is_int(ctx, c, 1, 0) {
        let t1 = result_type(ctx, op, 1);
        if let Some(f) = make_int(ctx, t1, 0) {
            return FoldResult::Results(vec![
                OpFoldResult::Value(operand(ctx, op, 0)),
                OpFoldResult::Attr(f),
            ]);
        }
    }
    let (Some(a), Some(b)) = (int_at(ctx, c, 0), int_at(ctx, c, 1)) else {
        return FoldResult::None;
    };
    let sum = zext(a.v.wrapping_add(b.v), a.w);
    let ovf = sum < zext(a.v, a.w);
    two_results(ctx, op, sext(sum, a.w), -(ovf as i128))
}

fn fold_mul_extended(ctx: &mut Context, op: Op, c: &[Option<Attr>], signed: bool) -> FoldResult {
    let r = fold_mul_extended_own(ctx, op, c, signed);
    commutative(ctx, op, c, r)
}

fn fold_mul_extended_own(
    ctx: &mut Context,
    op: Op,
    c: &[Option<Attr>],
    signed: bool,
) -> FoldResult {
    let (Some(a), Some(b)) = (int_at(ctx, c, 0), int_at(ctx, c, 1)) else {
        // x * 0 -> (0, 0)
        if is_int(ctx, c, 1, 0) {
            let z = c[1].unwrap();
            return FoldResult::Results(vec![OpFoldResult::Attr(z), OpFoldResult::Attr(z)]);
        }
        return FoldResult::None;
    };
    if a.w > 64 {
        return FoldResult::None;
    }
    let p = if signed {
        a.v * b.v
    } else {
        (zext(a.v, a.w) * zext(b.v, a.w)) as i128
    };
    two_results(ctx, op, p, p >> a.w)
}

pub fn fold_mulsi_extended(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_mul_extended(ctx, op, c, true)
}
pub fn fold_mului_extended(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_mul_extended(ctx, op, c, false)
}

// ----- float folds -------------------------------------------------------

fn is_float(ctx: &Context, c: &[Option<Attr>], i: usize, f: impl Fn(f64) -> bool) -> bool {
    float_at(ctx, c, i).is_some_and(|x| f(x.v))
}

pub fn fold_addf(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let r = fold_addf_own(ctx, op, c);
    commutative(ctx, op, c, r)
}

fn fold_addf_own(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    // x + -0.0 -> x
    if is_float(ctx, c, 1, |v| v == 0.0 && v.is_sign_negative()) {
        return value(operand(ctx, op, 0));
    }
    binary_float(ctx, op, c, |a, b| a + b).unwrap_or(FoldResult::None)
}

pub fn fold_subf(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    // x - +0.0 -> x
    if is_float(ctx, c, 1, |v| v == 0.0 && v.is_sign_positive()) {
        return value(operand(ctx, op, 0));
    }
    binary_float(ctx, op, c, |a, b| a - b).unwrap_or(FoldResult::None)
}

pub fn fold_mulf(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let r = fold_mulf_own(ctx, op, c);
    commutative(ctx, op, c, r)
}

fn fold_mulf_own(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if is_float(ctx, c, 1, |v| v == 1.0) {
        return value(operand(ctx, op, 0));
    }
    binary_float(ctx, op, c, |a, b| a * b).unwrap_or(FoldResult::None)
}

pub fn fold_divf(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if is_float(ctx, c, 1, |v| v == 1.0) {
        return value(operand(ctx, op, 0));
    }
    binary_float(ctx, op, c, |a, b| a / b).unwrap_or(FoldResult::None)
}

pub fn fold_remf(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    binary_float(ctx, op, c, |a, b| a % b).unwrap_or(FoldResult::None)
}

pub fn fold_negf(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    // negf(negf(x)) -> x
    if let Some(n) = def_named(ctx, op, 0, "arith.negf") {
        return value(operand(ctx, n, 0));
    }
    match float_at(ctx, c, 0) {
        Some(a) => float_result(ctx, op, Some(-a.v)),
        None => FoldResult::None,
    }
}

/// IEEE 754-2019 maximum: NaN-propagating, -0 < +0.
pub fn maximum(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return if a.is_nan() { a } else { b };
    }
    if a == b {
        return if a.is_sign_negative() { b } else { a };
    }
    a.max(b)
}
pub fn minimum(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return if a.is_nan() { a } else { b };
    }
    if a == b {
        return if a.is_sign_negative() { a } else { b };
    }
    a.min(b)
}
/// IEEE maxNum: a NaN operand is ignored.
pub fn maxnum(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        b
    } else if b.is_nan() {
        a
    } else {
        maximum(a, b)
    }
}
pub fn minnum(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        b
    } else if b.is_nan() {
        a
    } else {
        minimum(a, b)
    }
}

fn fold_fminmax(
    ctx: &mut Context,
    op: Op,
    c: &[Option<Attr>],
    identity: f64,
    f: fn(f64, f64) -> f64,
) -> FoldResult {
    let r = fold_fminmax_own(ctx, op, c, identity, f);
    commutative(ctx, op, c, r)
}

fn fold_fminmax_own(
    ctx: &mut Context,
    op: Op,
    c: &[Option<Attr>],
    identity: f64,
    f: fn(f64, f64) -> f64,
) -> FoldResult {
    let (l, r) = (operand(ctx, op, 0), operand(ctx, op, 1));
    if l == r {
        return value(l);
    }
    if is_float(ctx, c, 1, |v| v == identity) {
        return value(l);
    }
    binary_float(ctx, op, c, f).unwrap_or(FoldResult::None)
}

pub fn fold_maximumf(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_fminmax(ctx, op, c, f64::NEG_INFINITY, maximum)
}
pub fn fold_minimumf(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_fminmax(ctx, op, c, f64::INFINITY, minimum)
}
pub fn fold_maxnumf(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_fminmax(ctx, op, c, f64::NEG_INFINITY, maxnum)
}
pub fn fold_minnumf(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_fminmax(ctx, op, c, f64::INFINITY, minnum)
}

// ----- comparisons -------------------------------------------------------

/// Evaluates an integer predicate (by index into `CMPI_PREDICATES`).
pub fn eval_cmpi(pred: i128, a: i128, b: i128, w: u32) -> bool {
    let (ua, ub) = (zext(a, w), zext(b, w));
    match pred {
        0 => a == b,
        1 => a != b,
        2 => a < b,
        3 => a <= b,
        4 => a > b,
        5 => a >= b,
        6 => ua < ub,
        7 => ua <= ub,
        8 => ua > ub,
        _ => ua >= ub,
    }
}

/// Evaluates a float predicate (by index into `CMPF_PREDICATES`).
pub fn eval_cmpf(pred: i128, a: f64, b: f64) -> bool {
    let uno = a.is_nan() || b.is_nan();
    let ord = !uno;
    match pred {
        0 => false,
        1 => ord && a == b,
        2 => ord && a > b,
        3 => ord && a >= b,
        4 => ord && a < b,
        5 => ord && a <= b,
        6 => ord && a != b,
        7 => ord,
        8 => uno || a == b,
        9 => uno || a > b,
        10 => uno || a >= b,
        11 => uno || a < b,
        12 => uno || a <= b,
        13 => uno || a != b,
        14 => uno,
        _ => true,
    }
}

fn bool_result(ctx: &mut Context, op: Op, b: bool) -> FoldResult {
    int_result(ctx, op, Some(-(b as i128)))
}

/// The predicate with operands swapped.
pub fn swap_cmpi_predicate(p: i128) -> i128 {
    match p {
        2 => 4,
        3 => 5,
        4 => 2,
        5 => 3,
        6 => 8,
        7 => 9,
        8 => 6,
        9 => 7,
        x => x,
    }
}

/// The negated predicate (`slt` <-> `sge`, ...).
pub fn invert_cmpi_predicate(p: i128) -> i128 {
    match p {
        0 => 1,
        1 => 0,
        2 => 5,
        5 => 2,
        3 => 4,
        4 => 3,
        6 => 9,
        9 => 6,
        7 => 8,
        _ => 7,
    }
}

pub fn fold_cmpi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let Some(pred) = ctx.attr(op, "predicate").and_then(|a| ctx.int_value(a)) else {
        return FoldResult::None;
    };
    let (l, r) = (operand(ctx, op, 0), operand(ctx, op, 1));
    if l == r {
        return bool_result(ctx, op, matches!(pred, 0 | 3 | 5 | 7 | 9));
    }
    // Move a constant to the right, swapping the predicate.
    if c[0].is_some() && c[1].is_none() {
        let np = swap_cmpi_predicate(pred);
        let t = ctx.i64();
        let pa = ctx.int_attr(t, np);
        ctx.set_operands(op, &[r, l]);
        ctx.set_attr(op, "predicate", pa);
        return FoldResult::InPlace;
    }
    match (int_at(ctx, c, 0), int_at(ctx, c, 1)) {
        (Some(a), Some(b)) => bool_result(ctx, op, eval_cmpi(pred, a.v, b.v, a.w)),
        _ => FoldResult::None,
    }
}

pub fn fold_cmpf(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let Some(pred) = ctx.attr(op, "predicate").and_then(|a| ctx.int_value(a)) else {
        return FoldResult::None;
    };
    if pred < 0 || pred as usize >= CMPF_PREDICATES.len() {
        return FoldResult::None;
    }
    if pred == 0 || pred == 15 {
        return bool_result(ctx, op, pred == 15);
    }
    match (float_at(ctx, c, 0), float_at(ctx, c, 1)) {
        (Some(a), Some(b)) => bool_result(ctx, op, eval_cmpf(pred, a.v, b.v)),
        _ => FoldResult::None,
    }
}

// ----- select ------------------------------------------------------------

pub fn fold_select(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let (cond, t, f) = (
        operand(ctx, op, 0),
        operand(ctx, op, 1),
        operand(ctx, op, 2),
    );
    if t == f {
        return value(t);
    }
    if let Some(k) = int_at(ctx, c, 0) {
        return value(if k.v != 0 { t } else { f });
    }
    // select(c, true, false) -> c (for i1 results)
    let rt = result_type(ctx, op, 0);
    if rt == ctx.value_type(cond) && is_int(ctx, c, 1, -1) && is_int(ctx, c, 2, 0) {
        return value(cond);
    }
    FoldResult::None
}

// ----- constant ----------------------------------------------------------

pub fn fold_constant(ctx: &mut Context, op: Op, _c: &[Option<Attr>]) -> FoldResult {
    match ctx.attr(op, "value") {
        Some(a) => FoldResult::attr(a),
        None => FoldResult::None,
    }
}

// ----- casts -------------------------------------------------------------

fn in_type(ctx: &Context, op: Op) -> Type {
    ctx.value_type(operand(ctx, op, 0))
}

/// `cast(cast'(x)) -> x` when `x` already has the result type and the
/// inner op is one of `names`.
fn fold_round_trip(ctx: &Context, op: Op, names: &[&str]) -> Option<FoldResult> {
    let d = ctx.defining_op(operand(ctx, op, 0))?;
    if !names.contains(&ctx.op_name_str(d)) {
        return None;
    }
    let x = operand(ctx, d, 0);
    (ctx.value_type(x) == result_type(ctx, op, 0)).then(|| value(x))
}

pub fn fold_extsi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    match int_at(ctx, c, 0) {
        Some(a) => int_result(ctx, op, Some(a.v)),
        None => FoldResult::None,
    }
}

pub fn fold_extui(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    match int_at(ctx, c, 0) {
        Some(a) => int_result(ctx, op, Some(zext(a.v, a.w) as i128)),
        None => FoldResult::None,
    }
}

pub fn fold_trunci(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if let Some(r) = fold_round_trip(ctx, op, &["arith.extsi", "arith.extui"]) {
        return r;
    }
    match int_at(ctx, c, 0) {
        Some(a) => int_result(ctx, op, Some(a.v)),
        None => FoldResult::None,
    }
}

pub fn fold_index_cast(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if let Some(r) = fold_round_trip(ctx, op, &["arith.index_cast"]) {
        return r;
    }
    match int_at(ctx, c, 0) {
        Some(a) => int_result(ctx, op, Some(a.v)),
        None => FoldResult::None,
    }
}

pub fn fold_index_castui(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if let Some(r) = fold_round_trip(ctx, op, &["arith.index_castui"]) {
        return r;
    }
    match int_at(ctx, c, 0) {
        Some(a) => int_result(ctx, op, Some(zext(a.v, a.w) as i128)),
        None => FoldResult::None,
    }
}

pub fn fold_bitcast(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    if let Some(r) = fold_round_trip(ctx, op, &["arith.bitcast"]) {
        return r;
    }
    let Some(a) = c[0] else {
        return FoldResult::None;
    };
    let rt = result_type(ctx, op, 0);
    if ctx.element_type(rt) != rt {
        return FoldResult::None;
    }
    let bits = match *ctx.attr_kind(a) {
        AttrKind::Integer { value, ty } => zext(value, int_width(ctx, ty).unwrap_or(64)),
        AttrKind::Float { bits, .. } => bits,
        _ => return FoldResult::None,
    };
    let out = match *ctx.type_kind(rt) {
        TypeKind::Float(_) => ctx.float_attr_bits(rt, bits),
        TypeKind::Integer { width, .. } => ctx.int_attr(rt, sext(bits, width)),
        _ => return FoldResult::None,
    };
    FoldResult::attr(out)
}

/// Rounds an integer to the float kind directly (no double rounding).
fn int_to_float(k: FloatKind, v: i128, unsigned: bool, w: u32) -> Option<f64> {
    let x = if unsigned {
        zext(v, w) as f64
    } else {
        v as f64
    };
    match k {
        FloatKind::F64 => {
            if unsigned {
                Some(zext(v, w) as f64)
            } else {
                Some(v as f64)
            }
        }
        FloatKind::F32 => Some(if unsigned {
            zext(v, w) as f32
        } else {
            v as f32
        } as f64),
        // Exact in f64, so rounding once more to the small format is correct.
        _ if x.abs() < 9.0e15 => Some(x),
        _ => None,
    }
}

fn fold_int_to_fp(ctx: &mut Context, op: Op, c: &[Option<Attr>], unsigned: bool) -> FoldResult {
    let Some(a) = int_at(ctx, c, 0) else {
        return FoldResult::None;
    };
    let rt = result_type(ctx, op, 0);
    let e = ctx.element_type(rt);
    let TypeKind::Float(k) = *ctx.type_kind(e) else {
        return FoldResult::None;
    };
    float_result(ctx, op, int_to_float(k, a.v, unsigned, a.w))
}

pub fn fold_sitofp(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_int_to_fp(ctx, op, c, false)
}
pub fn fold_uitofp(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_int_to_fp(ctx, op, c, true)
}

fn fold_fp_to_int(ctx: &mut Context, op: Op, c: &[Option<Attr>], unsigned: bool) -> FoldResult {
    let Some(a) = float_at(ctx, c, 0) else {
        return FoldResult::None;
    };
    let rt = result_type(ctx, op, 0);
    let Some(w) = int_width(ctx, ctx.element_type(rt)) else {
        return FoldResult::None;
    };
    if !a.v.is_finite() || w > 64 {
        return FoldResult::None;
    }
    let t = a.v.trunc();
    let (lo, hi) = if unsigned {
        (0.0, (mask(w) as f64) + 1.0)
    } else {
        (smin(w) as f64, (smax(w) as f64) + 1.0)
    };
    if t < lo || t >= hi {
        return FoldResult::None;
    }
    int_result(ctx, op, Some(t as i128))
}

pub fn fold_fptosi(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_fp_to_int(ctx, op, c, false)
}
pub fn fold_fptoui(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    fold_fp_to_int(ctx, op, c, true)
}

pub fn fold_extf(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    match float_at(ctx, c, 0) {
        Some(a) => float_result(ctx, op, Some(a.v)),
        None => FoldResult::None,
    }
}

pub fn fold_truncf(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    // truncf(extf(x)) -> x
    if let Some(r) = fold_round_trip(ctx, op, &["arith.extf"]) {
        return r;
    }
    // Only round-to-nearest-even (the default) is folded.
    if ctx
        .attr(op, "roundingmode")
        .and_then(|a| ctx.int_value(a))
        .is_some_and(|m| m != 0)
    {
        return FoldResult::None;
    }
    let _ = in_type(ctx, op);
    match float_at(ctx, c, 0) {
        Some(a) => float_result(ctx, op, Some(a.v)),
        None => FoldResult::None,
    }
}

/// Builds a detached `arith.constant` of `value` (with type `ty`).
pub fn build_constant(ctx: &mut Context, value: Attr, ty: Type, loc: Attr) -> Option<Op> {
    let value = match *ctx.attr_kind(value) {
        AttrKind::Bool(b) => {
            let i1 = ctx.i1();
            ctx.int_attr(i1, b as i128)
        }
        _ => value,
    };
    if ctx.attr_type(value) != Some(ty) {
        return None;
    }
    let name = ctx.op_name_id(crate::ops::ConstantOp::NAME);
    let mut st = dlc_ir::OperationState::new(name, loc);
    let n = ctx.ident("value");
    st.props.push((n, value));
    st.result_types.push(ty);
    Some(ctx.create_op(st))
}

/// `value_constant` re-exported for patterns.
pub fn const_of(ctx: &Context, v: Value) -> Option<Attr> {
    value_constant(ctx, v)
}

/// An `#arith.overflow<none>` attribute (for ops built by patterns).
pub fn no_overflow(ctx: &mut Context) -> Attr {
    overflow_attr(ctx, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        let mut c = Context::new();
        c.register_dialect(&crate::DIALECT);
        c
    }

    #[test]
    fn integer_constants_wrap_at_width() {
        let mut c = ctx();
        let i8t = c.integer_type(8);
        let a = make_int(&mut c, i8t, 127 + 1).unwrap();
        assert_eq!(c.int_value(a), Some(-128));
        assert_eq!(zext(-1, 8), 255);
        assert_eq!(sext(0xff, 8), -1);
        assert_eq!(sext(0x80, 8), -128);
    }

    #[test]
    fn division_by_zero_and_overflow_not_folded() {
        assert_eq!(ceil_div_s(7, 0, 32), None);
        assert_eq!(floor_div_s(-128, -1, 8), None);
        assert_eq!(ceil_div_s(-7, 2, 32), Some(-3));
        assert_eq!(ceil_div_s(7, 2, 32), Some(4));
        assert_eq!(floor_div_s(-7, 2, 32), Some(-4));
        assert_eq!(floor_div_s(7, -2, 32), Some(-4));
    }

    #[test]
    fn float_compare_and_minmax_nan() {
        let n = f64::NAN;
        // une / uno are true on NaN, oeq / ord false.
        assert!(eval_cmpf(13, n, 1.0));
        assert!(eval_cmpf(14, n, 1.0));
        assert!(!eval_cmpf(1, n, n));
        assert!(!eval_cmpf(7, n, 1.0));
        assert!(maximum(n, 1.0).is_nan());
        assert_eq!(maxnum(n, 1.0), 1.0);
        assert!(minimum(-0.0, 0.0).is_sign_negative());
        assert!(maximum(-0.0, 0.0).is_sign_positive());
    }

    #[test]
    fn f32_rounding_and_nan_bits() {
        // 1/3 in f32 is 0x3EAAAAAB (rounded once from the exact quotient).
        assert_eq!(float_bits(FloatKind::F32, 1.0 / 3.0), 0x3EAAAAAB);
        // A fresh NaN is the positive quiet NaN.
        assert_eq!(float_bits(FloatKind::F32, f64::NAN), 0x7FC00000);
    }

    #[test]
    fn integer_predicates() {
        assert!(eval_cmpi(2, -1, 1, 32)); // slt
        assert!(!eval_cmpi(6, -1, 1, 32)); // ult: 0xffffffff < 1 is false
        assert_eq!(invert_cmpi_predicate(2), 5);
        assert_eq!(swap_cmpi_predicate(6), 8);
        for p in 0..10 {
            assert_eq!(invert_cmpi_predicate(invert_cmpi_predicate(p)), p);
        }
    }
}
