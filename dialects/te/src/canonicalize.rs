//! Canonicalization patterns of the te ops (run with `--canonicalize`):
//!
//! * `te.compute` that forwards its input unchanged (identity read of a
//!   same-typed tensor) is replaced by that input;
//! * a `te.extract` of a pure-read compute (body = one `te.extract` whose
//!   indices are the producer's output indices or constants) reads the
//!   producer's source directly (inlining transposes/broadcasts), the source
//!   becoming an input of the consumer;
//! * unused computes are erased, inputs a compute no longer reads dropped;
//! * a `te.extract` of a constant at constant indices (or of a splat)
//!   becomes an `arith.constant`;
//! * `te.dim` of a static dimension becomes an `arith.constant`, of a
//!   compute's dynamic dimension the compute's `dims` operand.

use crate::{ComputeOp, DYNAMIC, ExtractOp, YieldOp, body_block, compute_info, dim_index};
use dlc_ir::rewrite::{FnPattern, InsertPoint, PatternRewriter, PatternSet, value_constant};
use dlc_ir::{Attr, Context, Op, Value};

pub fn compute_patterns(set: &mut PatternSet) {
    set.add(FnPattern {
        root: Some("te.compute"),
        name: "te-forward-identity-compute",
        benefit: 2,
        f: forward_identity,
    });
    set.add(FnPattern {
        root: Some("te.compute"),
        name: "te-drop-unused-compute",
        benefit: 1,
        f: drop_unused,
    });
    set.add(FnPattern {
        root: Some("te.compute"),
        name: "te-prune-unused-inputs",
        benefit: 1,
        f: prune_inputs,
    });
}

pub fn dim_patterns(set: &mut PatternSet) {
    set.add(FnPattern {
        root: Some("te.dim"),
        name: "te-fold-dim",
        benefit: 1,
        f: fold_dim,
    });
}

/// The extent of dimension `d` of `t`: a constant, or the dims operand of
/// the compute producing `t`.
pub fn known_extent(ctx: &Context, t: Value, d: usize) -> Option<Result<i64, Value>> {
    let shape = ctx.shape(ctx.value_type(t))?;
    let e = *shape.get(d)?;
    if e != DYNAMIC {
        return Some(Ok(e));
    }
    let prod = ctx.defining_op(t)?;
    ComputeOp::cast(ctx, prod)?;
    let info = compute_info(ctx, prod).ok()?;
    let k = info.shape[..d].iter().filter(|&&x| x == DYNAMIC).count();
    info.dims.get(k).map(|&v| Err(v))
}

fn fold_dim(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let Ok(d) = dim_index(ctx, op) else {
        return false;
    };
    match known_extent(ctx, ctx.operand(op, 0), d) {
        Some(Ok(e)) => {
            let loc = ctx.op_loc(op);
            let ity = rw.ctx.index_type();
            let a = rw.ctx.index_attr(e);
            rw.set_insertion_point(InsertPoint::Before(op));
            let k = rw.create_op("arith.constant", loc, &[], &[ity], vec![("value", a)]);
            let v = rw.ctx.result(k, 0);
            rw.replace_op(op, &[v]);
            true
        }
        Some(Err(v)) => {
            rw.replace_op(op, &[v]);
            true
        }
        None => false,
    }
}

pub fn extract_patterns(set: &mut PatternSet) {
    set.add(FnPattern {
        root: Some("te.extract"),
        name: "te-fold-constant-extract",
        benefit: 2,
        f: fold_constant_extract,
    });
    set.add(FnPattern {
        root: Some("te.extract"),
        name: "te-inline-pure-read",
        benefit: 1,
        f: inline_pure_read,
    });
}

/// For a pure-read compute: its source tensor and, per source index, either
/// the producer's output axis it takes or a constant index.
fn pure_read(ctx: &Context, op: Op) -> Option<(Value, Vec<Result<usize, i64>>)> {
    let info = compute_info(ctx, op).ok()?;
    if !info.reduce_extents.is_empty() {
        return None;
    }
    let b = body_block(ctx, op)?;
    let ops = ctx.block_ops_vec(b);
    let y = *ops.last()?;
    YieldOp::cast(ctx, y)?;
    let v = ctx.operand(y, 0);
    let ex = ctx.defining_op(v)?;
    ExtractOp::cast(ctx, ex)?;
    if ctx.op_block(ex) != Some(b) {
        return None;
    }
    // Only the extract and index constants in the body.
    for &o in &ops[..ops.len() - 1] {
        if o != ex && ctx.op_name_str(o) != "arith.constant" {
            return None;
        }
    }
    let args = ctx.block_args(b);
    let src = ctx.operand(ex, 0);
    let mut map = Vec::new();
    for i in ctx.operands(ex).skip(1) {
        if let Some(p) = args.iter().position(|&a| a == i) {
            map.push(Ok(p));
        } else {
            let c = value_constant(ctx, i)?;
            map.push(Err(i64::try_from(ctx.int_value(c)?).ok()?));
        }
    }
    Some((src, map))
}

fn forward_identity(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let Some((src, map)) = pure_read(ctx, op) else {
        return false;
    };
    let r = ctx.result(op, 0);
    if ctx.value_type(src) != ctx.value_type(r) {
        return false;
    }
    if map.iter().enumerate().any(|(i, m)| *m != Ok(i)) {
        return false;
    }
    // With run-time extents the same type does not mean the same extents:
    // each must be the source's own (`te.dim` of it).
    let dims = compute_info(ctx, op).map(|i| i.dims).unwrap_or_default();
    let shape = ctx.shape(ctx.value_type(r)).unwrap_or(&[]).to_vec();
    let dyn_axes = shape.iter().enumerate().filter(|(_, e)| **e == DYNAMIC);
    for ((axis, _), &dv) in dyn_axes.zip(&dims) {
        let same = known_extent(ctx, src, axis) == Some(Err(dv))
            || ctx.defining_op(dv).is_some_and(|d| {
                ctx.op_name_str(d) == "te.dim"
                    && ctx.operand(d, 0) == src
                    && dim_index(ctx, d) == Ok(axis)
            });
        if !same {
            return false;
        }
    }
    rw.replace_op(op, &[src]);
    true
}

fn drop_unused(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    if !rw.ctx.op_results_unused(op) {
        return false;
    }
    rw.erase_op(op);
    true
}

fn prune_inputs(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let ins: Vec<Value> = ctx.operands(op).collect();
    let unused: Vec<usize> = ins
        .iter()
        .enumerate()
        .filter(|(_, v)| !ctx.is_index(ctx.value_type(**v)))
        .filter(|(_, v)| !ctx.users(**v).any(|u| u != op && ctx.is_ancestor(op, u)))
        .map(|(i, _)| i)
        .collect();
    if unused.is_empty() {
        return false;
    }
    rw.modify_in_place(op, |c| {
        for &i in unused.iter().rev() {
            c.erase_operand(op, i);
        }
    });
    true
}

fn enclosing_compute(ctx: &Context, mut op: Op) -> Option<Op> {
    while let Some(p) = ctx.parent_op(op) {
        if ComputeOp::cast(ctx, p).is_some() {
            return Some(p);
        }
        op = p;
    }
    None
}

fn inline_pure_read(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let src_t = ctx.operand(op, 0);
    let Some(prod) = ctx.defining_op(src_t) else {
        return false;
    };
    if ComputeOp::cast(ctx, prod).is_none() {
        return false;
    }
    let Some((src, map)) = pure_read(ctx, prod) else {
        return false;
    };
    let Some(consumer) = enclosing_compute(ctx, op) else {
        return false;
    };
    let idx: Vec<Value> = ctx.operands(op).skip(1).collect();
    let loc = ctx.op_loc(op);
    let ity = rw.ctx.index_type();
    rw.set_insertion_point(InsertPoint::Before(op));
    let mut new_idx = Vec::with_capacity(map.len());
    for m in map {
        match m {
            Ok(a) => match idx.get(a) {
                Some(&v) => new_idx.push(v),
                None => return false,
            },
            Err(c) => {
                let a = rw.ctx.index_attr(c);
                let k = rw.create_op("arith.constant", loc, &[], &[ity], vec![("value", a)]);
                new_idx.push(rw.ctx.result(k, 0));
            }
        }
    }
    let mut operands = vec![src];
    operands.extend(new_idx);
    let ety = rw.ctx.value_type(rw.ctx.result(op, 0));
    let n = rw.create_op("te.extract", loc, &operands, &[ety], vec![]);
    let nv = rw.ctx.result(n, 0);
    if !rw.ctx.operands(consumer).any(|v| v == src) {
        let at = crate::compute_inputs(rw.ctx, consumer).len();
        rw.modify_in_place(consumer, |c| c.insert_operands(consumer, at, &[src]));
    }
    rw.replace_op(op, &[nv]);
    true
}

/// The scalar at a linear position of a dense constant, as an attribute.
fn dense_element(ctx: &mut Context, dense: Attr, pos: usize) -> Option<Attr> {
    let ty = ctx.attr_type(dense)?;
    let elem = ctx.element_type(ty);
    let splat = dlc_ir::dense::is_splat(ctx, dense);
    let p = if splat { 0 } else { pos };
    if ctx.is_float(elem) {
        let v = *dlc_ir::dense::dense_values_f64(ctx, dense)?.get(p)?;
        Some(ctx.float_attr(elem, v))
    } else if ctx.is_integer(elem) || ctx.is_index(elem) {
        let v = *dlc_ir::dense::dense_values_i128(ctx, dense)?.get(p)?;
        Some(ctx.int_attr(elem, v))
    } else {
        None
    }
}

fn fold_constant_extract(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let src = ctx.operand(op, 0);
    let Some(dense) = value_constant(ctx, src) else {
        return false;
    };
    let Some(shape) = ctx.shape(ctx.value_type(src)).map(|s| s.to_vec()) else {
        return false;
    };
    let splat = dlc_ir::dense::is_splat(ctx, dense);
    let mut pos: usize = 0;
    if !splat {
        for (i, v) in ctx.operands(op).skip(1).enumerate() {
            let Some(c) = value_constant(ctx, v).and_then(|a| ctx.int_value(a)) else {
                return false;
            };
            let d = shape[i];
            if c < 0 || c >= d as i128 {
                return false;
            }
            pos = pos * d as usize + c as usize;
        }
    }
    let loc = ctx.op_loc(op);
    let ety = ctx.value_type(ctx.result(op, 0));
    let Some(a) = dense_element(rw.ctx, dense, pos) else {
        return false;
    };
    rw.set_insertion_point(InsertPoint::Before(op));
    let k = rw.create_op("arith.constant", loc, &[], &[ety], vec![("value", a)]);
    let v = rw.ctx.result(k, 0);
    rw.replace_op(op, &[v]);
    true
}
