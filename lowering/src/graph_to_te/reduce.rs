//! graph-to-te for the reduce ops of dlc_graph::reduce:
//!
//! * `reduce_min`/`reduce_prod`: one reduction compute (`min`/`mul`; on
//!   `i1`, min is a logical and: the signed `max` of i1 values);
//! * `argmax`/`argmin`: the extreme value along the axis (a `max`/`min`
//!   reduction), then the first (`min` over matching indices) or last
//!   (`max`, with `select_last_index`) index where the input equals it;
//! * `log_softmax`: max, sum of exp(x - max), then x - max - log(sum);
//! * `hardmax`: argmax (first index), then 1 where the index along the axis
//!   is it, else 0.

use super::{B, Bin, compute, int_attr, norm_axis, shape_of};
use dlc_ir::rewrite::PatternRewriter;
use dlc_ir::{Op, TypeKind, Value};

/// Builds the te replacement of graph op `short` if it is one of this
/// module's.
pub(crate) fn lower(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    short: &str,
) -> Result<Option<Value>, String> {
    Ok(Some(match short {
        "reduce_min" | "reduce_prod" => lower_reduce(rw, op, short)?,
        "argmax" | "argmin" => lower_arg(rw, op, short)?,
        "log_softmax" => lower_log_softmax(rw, op)?,
        "hardmax" => lower_hardmax(rw, op)?,
        _ => return Ok(None),
    }))
}

/// The input index of a reduction over sorted `axes`: reduction indices
/// `r` on the reduced axes, output indices `idx` elsewhere (a kept reduced
/// dimension's output index is skipped).
pub(crate) fn reduce_index(
    axes: &[usize],
    keep: bool,
    rank: usize,
    idx: &[Value],
    r: &[Value],
) -> Result<Vec<Value>, String> {
    let mut ix = Vec::with_capacity(rank);
    let mut out_pos = 0;
    for d in 0..rank {
        if let Some(p) = axes.iter().position(|&a| a == d) {
            ix.push(r[p]);
            if keep {
                out_pos += 1;
            }
        } else {
            ix.push(*idx.get(out_pos).ok_or("reduce: result rank mismatch")?);
            out_pos += 1;
        }
    }
    Ok(ix)
}

fn is_bool(ctx: &dlc_ir::Context, t: dlc_ir::Type) -> bool {
    matches!(ctx.type_kind(t), TypeKind::Integer { width: 1, .. })
}

/// The te combiner of a max/min reduction of element type `e` (on `i1`,
/// whose signed order has true < false, max and min swap).
pub(crate) fn max_min_combiner(ctx: &dlc_ir::Context, e: dlc_ir::Type, max: bool) -> &'static str {
    if max != is_bool(ctx, e) { "max" } else { "min" }
}

/// A reduction compute like [`compute`], except that a reduction over an
/// empty extent (a zero-sized dimension) is a compute yielding the
/// combiner's identity (the te level needs positive extents).
#[allow(clippy::too_many_arguments)]
pub(crate) fn reduction(
    rw: &mut PatternRewriter<'_>,
    anchor: Op,
    inputs: &[Value],
    out: dlc_ir::Type,
    red: &[i64],
    combiner: &str,
    body: Box<super::BodyFn<'_>>,
) -> Result<Value, String> {
    if !red.contains(&0) {
        return compute(rw, anchor, inputs, out, red, Some(combiner), body);
    }
    let e = rw.ctx.element_type(out);
    let float = rw.ctx.is_float(e);
    let width = rw.ctx.int_or_float_width(e).unwrap_or(32);
    let imax = (1i128 << width.saturating_sub(1)) - 1;
    let imin = -(1i128 << width.saturating_sub(1));
    let (f, i) = match combiner {
        "add" => (0.0, 0),
        "mul" => (1.0, 1),
        "max" => (f64::NEG_INFINITY, imin),
        "min" => (f64::INFINITY, imax),
        _ => return Err(format!("unknown combiner '{combiner}'")),
    };
    compute(
        rw,
        anchor,
        &[],
        out,
        &[],
        None,
        Box::new(move |b, _, _| {
            let a = if float {
                b.ctx.float_attr(e, f)
            } else {
                b.ctx.int_attr(e, i)
            };
            Ok(b.op("arith.constant", &[], e, &[("value", a)]))
        }),
    )
}

fn lower_reduce(rw: &mut PatternRewriter<'_>, op: Op, short: &str) -> Result<Value, String> {
    let x = rw.ctx.operand(op, 0);
    let sx = shape_of(rw.ctx, x)?;
    let rt = rw.ctx.value_type(rw.ctx.result(op, 0));
    let e = rw.ctx.element_type(rt);
    let mut axes: Vec<usize> = match rw
        .ctx
        .attr(op, "axes")
        .and_then(|a| rw.ctx.dense_int_array(a))
    {
        None => (0..sx.len()).collect(),
        Some(v) => v
            .into_iter()
            .map(|a| norm_axis(a, sx.len()))
            .collect::<Result<_, _>>()?,
    };
    axes.sort_unstable();
    axes.dedup();
    let keep = rw.ctx.attr(op, "keepdims").is_some();
    let red: Vec<i64> = axes.iter().map(|&a| sx[a]).collect();
    let comb = if short == "reduce_prod" {
        "mul"
    } else {
        max_min_combiner(rw.ctx, e, false)
    };
    let rank = sx.len();
    reduction(
        rw,
        op,
        &[x],
        rt,
        &red,
        comb,
        Box::new(move |b, idx, r| {
            let ix = reduce_index(&axes, keep, rank, idx, r)?;
            Ok(b.ext(x, &ix))
        }),
    )
}

/// `x == y` for floats (ordered) or integers.
fn eq(b: &mut B<'_>, x: Value, y: Value) -> Value {
    let t = b.ctx.value_type(x);
    let i1 = b.ctx.i1();
    let i64t = b.ctx.i64();
    let (name, pred) = if b.ctx.is_float(t) {
        ("arith.cmpf", 1)
    } else {
        ("arith.cmpi", 0)
    };
    let p = b.ctx.int_attr(i64t, pred);
    b.op(name, &[x, y], i1, &[("predicate", p)])
}

/// The i64 index of the extreme element of `x` along `axis`, of shape
/// `out` (the axis kept as 1 or dropped).
#[allow(clippy::too_many_arguments)]
fn arg_index(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    x: Value,
    axis: usize,
    keep: bool,
    out: &[i64],
    max: bool,
    last: bool,
) -> Result<Value, String> {
    let sx = shape_of(rw.ctx, x)?;
    let e = rw.ctx.element_type(rw.ctx.value_type(x));
    let rank = sx.len();
    let n = sx[axis];
    let mt = rw.ctx.tensor_type(out, e);
    let comb = max_min_combiner(rw.ctx, e, max);
    let m = compute(
        rw,
        op,
        &[x],
        mt,
        &[n],
        Some(comb),
        Box::new(move |b, idx, r| {
            let ix = reduce_index(&[axis], keep, rank, idx, r)?;
            Ok(b.ext(x, &ix))
        }),
    )?;
    let i64t = rw.ctx.i64();
    let it = rw.ctx.tensor_type(out, i64t);
    // Non-matching positions give the combiner's identity-like sentinel.
    let (comb, miss) = if last {
        ("max", -1.0)
    } else {
        ("min", n as f64)
    };
    compute(
        rw,
        op,
        &[x, m],
        it,
        &[n],
        Some(comb),
        Box::new(move |b, idx, r| {
            let ix = reduce_index(&[axis], keep, rank, idx, r)?;
            let v = b.ext(x, &ix);
            let mv = b.ext(m, idx);
            let hit = eq(b, v, mv);
            let i64t = b.ctx.i64();
            let ri = b.op("arith.index_cast", &[r[0]], i64t, &[]);
            let s = b.cst(i64t, miss);
            Ok(b.select(hit, ri, s))
        }),
    )
}

fn lower_arg(rw: &mut PatternRewriter<'_>, op: Op, short: &str) -> Result<Value, String> {
    let x = rw.ctx.operand(op, 0);
    let rank = shape_of(rw.ctx, x)?.len();
    let axis = norm_axis(int_attr(rw.ctx, op, "axis", 0), rank)?;
    let keep = rw.ctx.attr(op, "keepdims").is_some();
    let last = rw.ctx.attr(op, "select_last_index").is_some();
    let out = shape_of(rw.ctx, rw.ctx.result(op, 0))?;
    arg_index(rw, op, x, axis, keep, &out, short == "argmax", last)
}

fn lower_log_softmax(rw: &mut PatternRewriter<'_>, op: Op) -> Result<Value, String> {
    let x = rw.ctx.operand(op, 0);
    let sx = shape_of(rw.ctx, x)?;
    let rt = rw.ctx.value_type(x);
    let e = rw.ctx.element_type(rt);
    let a = norm_axis(int_attr(rw.ctx, op, "axis", -1), sx.len())?;
    let mut ms = sx.clone();
    ms[a] = 1;
    let mt = rw.ctx.tensor_type(&ms, e);
    let n = sx[a];
    let with = move |b: &mut B<'_>, idx: &[Value], v: Option<Value>| -> Vec<Value> {
        let mut ix = idx.to_vec();
        ix[a] = match v {
            Some(v) => v,
            None => b.idx(0),
        };
        ix
    };
    let m = compute(
        rw,
        op,
        &[x],
        mt,
        &[n],
        Some("max"),
        Box::new(move |b, idx, r| {
            let ix = with(b, idx, Some(r[0]));
            Ok(b.ext(x, &ix))
        }),
    )?;
    let s = compute(
        rw,
        op,
        &[x, m],
        mt,
        &[n],
        Some("add"),
        Box::new(move |b, idx, r| {
            let ix = with(b, idx, Some(r[0]));
            let v = b.ext(x, &ix);
            let mv = b.ext(m, idx);
            let d = b.bin(Bin::Sub, v, mv);
            Ok(b.un("math.exp", d))
        }),
    )?;
    compute(
        rw,
        op,
        &[x, m, s],
        rt,
        &[],
        None,
        Box::new(move |b, idx, _| {
            let v = b.ext(x, idx);
            let im = with(b, idx, None);
            let mv = b.ext(m, &im);
            let sv = b.ext(s, &im);
            let d = b.bin(Bin::Sub, v, mv);
            let l = b.un("math.log", sv);
            Ok(b.bin(Bin::Sub, d, l))
        }),
    )
}

fn lower_hardmax(rw: &mut PatternRewriter<'_>, op: Op) -> Result<Value, String> {
    let x = rw.ctx.operand(op, 0);
    let sx = shape_of(rw.ctx, x)?;
    let rt = rw.ctx.value_type(x);
    let e = rw.ctx.element_type(rt);
    let a = norm_axis(int_attr(rw.ctx, op, "axis", -1), sx.len())?;
    let mut ms = sx.clone();
    ms[a] = 1;
    let am = arg_index(rw, op, x, a, true, &ms, true, false)?;
    compute(
        rw,
        op,
        &[am],
        rt,
        &[],
        None,
        Box::new(move |b, idx, _| {
            let mut im = idx.to_vec();
            im[a] = b.idx(0);
            let k = b.ext(am, &im);
            let i64t = b.ctx.i64();
            let i = b.op("arith.index_cast", &[idx[a]], i64t, &[]);
            let hit = eq(b, i, k);
            let one = b.cst(e, 1.0);
            let zero = b.cst(e, 0.0);
            Ok(b.select(hit, one, zero))
        }),
    )
}
