//! Run-time dimensions at graph-to-te.
//!
//! A graph tensor type may have `?` dimensions (a model's `batch` or
//! `seq`). Their extents are `index` values at te level: `te.dim` of an
//! operand, combined with `arith` where a shape rule needs it (a reshape's
//! inferred dimension). Each supported op states its result dimensions in
//! terms of its operands' ([`result_dims`], the reification MLIR's
//! `ReifyRankedShapedTypeOpInterface` does); its computes list them in
//! `dims(...)`. A dynamic dimension never broadcasts: where an operand's
//! `?` meets a static extent, the two are assumed equal, as onnx-mlir and
//! TVM assume.
//!
//! Ops not listed in [`SUPPORTED`] are rejected with a clear error when
//! their types have `?` dimensions.

use super::{ints_attr, norm_axis};
use dlc_ir::rewrite::{InsertPoint, PatternRewriter};
use dlc_ir::types::DYNAMIC;
use dlc_ir::{Context, Op, Value};

/// The graph ops whose te lowering handles run-time dimensions.
pub(crate) const SUPPORTED: &[&str] = &[
    "relu",
    "sigmoid",
    "tanh",
    "exp",
    "erf",
    "sqrt",
    "clamp",
    "add",
    "sub",
    "mul",
    "div",
    "max",
    "min",
    "elementwise",
    "batch_norm",
    "matmul",
    "transpose",
    "reshape",
    "reduce_sum",
    "reduce_mean",
    "reduce_max",
    "softmax",
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
    "global_avg_pool2d",
];

/// Does `v` have a tensor type with a `?` dimension?
pub(crate) fn is_dynamic(ctx: &Context, v: Value) -> bool {
    ctx.shape(ctx.value_type(v))
        .is_some_and(|s| s.contains(&DYNAMIC))
}

/// The shape of `v` with `?` dimensions as [`DYNAMIC`].
pub(crate) fn dyn_shape(ctx: &Context, v: Value) -> Result<Vec<i64>, String> {
    let s = ctx
        .shape(ctx.value_type(v))
        .ok_or("expected a ranked tensor")?;
    if s.iter().any(|&d| d < 0 && d != DYNAMIC) {
        return Err(format!("invalid tensor shape {s:?}"));
    }
    Ok(s.to_vec())
}

/// `te.dim %v, axis` before `anchor`.
pub(crate) fn te_dim(rw: &mut PatternRewriter<'_>, anchor: Op, v: Value, axis: usize) -> Value {
    let loc = rw.ctx.op_loc(anchor);
    let it = rw.ctx.index_type();
    let d = rw.ctx.i64_attr(axis as i64);
    rw.set_insertion_point(InsertPoint::Before(anchor));
    let op = rw.create_op("te.dim", loc, &[v], &[it], vec![("dim", d)]);
    rw.ctx.result(op, 0)
}

/// `arith.<name> a, b : index` before `anchor`.
pub(crate) fn index_op(
    rw: &mut PatternRewriter<'_>,
    anchor: Op,
    name: &str,
    a: Value,
    b: Value,
) -> Value {
    let loc = rw.ctx.op_loc(anchor);
    let it = rw.ctx.index_type();
    rw.set_insertion_point(InsertPoint::Before(anchor));
    let op = rw.create_op(name, loc, &[a, b], &[it], vec![]);
    rw.ctx.result(op, 0)
}

/// An index constant before `anchor`.
pub(crate) fn index_const(rw: &mut PatternRewriter<'_>, anchor: Op, c: i64) -> Value {
    let loc = rw.ctx.op_loc(anchor);
    let it = rw.ctx.index_type();
    let a = rw.ctx.index_attr(c);
    rw.set_insertion_point(InsertPoint::Before(anchor));
    let op = rw.create_op("arith.constant", loc, &[], &[it], vec![("value", a)]);
    rw.ctx.result(op, 0)
}

/// The extents of `v`'s dimensions `axes` whose extent is dynamic, in order.
pub(crate) fn dims_at(
    rw: &mut PatternRewriter<'_>,
    anchor: Op,
    v: Value,
    axes: &[usize],
) -> Result<Vec<Value>, String> {
    let s = dyn_shape(rw.ctx, v)?;
    let mut out = Vec::new();
    for &a in axes {
        if *s.get(a).ok_or("dimension out of range")? == DYNAMIC {
            out.push(te_dim(rw, anchor, v, a));
        }
    }
    Ok(out)
}

/// The extent of dimension `axis` of `v` as a value (a constant when static).
pub(crate) fn extent(
    rw: &mut PatternRewriter<'_>,
    anchor: Op,
    v: Value,
    axis: usize,
) -> Result<Value, String> {
    let s = dyn_shape(rw.ctx, v)?;
    match *s.get(axis).ok_or("dimension out of range")? {
        DYNAMIC => Ok(te_dim(rw, anchor, v, axis)),
        e => Ok(index_const(rw, anchor, e)),
    }
}

/// Dynamic result dimensions of an op whose result broadcasts its
/// operands (numpy rules): each `?` comes from an operand that has `?` at
/// the aligned position.
fn broadcast_dims(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    ins: &[Value],
    rs: &[i64],
) -> Result<Vec<Value>, String> {
    let shapes: Vec<Vec<i64>> = ins
        .iter()
        .map(|&v| dyn_shape(rw.ctx, v))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (i, &d) in rs.iter().enumerate() {
        if d != DYNAMIC {
            continue;
        }
        let from = ins.iter().zip(&shapes).find_map(|(&v, s)| {
            let off = rs.len().checked_sub(s.len())?;
            let j = i.checked_sub(off)?;
            (s[j] == DYNAMIC).then_some((v, j))
        });
        let (v, j) = from.ok_or_else(|| {
            format!("result dimension {i} is dynamic but no operand's dimension gives it")
        })?;
        out.push(te_dim(rw, op, v, j));
    }
    Ok(out)
}

/// The values of the `?` dimensions of `op`'s result, from its operands.
pub(crate) fn result_dims(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    short: &str,
    ins: &[Value],
    rs: &[i64],
) -> Result<Vec<Value>, String> {
    if !SUPPORTED.contains(&short) {
        return Err(format!(
            "'graph.{short}' does not support run-time (`?`) dimensions yet; give the model static shapes"
        ));
    }
    let ctx = &*rw.ctx;
    let x = *ins.first().ok_or("expects an operand")?;
    let sx = dyn_shape(ctx, x)?;
    match short {
        "matmul" => {
            let sb = dyn_shape(ctx, ins[1])?;
            let ta = ctx.attr(op, "transpose_a").is_some();
            let tb = ctx.attr(op, "transpose_b").is_some();
            let (na, nb, nr) = (sx.len(), sb.len(), rs.len());
            let mut out = Vec::new();
            for (i, &d) in rs.iter().enumerate() {
                if d != DYNAMIC {
                    continue;
                }
                let (v, j) = if i == nr - 2 {
                    (x, if ta { na - 1 } else { na - 2 })
                } else if i == nr - 1 {
                    (ins[1], if tb { nb - 2 } else { nb - 1 })
                } else {
                    // A batch dimension: broadcast between the operands' batch dims.
                    let pick = |s: &[i64], v: Value| -> Option<(Value, usize)> {
                        let batch = s.len() - 2;
                        let off = (nr - 2).checked_sub(batch)?;
                        let j = i.checked_sub(off)?;
                        (s[j] == DYNAMIC).then_some((v, j))
                    };
                    pick(&sx, x)
                        .or_else(|| pick(&sb, ins[1]))
                        .ok_or("matmul: a dynamic batch dimension has no source")?
                };
                out.push(te_dim(rw, op, v, j));
            }
            Ok(out)
        }
        "transpose" => {
            let perm = ints_attr(ctx, op, "perm", &[]);
            let axes: Vec<usize> = perm.iter().map(|&p| p as usize).collect();
            if axes.len() != rs.len() {
                return Err("invalid transpose permutation".into());
            }
            let dyn_axes: Vec<usize> = axes
                .iter()
                .zip(rs)
                .filter(|(_, d)| **d == DYNAMIC)
                .map(|(&a, _)| a)
                .collect();
            let mut out = Vec::new();
            for a in dyn_axes {
                out.push(te_dim(rw, op, x, a));
            }
            Ok(out)
        }
        "reshape" => reshape_dims(rw, op, x, &sx, rs),
        "reduce_sum" | "reduce_mean" | "reduce_max" => {
            let axes: Vec<usize> = match ctx.attr(op, "axes").and_then(|a| ctx.dense_int_array(a)) {
                None => (0..sx.len()).collect(),
                Some(v) => v
                    .into_iter()
                    .map(|a| norm_axis(a, sx.len()))
                    .collect::<Result<_, _>>()?,
            };
            let keep = ctx.attr(op, "keepdims").is_some();
            // The result's axes come from the input's kept (or all) axes.
            let src: Vec<usize> = (0..sx.len())
                .filter(|d| keep || !axes.contains(d))
                .collect();
            let want: Vec<usize> = src
                .iter()
                .zip(rs)
                .filter(|(_, d)| **d == DYNAMIC)
                .map(|(&a, _)| a)
                .collect();
            dims_at(rw, op, x, &want)
        }
        "softmax" => {
            let all: Vec<usize> = (0..sx.len()).collect();
            dims_at(rw, op, x, &all)
        }
        "conv2d" | "max_pool2d" | "avg_pool2d" | "global_avg_pool2d" => {
            if rs.iter().skip(1).any(|&d| d == DYNAMIC) || sx.iter().skip(1).any(|&d| d == DYNAMIC)
            {
                return Err(format!(
                    "'graph.{short}' supports a run-time batch dimension only (channels and spatial dimensions must be static)"
                ));
            }
            for &w in &ins[1..] {
                if is_dynamic(ctx, w) {
                    return Err(format!("'graph.{short}' needs static weights"));
                }
            }
            dims_at(rw, op, x, &[0])
        }
        _ => broadcast_dims(rw, op, ins, rs),
    }
}

/// `graph.reshape` with `?` in its result: the `shape` attribute keeps
/// ONNX's spelling for those dimensions, `0` (the input's extent at the
/// same position) or `-1` (the element count divided by the other extents).
fn reshape_dims(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    x: Value,
    sx: &[i64],
    rs: &[i64],
) -> Result<Vec<Value>, String> {
    let spec = ints_attr(rw.ctx, op, "shape", &[]);
    if spec.len() != rs.len() {
        return Err("reshape: 'shape' and the result rank differ".into());
    }
    let mut out = Vec::new();
    for (i, (&s, &d)) in spec.iter().zip(rs).enumerate() {
        if d != DYNAMIC {
            continue;
        }
        match s {
            0 => {
                if sx.get(i) != Some(&DYNAMIC) {
                    return Err(format!(
                        "reshape: dimension {i} copies the input's, which is not dynamic"
                    ));
                }
                out.push(te_dim(rw, op, x, i));
            }
            -1 => {
                // numel(x) / product of the other result extents.
                let mut num = index_const(rw, op, 1);
                for a in 0..sx.len() {
                    let e = extent(rw, op, x, a)?;
                    num = index_op(rw, op, "arith.muli", num, e);
                }
                let mut den = index_const(rw, op, 1);
                for (j, &sj) in spec.iter().enumerate() {
                    if j == i {
                        continue;
                    }
                    let e = match sj {
                        0 => extent(rw, op, x, j)?,
                        v if v > 0 => index_const(rw, op, v),
                        _ => return Err("reshape: more than one '-1' dimension".into()),
                    };
                    den = index_op(rw, op, "arith.muli", den, e);
                }
                out.push(index_op(rw, op, "arith.divsi", num, den));
            }
            _ => {
                return Err(format!(
                    "reshape: dynamic result dimension {i} must be spelled 0 or -1 in 'shape', got {s}"
                ));
            }
        }
    }
    Ok(out)
}
