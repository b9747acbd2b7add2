//! Canonicalization patterns of the arith ops (a few of upstream's
//! `ArithCanonicalization.td` rewrites).

use crate::attrs::{flags_of, overflow_attr};
use crate::fold::{build_constant, const_of, int_const, invert_cmpi_predicate, make_int};
use dlc_ir::rewrite::FnPattern;
use dlc_ir::{Attr, Op, PatternRewriter, PatternSet, Value};

fn pattern(
    root: &'static str,
    name: &'static str,
    f: fn(Op, &mut PatternRewriter<'_>) -> bool,
) -> FnPattern {
    FnPattern {
        root: Some(root),
        name,
        benefit: 1,
        f,
    }
}

/// Materializes an integer constant of the type of `like` before the
/// rewriter's insertion point.
fn int_constant(rw: &mut PatternRewriter<'_>, like: Value, v: i128, loc: Attr) -> Option<Value> {
    let ty = rw.ctx.value_type(like);
    let a = make_int(rw.ctx, ty, v)?;
    let c = build_constant(rw.ctx, a, ty, loc)?;
    let c = rw.insert(c);
    Some(rw.ctx.result(c, 0))
}

/// The intersection of two ops' overflow flags (as upstream merges them).
fn merged_overflow(rw: &mut PatternRewriter<'_>, a: Op, b: Op) -> Attr {
    let f = |op: Op| {
        rw.ctx
            .attr(op, "overflowFlags")
            .and_then(|x| flags_of(rw.ctx, x, "overflow"))
            .unwrap_or(0)
    };
    let bits = f(a) & f(b);
    overflow_attr(rw.ctx, bits)
}

/// `op(op(x, c0), c1) -> op(x, combine(c0, c1))` for an op with a
/// constant right operand feeding the same op with a constant.
fn reassociate(
    op: Op,
    rw: &mut PatternRewriter<'_>,
    inner_name: &str,
    combine: fn(i128, i128) -> i128,
) -> bool {
    let ctx = &*rw.ctx;
    let name = ctx.op_name_str(op).to_string();
    let (lhs, rhs) = (ctx.operand(op, 0), ctx.operand(op, 1));
    let Some(c1) = const_of(ctx, rhs).and_then(|a| int_const(ctx, a)) else {
        return false;
    };
    let Some(inner) = ctx.defining_op(lhs) else {
        return false;
    };
    if ctx.op_name_str(inner) != inner_name {
        return false;
    }
    let (x, ic) = (ctx.operand(inner, 0), ctx.operand(inner, 1));
    let Some(c0) = const_of(ctx, ic).and_then(|a| int_const(ctx, a)) else {
        return false;
    };
    let loc = ctx.op_loc(op);
    let ty = ctx.value_type(ctx.result(op, 0));
    let Some(c) = int_constant(rw, rhs, combine(c0.v, c1.v), loc) else {
        return false;
    };
    let flags = merged_overflow(rw, op, inner);
    let new = rw.create_op(&name, loc, &[x, c], &[ty], vec![("overflowFlags", flags)]);
    let v = rw.ctx.result(new, 0);
    rw.replace_op(op, &[v]);
    true
}

/// The value of a scalar integer constant feeding `v` (DRR's
/// `ConstantLikeMatcher APIntAttr`).
fn scalar_int(ctx: &dlc_ir::Context, v: Value) -> Option<i128> {
    let a = const_of(ctx, v)?;
    match ctx.attr_kind(a) {
        dlc_ir::AttrKind::Integer { .. } => int_const(ctx, a).map(|c| c.v),
        _ => None,
    }
}

/// The op defining `v` if it is named `name`.
fn def_of(ctx: &dlc_ir::Context, v: Value, name: &str) -> Option<Op> {
    ctx.defining_op(v).filter(|&d| ctx.op_name_str(d) == name)
}

/// Replaces `op` by `name(x, c)` (or `name(c, x)` when `const_lhs`), `c` a
/// new constant `k` of the result type, with overflow flags merged from `op`
/// and `inner` (or none when `inner` is `None`).
fn rebuild_with_constant(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    inner: Option<Op>,
    name: &str,
    x: Value,
    k: i128,
    const_lhs: bool,
) -> bool {
    let loc = rw.ctx.op_loc(op);
    let res = rw.ctx.result(op, 0);
    let ty = rw.ctx.value_type(res);
    let Some(c) = int_constant(rw, res, k, loc) else {
        return false;
    };
    let flags = match inner {
        Some(i) => merged_overflow(rw, op, i),
        None => overflow_attr(rw.ctx, 0),
    };
    let operands = if const_lhs { [c, x] } else { [x, c] };
    let new = rw.create_op(name, loc, &operands, &[ty], vec![("overflowFlags", flags)]);
    let v = rw.ctx.result(new, 0);
    rw.replace_op(op, &[v]);
    true
}

/// `addi(subi(c0, x), c1) -> subi(c0 + c1, x)`.
fn addi_sub_constant_lhs(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let Some(c1) = scalar_int(ctx, ctx.operand(op, 1)) else {
        return false;
    };
    let Some(inner) = def_of(ctx, ctx.operand(op, 0), "arith.subi") else {
        return false;
    };
    let Some(c0) = scalar_int(ctx, ctx.operand(inner, 0)) else {
        return false;
    };
    let x = ctx.operand(inner, 1);
    rebuild_with_constant(
        rw,
        op,
        Some(inner),
        "arith.subi",
        x,
        c0.wrapping_add(c1),
        true,
    )
}

/// Whether `v` is a scalar or splat integer constant with all bits set.
fn is_neg_one(ctx: &dlc_ir::Context, v: Value) -> bool {
    const_of(ctx, v)
        .and_then(|a| int_const(ctx, a))
        .is_some_and(|c| c.v == -1)
}

/// `addi(x, muli(y, -1)) -> subi(x, y)` and `addi(muli(x, -1), y) -> subi(y, x)`.
fn addi_mul_negative_one(op: Op, rw: &mut PatternRewriter<'_>, rhs_side: bool) -> bool {
    let ctx = &*rw.ctx;
    let (l, r) = (ctx.operand(op, 0), ctx.operand(op, 1));
    let (other, mul) = if rhs_side { (l, r) } else { (r, l) };
    let Some(m) = def_of(ctx, mul, "arith.muli") else {
        return false;
    };
    if !is_neg_one(ctx, ctx.operand(m, 1)) {
        return false;
    }
    let y = ctx.operand(m, 0);
    let loc = ctx.op_loc(op);
    let ty = ctx.value_type(ctx.result(op, 0));
    let flags = overflow_attr(rw.ctx, 0);
    let new = rw.create_op(
        "arith.subi",
        loc,
        &[other, y],
        &[ty],
        vec![("overflowFlags", flags)],
    );
    let v = rw.ctx.result(new, 0);
    rw.replace_op(op, &[v]);
    true
}

/// Patterns rooted at `arith.addi`.
pub fn addi_patterns(set: &mut PatternSet) {
    set.add(pattern("arith.addi", "AddIAddConstant", |op, rw| {
        reassociate(op, rw, "arith.addi", |a, b| a.wrapping_add(b))
    }));
    set.add(pattern("arith.addi", "AddISubConstantRHS", |op, rw| {
        reassociate(op, rw, "arith.subi", |a, b| b.wrapping_sub(a))
    }));
    set.add(pattern(
        "arith.addi",
        "AddISubConstantLHS",
        addi_sub_constant_lhs,
    ));
    set.add(pattern("arith.addi", "AddIMulNegativeOneRhs", |op, rw| {
        addi_mul_negative_one(op, rw, true)
    }));
    set.add(pattern("arith.addi", "AddIMulNegativeOneLhs", |op, rw| {
        addi_mul_negative_one(op, rw, false)
    }));
}

/// Which side of `subi` a pattern's inner op and constant sit on.
#[derive(Copy, Clone)]
enum SubShape {
    /// `subi(inner(..), c1)`
    InnerLhs,
    /// `subi(c1, inner(..))`
    InnerRhs,
}

/// The `subi` reassociations of upstream's `ArithCanonicalization.td`:
/// `inner_name` is the inner op, `inner_const_lhs` whether its constant is
/// its lhs; `build(c0, c1)` gives the new constant, placed per `out`.
fn subi_reassociate(
    op: Op,
    rw: &mut PatternRewriter<'_>,
    shape: SubShape,
    inner_name: &str,
    inner_const_lhs: bool,
    out: (&str, bool, bool),
    build: fn(i128, i128) -> i128,
) -> bool {
    let ctx = &*rw.ctx;
    let (l, r) = (ctx.operand(op, 0), ctx.operand(op, 1));
    let (inner_v, c1_v) = match shape {
        SubShape::InnerLhs => (l, r),
        SubShape::InnerRhs => (r, l),
    };
    let Some(c1) = scalar_int(ctx, c1_v) else {
        return false;
    };
    let Some(inner) = def_of(ctx, inner_v, inner_name) else {
        return false;
    };
    let (ci, xi) = if inner_const_lhs { (0, 1) } else { (1, 0) };
    let Some(c0) = scalar_int(ctx, ctx.operand(inner, ci)) else {
        return false;
    };
    let x = ctx.operand(inner, xi);
    let (name, const_lhs, merge) = out;
    let inner_flags = merge.then_some(inner);
    rebuild_with_constant(rw, op, inner_flags, name, x, build(c0, c1), const_lhs)
}

/// Patterns rooted at `arith.subi`, in upstream's order.
pub fn subi_patterns(set: &mut PatternSet) {
    use SubShape::*;
    // subi(addi(x, c0), c1) -> addi(x, c0 - c1)   (no overflow flags)
    set.add(pattern("arith.subi", "SubIRHSAddConstant", |op, rw| {
        let out = ("arith.addi", false, false);
        subi_reassociate(op, rw, InnerLhs, "arith.addi", false, out, |c0, c1| {
            c0.wrapping_sub(c1)
        })
    }));
    // subi(c1, addi(x, c0)) -> subi(c1 - c0, x)
    set.add(pattern("arith.subi", "SubILHSAddConstant", |op, rw| {
        let out = ("arith.subi", true, true);
        subi_reassociate(op, rw, InnerRhs, "arith.addi", false, out, |c0, c1| {
            c1.wrapping_sub(c0)
        })
    }));
    // subi(subi(x, c0), c1) -> subi(x, c0 + c1)
    set.add(pattern("arith.subi", "SubIRHSSubConstantRHS", |op, rw| {
        let out = ("arith.subi", false, true);
        subi_reassociate(op, rw, InnerLhs, "arith.subi", false, out, |c0, c1| {
            c0.wrapping_add(c1)
        })
    }));
    // subi(subi(c0, x), c1) -> subi(c0 - c1, x)
    set.add(pattern("arith.subi", "SubIRHSSubConstantLHS", |op, rw| {
        let out = ("arith.subi", true, true);
        subi_reassociate(op, rw, InnerLhs, "arith.subi", true, out, |c0, c1| {
            c0.wrapping_sub(c1)
        })
    }));
    // subi(c1, subi(x, c0)) -> subi(c0 + c1, x)
    set.add(pattern("arith.subi", "SubILHSSubConstantRHS", |op, rw| {
        let out = ("arith.subi", true, true);
        subi_reassociate(op, rw, InnerRhs, "arith.subi", false, out, |c0, c1| {
            c0.wrapping_add(c1)
        })
    }));
    // subi(c1, subi(c0, x)) -> addi(x, c1 - c0)
    set.add(pattern("arith.subi", "SubILHSSubConstantLHS", |op, rw| {
        let out = ("arith.addi", false, true);
        subi_reassociate(op, rw, InnerRhs, "arith.subi", true, out, |c0, c1| {
            c1.wrapping_sub(c0)
        })
    }));
    // subi(subi(a, b), a) -> subi(0, b)
    set.add(pattern("arith.subi", "SubISubILHSRHSLHS", |op, rw| {
        let ctx = &*rw.ctx;
        let (l, r) = (ctx.operand(op, 0), ctx.operand(op, 1));
        let Some(inner) = def_of(ctx, l, "arith.subi") else {
            return false;
        };
        if ctx.operand(inner, 0) != r {
            return false;
        }
        let b = ctx.operand(inner, 1);
        rebuild_with_constant(rw, op, Some(inner), "arith.subi", b, 0, true)
    }));
}

/// Patterns rooted at `arith.muli`.
pub fn muli_patterns(set: &mut PatternSet) {
    set.add(pattern("arith.muli", "MulIMulIConstant", |op, rw| {
        reassociate(op, rw, "arith.muli", |a, b| a.wrapping_mul(b))
    }));
}

/// Patterns rooted at `arith.xori`.
pub fn xori_patterns(set: &mut PatternSet) {
    // xori(cmpi(pred, a, b), true) -> cmpi(!pred, a, b)
    set.add(pattern("arith.xori", "XOrINotCmpI", |op, rw| {
        let ctx = &*rw.ctx;
        let (lhs, rhs) = (ctx.operand(op, 0), ctx.operand(op, 1));
        let is_true = const_of(ctx, rhs)
            .and_then(|a| int_const(ctx, a))
            .is_some_and(|c| c.w == 1 && c.v != 0);
        if !is_true {
            return false;
        }
        let Some(cmp) = ctx
            .defining_op(lhs)
            .filter(|&d| ctx.op_name_str(d) == "arith.cmpi")
        else {
            return false;
        };
        let Some(pred) = ctx.attr(cmp, "predicate").and_then(|a| ctx.int_value(a)) else {
            return false;
        };
        let (a, b) = (ctx.operand(cmp, 0), ctx.operand(cmp, 1));
        let loc = ctx.op_loc(op);
        let ty = ctx.value_type(lhs);
        let p = rw.ctx.i64_attr(invert_cmpi_predicate(pred) as i64);
        let new = rw.create_op("arith.cmpi", loc, &[a, b], &[ty], vec![("predicate", p)]);
        let v = rw.ctx.result(new, 0);
        rw.replace_op(op, &[v]);
        true
    }));
}

/// Patterns rooted at `arith.select`.
pub fn select_patterns(set: &mut PatternSet) {
    // select(c, false, true) -> xori(c, true)   (for i1 results)
    set.add(pattern("arith.select", "SelectNotCond", |op, rw| {
        let ctx = &*rw.ctx;
        let (c, t, f) = (ctx.operand(op, 0), ctx.operand(op, 1), ctx.operand(op, 2));
        let ty = ctx.value_type(ctx.result(op, 0));
        if ctx.value_type(c) != ty {
            return false;
        }
        let k = |v| {
            const_of(ctx, v)
                .and_then(|a| int_const(ctx, a))
                .map(|x| x.v)
        };
        if k(t) != Some(0) || k(f) != Some(-1) {
            return false;
        }
        let loc = ctx.op_loc(op);
        let Some(one) = int_constant(rw, c, 1, loc) else {
            return false;
        };
        let new = rw.create_op("arith.xori", loc, &[c, one], &[ty], vec![]);
        let v = rw.ctx.result(new, 0);
        rw.replace_op(op, &[v]);
        true
    }));
}
