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

/// Patterns rooted at `arith.addi`.
pub fn addi_patterns(set: &mut PatternSet) {
    set.add(pattern("arith.addi", "AddIAddConstant", |op, rw| {
        reassociate(op, rw, "arith.addi", |a, b| a.wrapping_add(b))
    }));
    set.add(pattern("arith.addi", "AddISubConstantRHS", |op, rw| {
        reassociate(op, rw, "arith.subi", |a, b| b.wrapping_sub(a))
    }));
}

/// Patterns rooted at `arith.subi`.
pub fn subi_patterns(set: &mut PatternSet) {
    // subi(addi(x, c0), c1) -> addi(x, c0 - c1)
    set.add(pattern("arith.subi", "SubIRHSAddConstant", |op, rw| {
        let ctx = &*rw.ctx;
        let (lhs, rhs) = (ctx.operand(op, 0), ctx.operand(op, 1));
        let Some(c1) = const_of(ctx, rhs).and_then(|a| int_const(ctx, a)) else {
            return false;
        };
        let Some(inner) = ctx
            .defining_op(lhs)
            .filter(|&d| ctx.op_name_str(d) == "arith.addi")
        else {
            return false;
        };
        let (x, ic) = (ctx.operand(inner, 0), ctx.operand(inner, 1));
        let Some(c0) = const_of(ctx, ic).and_then(|a| int_const(ctx, a)) else {
            return false;
        };
        let loc = ctx.op_loc(op);
        let ty = ctx.value_type(ctx.result(op, 0));
        let Some(c) = int_constant(rw, rhs, c0.v.wrapping_sub(c1.v), loc) else {
            return false;
        };
        let flags = merged_overflow(rw, op, inner);
        let new = rw.create_op(
            "arith.addi",
            loc,
            &[x, c],
            &[ty],
            vec![("overflowFlags", flags)],
        );
        let v = rw.ctx.result(new, 0);
        rw.replace_op(op, &[v]);
        true
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
