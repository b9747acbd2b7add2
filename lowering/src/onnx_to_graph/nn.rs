//! onnx-to-graph for the nn operators: Attention, NegativeLogLikelihoodLoss,
//! SoftmaxCrossEntropyLoss and RotaryEmbedding, each decomposed into
//! existing graph ops (matmuls with transpose flags, broadcasting
//! arithmetic, `graph.softmax`/`graph.log_softmax`, `graph.elementwise`
//! comparisons and selects, gathers, reshapes, transposes, slices and
//! concats). Shapes are static; masks known at compile time (causal and
//! window masks without a per-batch offset) become constants.

use super::{
    LowerFn, LowerResult, build, float_attr, int_attr, ints_attr, is_static, operands, reshape,
    scalar_constant, shape_of,
};
use dlc_ir::rewrite::PatternRewriter;
use dlc_ir::{Attr, Op, Type, TypeKind, Value};
use dlc_onnx::nn::{attention_dims, is_omitted};

/// The lowering of onnx op `name`, if it is one of this module's.
pub(crate) fn lowering(name: &str) -> Option<LowerFn> {
    match name {
        "onnx.Attention" => Some(lower_attention),
        "onnx.NegativeLogLikelihoodLoss" | "onnx.SoftmaxCrossEntropyLoss" => Some(lower_loss),
        "onnx.RotaryEmbedding" => Some(lower_rotary),
        "onnx.Det" => Some(lower_det),
        "onnx.MaxUnpool" => Some(lower_max_unpool),
        "onnx.Col2Im" => Some(lower_col2im),
        "onnx.DeformConv" => Some(lower_deform_conv),
        _ => None,
    }
}

// ----- helpers ------------------------------------------------------------------

pub(crate) fn elem_of(rw: &PatternRewriter<'_>, v: Value) -> Type {
    rw.ctx.element_type(rw.ctx.value_type(v))
}

fn is_half(rw: &PatternRewriter<'_>, t: Type) -> bool {
    matches!(rw.ctx.type_kind(t), TypeKind::Float(_)) && rw.ctx.int_or_float_width(t) == Some(16)
}

/// `graph.elementwise kind` of `ins` with result element type `elem` and
/// the broadcast shape of the operands.
pub(crate) fn ew(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    kind: &str,
    ins: &[Value],
    elem: Type,
) -> LowerResult<Value> {
    let mut shape: Vec<i64> = Vec::new();
    for &v in ins {
        let s = shape_of(rw.ctx, v)?;
        shape = dlc_graph::shape::broadcast(&shape, &s).map_err(|e| e.0)?;
    }
    let rt = rw.ctx.tensor_type(&shape, elem);
    let k = rw.ctx.string_attr(kind);
    let op = rw.create_op(
        dlc_graph::elementwise::ElementwiseOp::NAME,
        loc,
        ins,
        &[rt],
        vec![("kind", k)],
    );
    Ok(rw.ctx.result(op, 0))
}

/// A comparison (`less`, `equal`, ...) giving `i1`.
pub(crate) fn cmp(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    kind: &str,
    a: Value,
    b: Value,
) -> LowerResult<Value> {
    let i1 = rw.ctx.i1();
    ew(rw, loc, kind, &[a, b], i1)
}

/// `cond ? a : b`, broadcast.
pub(crate) fn select(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    cond: Value,
    a: Value,
    b: Value,
) -> LowerResult<Value> {
    let e = elem_of(rw, a);
    ew(rw, loc, "select", &[cond, a, b], e)
}

pub(crate) fn cast(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    v: Value,
    elem: Type,
) -> LowerResult<Value> {
    if elem_of(rw, v) == elem {
        return Ok(v);
    }
    ew(rw, loc, "cast", &[v], elem)
}

/// A float constant of `shape` (one value: a splat).
pub(crate) fn float_const(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    shape: &[i64],
    elem: Type,
    vals: &[f64],
) -> LowerResult<Value> {
    let ty = rw.ctx.tensor_type(shape, elem);
    let a = dlc_ir::dense::dense_from_f64(rw.ctx, ty, vals)
        .ok_or("cannot build a float constant of this element type")?;
    let op = rw.create_op("graph.constant", loc, &[], &[ty], vec![("value", a)]);
    Ok(rw.ctx.result(op, 0))
}

/// An integer (or `i1`) constant of `shape` (one value: a splat).
pub(crate) fn int_const(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    shape: &[i64],
    elem: Type,
    vals: &[i128],
) -> LowerResult<Value> {
    let ty = rw.ctx.tensor_type(shape, elem);
    let a = dlc_ir::dense::dense_from_i128(rw.ctx, ty, vals)
        .ok_or("cannot build an integer constant of this element type")?;
    let op = rw.create_op("graph.constant", loc, &[], &[ty], vec![("value", a)]);
    Ok(rw.ctx.result(op, 0))
}

/// A zero constant of `shape` and element type `elem` (float or integer).
pub(crate) fn zeros(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    shape: &[i64],
    elem: Type,
) -> LowerResult<Value> {
    if rw.ctx.is_float(elem) {
        float_const(rw, loc, shape, elem, &[0.0])
    } else {
        int_const(rw, loc, shape, elem, &[0])
    }
}

fn transpose(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    v: Value,
    perm: &[i64],
) -> LowerResult<Value> {
    let p = rw.ctx.dense_i64_array(perm);
    build(rw, loc, "graph.transpose", &[v], vec![("perm", p)])
}

pub(crate) fn concat(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    ins: &[Value],
    axis: i64,
) -> LowerResult<Value> {
    let a = rw.ctx.i64_attr(axis);
    build(rw, loc, "graph.concat", ins, vec![("axis", a)])
}

fn is_bf16(rw: &PatternRewriter<'_>, t: Type) -> bool {
    matches!(
        rw.ctx.type_kind(t),
        TypeKind::Float(dlc_ir::types::FloatKind::BF16)
    )
}

/// `a b` (`a b^T`).
pub(crate) fn matmul(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    a: Value,
    b: Value,
    transpose_b: bool,
) -> LowerResult<Value> {
    let mut attrs = Vec::new();
    if transpose_b {
        attrs.push(("transpose_b", rw.ctx.unit_attr()));
    }
    build(rw, loc, "graph.matmul", &[a, b], attrs)
}

/// `graph.<name>` over `axes` of `x` (all axes when empty).
pub(crate) fn reduce(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    name: &str,
    x: Value,
    axes: &[i64],
    keep: bool,
) -> LowerResult<Value> {
    let mut attrs = Vec::new();
    if !axes.is_empty() {
        attrs.push(("axes", rw.ctx.dense_i64_array(axes)));
    }
    if keep {
        attrs.push(("keepdims", rw.ctx.unit_attr()));
    }
    build(rw, loc, name, &[x], attrs)
}

/// A static slice of `x`: `sizes` elements from `starts` (step 1).
pub(crate) fn slice(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    x: Value,
    starts: &[i64],
    sizes: &[i64],
) -> LowerResult<Value> {
    let sx = shape_of(rw.ctx, x)?;
    if sx == sizes {
        return Ok(x);
    }
    let e = elem_of(rw, x);
    let ty = rw.ctx.tensor_type(sizes, e);
    let a = rw.ctx.dense_i64_array(starts);
    let b = rw.ctx.dense_i64_array(&vec![1; starts.len()]);
    let s = rw.create_op(
        "graph.slice",
        loc,
        &[x],
        &[ty],
        vec![("starts", a), ("steps", b)],
    );
    Ok(rw.ctx.result(s, 0))
}

// ----- Attention ----------------------------------------------------------------

/// Attention as in the ONNX reference (`onnx.reference.ops.op_attention`):
/// Q and K scaled by `sqrt(scale)`, `Q K^T` (grouped-query heads by
/// reshaping Q's heads into groups, no K/V copies), soft cap, an additive
/// bias from the mask, causal/window frontiers and `nonpad_kv_seqlen`,
/// softmax (in `softmax_precision`), rows whose bias is all `-inf` zeroed,
/// then the product with V. f16 computes in f32.
fn lower_attention(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let mut shapes = Vec::with_capacity(ins.len());
    for &v in &ins {
        shapes.push(shape_of(rw.ctx, v)?);
    }
    let srefs: Vec<&[i64]> = shapes.iter().map(|s| s.as_slice()).collect();
    let ctx = &*rw.ctx;
    let ints = |n: &str| {
        ctx.attr(op, n)
            .and_then(|a| ctx.int_value(a))
            .and_then(|v| i64::try_from(v).ok())
    };
    let d = attention_dims(&srefs, &ints).map_err(|e| e.0)?;
    let dims = [
        d.batch,
        d.q_heads,
        d.kv_heads,
        d.q_seq,
        d.kv_seq,
        d.past_seq,
        d.head_size,
        d.v_head_size,
    ];
    if !super::is_static(&dims) {
        return Err("needs static shapes".into());
    }
    let opt = |i: usize| ins.get(i).copied().filter(|_| !is_omitted(&shapes[i]));
    let (mask, past_k, past_v, nonpad) = (opt(3), opt(4), opt(5), opt(6));
    if past_k.is_some() != past_v.is_some() {
        return Err("needs past_key and past_value together".into());
    }
    let is_causal = int_attr(rw.ctx, op, "is_causal", 0)? != 0;
    let mode = int_attr(rw.ctx, op, "qk_matmul_output_mode", 0)?;
    let left = int_attr(rw.ctx, op, "left_window_size", -1)?;
    let right = int_attr(rw.ctx, op, "right_window_size", -1)?;
    let softcap = rw
        .ctx
        .attr(op, "softcap")
        .and_then(|a| rw.ctx.float_value(a));
    let precision = match rw.ctx.attr(op, "softmax_precision") {
        None => None,
        Some(a) => {
            let p = rw
                .ctx
                .int_value(a)
                .ok_or("'softmax_precision' must be an integer")?;
            Some(
                dlc_onnx::elementwise::onnx_elem_type(rw.ctx, p as i64)
                    .ok_or_else(|| format!("unsupported softmax_precision {p}"))?,
            )
        }
    };
    let (b, qh, kvh, sq, skv) = (d.batch, d.q_heads, d.kv_heads, d.q_seq, d.kv_seq);
    let (dk, dv) = (d.head_size, d.v_head_size);
    let total = skv + d.past_seq;
    if qh % kvh != 0 {
        return Err(format!(
            "needs the query heads ({qh}) to be a multiple of the key/value heads ({kvh})"
        ));
    }
    let reps = qh / kvh;
    let (mut q, mut k, mut v) = (ins[0], ins[1], ins[2]);
    let t1 = elem_of(rw, q);
    // 3-D: (batch, seq, heads * size) -> (batch, heads, seq, size).
    if d.three_d {
        let kd = shapes[1][2] / kvh;
        q = reshape(rw, loc, q, &[b, sq, qh, dk])?;
        q = transpose(rw, loc, q, &[0, 2, 1, 3])?;
        k = reshape(rw, loc, k, &[b, skv, kvh, kd])?;
        k = transpose(rw, loc, k, &[0, 2, 1, 3])?;
        v = reshape(rw, loc, v, &[b, skv, kvh, dv])?;
        v = transpose(rw, loc, v, &[0, 2, 1, 3])?;
    }
    let present_k = match past_k {
        Some(p) => concat(rw, loc, &[p, k], 2)?,
        None => k,
    };
    let present_v = match past_v {
        Some(p) => concat(rw, loc, &[p, v], 2)?,
        None => v,
    };
    // The compute type: f32 for f16 and bf16. bf16 values are rounded to
    // bf16 after each step, as the reference computes (ml_dtypes: each op
    // rounded, matmuls accumulating in f32).
    let ct = if is_half(rw, t1) { rw.ctx.f32() } else { t1 };
    let rnd = is_bf16(rw, t1);
    let kc = cast(rw, loc, present_k, ct)?;
    let vc = cast(rw, loc, present_v, ct)?;
    let qc = cast(rw, loc, q, ct)?;
    let scale = match rw.ctx.attr(op, "scale") {
        Some(_) => float_attr(rw.ctx, op, "scale", 1.0)?,
        None => 1.0 / (dk as f64).sqrt(),
    };
    // sqrt(scale) rounded to T1, as the reference does.
    let s = scalar_constant(rw, loc, t1, scale.sqrt())?;
    let s = cast(rw, loc, s, ct)?;
    let qs = build(rw, loc, "graph.mul", &[qc, s], vec![])?;
    let qs = round_to(rw, loc, qs, t1, rnd)?;
    let ks = build(rw, loc, "graph.mul", &[kc, s], vec![])?;
    let ks = round_to(rw, loc, ks, t1, rnd)?;
    // Q K^T: the query heads of one key/value head as one row block.
    let qg = reshape(rw, loc, qs, &[b, kvh, reps * sq, dk])?;
    let mut qk = matmul(rw, loc, qg, ks, true)?;
    qk = round_to(rw, loc, qk, t1, rnd)?;
    qk = reshape(rw, loc, qk, &[b, qh, sq, total])?;
    if let Some(c) = softcap
        && c > 0.0
    {
        let cv = scalar_constant(rw, loc, ct, c)?;
        let x = build(rw, loc, "graph.div", &[qk, cv], vec![])?;
        let t = build(rw, loc, "graph.tanh", &[x], vec![])?;
        qk = build(rw, loc, "graph.mul", &[t, cv], vec![])?;
    }
    let bias = attention_bias(
        rw,
        loc,
        ct,
        AttnMasks {
            mask,
            nonpad,
            has_past: past_k.is_some(),
            is_causal,
            left,
            right,
        },
        (b, sq, total, d.past_seq),
    )?;
    let qk_bias = match bias {
        Some(bv) => {
            let a = build(rw, loc, "graph.add", &[qk, bv], vec![])?;
            round_to(rw, loc, a, t1, rnd)?
        }
        None => qk,
    };
    let st = precision.unwrap_or(ct);
    let x = cast(rw, loc, qk_bias, st)?;
    let a = rw.ctx.i64_attr(3);
    let mut sm = if rnd && st == ct {
        rounded_softmax(rw, loc, x, t1)?
    } else {
        build(rw, loc, "graph.softmax", &[x], vec![("axis", a)])?
    };
    if let Some(bv) = bias {
        // Rows with no attendable key are zero (not NaN).
        let rank = shape_of(rw.ctx, bv)?.len() as i64;
        let m = reduce(rw, loc, "graph.reduce_max", bv, &[rank - 1], true)?;
        let ninf = scalar_constant(rw, loc, ct, f64::NEG_INFINITY)?;
        let masked = cmp(rw, loc, "equal", m, ninf)?;
        let zero = scalar_constant(rw, loc, st, 0.0)?;
        sm = select(rw, loc, masked, zero, sm)?;
    }
    let smc = cast(rw, loc, sm, ct)?;
    let pg = reshape(rw, loc, smc, &[b, kvh, reps * sq, total])?;
    let mut y = matmul(rw, loc, pg, vc, false)?;
    y = round_to(rw, loc, y, t1, rnd)?;
    y = reshape(rw, loc, y, &[b, qh, sq, dv])?;
    if d.three_d {
        y = transpose(rw, loc, y, &[0, 2, 1, 3])?;
        y = reshape(rw, loc, y, &[b, sq, qh * dv])?;
    }
    let y = cast(rw, loc, y, t1)?;
    let mut out = vec![y, present_k, present_v];
    let n = rw.ctx.num_results(op);
    if n > 3 {
        let qk_out = match mode {
            0 | 1 => qk,
            2 => qk_bias,
            3 => smc,
            m => return Err(format!("unsupported qk_matmul_output_mode {m}")),
        };
        out.push(cast(rw, loc, qk_out, t1)?);
    }
    out.truncate(n);
    Ok(out)
}

/// `v` rounded to element type `t` and back (when `on`).
fn round_to(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    v: Value,
    t: Type,
    on: bool,
) -> LowerResult<Value> {
    if !on {
        return Ok(v);
    }
    let e = elem_of(rw, v);
    let r = cast(rw, loc, v, t)?;
    cast(rw, loc, r, e)
}

/// The longest row [`rounded_softmax`] sums element by element.
const MAX_ROUNDED_SUM: i64 = 64;

/// Softmax over the last axis with each step rounded to `t`.
fn rounded_softmax(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    x: Value,
    t: Type,
) -> LowerResult<Value> {
    let rank = shape_of(rw.ctx, x)?.len() as i64;
    let m = reduce(rw, loc, "graph.reduce_max", x, &[rank - 1], true)?;
    let d = build(rw, loc, "graph.sub", &[x, m], vec![])?;
    let d = round_to(rw, loc, d, t, true)?;
    let e = elem_of(rw, d);
    let ex = ew(rw, loc, "exp", &[d], e)?;
    let ex = round_to(rw, loc, ex, t, true)?;
    // The reference adds left to right, rounding each partial sum: so do
    // we for short rows (keys), else one f32 sum.
    let sx = shape_of(rw.ctx, ex)?;
    let n = sx[rank as usize - 1];
    let s = if n <= MAX_ROUNDED_SUM {
        let mut col = sx.clone();
        col[rank as usize - 1] = 1;
        let mut starts = vec![0; sx.len()];
        let mut acc = slice(rw, loc, ex, &starts, &col)?;
        for j in 1..n {
            starts[rank as usize - 1] = j;
            let c = slice(rw, loc, ex, &starts, &col)?;
            acc = build(rw, loc, "graph.add", &[acc, c], vec![])?;
            acc = round_to(rw, loc, acc, t, true)?;
        }
        acc
    } else {
        let s = reduce(rw, loc, "graph.reduce_sum", ex, &[rank - 1], true)?;
        round_to(rw, loc, s, t, true)?
    };
    let p = build(rw, loc, "graph.div", &[ex, s], vec![])?;
    round_to(rw, loc, p, t, true)
}

/// What Attention's additive bias is made of.
struct AttnMasks {
    mask: Option<Value>,
    nonpad: Option<Value>,
    has_past: bool,
    is_causal: bool,
    left: i64,
    right: i64,
}

/// The additive bias (0 or `-inf` where masked, plus a float mask) of
/// element type `ct`, broadcastable to `(batch, heads, q, total)`; `None`
/// when nothing is masked.
fn attention_bias(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    ct: Type,
    m: AttnMasks,
    (b, sq, total, past): (i64, i64, i64, i64),
) -> LowerResult<Option<Value>> {
    let ninf = f64::NEG_INFINITY;
    let mut parts: Vec<Value> = Vec::new();
    if let Some(mut mk) = m.mask {
        let ms = shape_of(rw.ctx, mk)?;
        let me = elem_of(rw, mk);
        let is_bool = rw.ctx.int_or_float_width(me) == Some(1)
            && !matches!(rw.ctx.type_kind(me), TypeKind::Float(_));
        let last = *ms.last().ok_or("needs a mask of rank >= 1")?;
        // A shorter mask is padded with "masked" along the key axis.
        if last < total {
            let mut ps = ms.clone();
            *ps.last_mut().unwrap() = total - last;
            let pad = if is_bool {
                int_const(rw, loc, &ps, me, &[0])?
            } else {
                float_const(rw, loc, &ps, me, &[ninf])?
            };
            mk = concat(rw, loc, &[mk, pad], ms.len() as i64 - 1)?;
        } else if last > total {
            return Err(format!(
                "has a mask longer ({last}) than the key sequence ({total})"
            ));
        }
        let bias = if is_bool {
            let z = scalar_constant(rw, loc, ct, 0.0)?;
            let n = scalar_constant(rw, loc, ct, ninf)?;
            select(rw, loc, mk, z, n)?
        } else {
            cast(rw, loc, mk, ct)?
        };
        parts.push(bias);
    }
    let windowed = m.left >= 0 || m.right >= 0;
    let per_batch = m.nonpad.is_some() && !m.has_past;
    if m.is_causal || windowed {
        if per_batch {
            // offset[b] = nonpad[b] - q: diff[b, i, j] = i + offset[b] - j.
            let np = m.nonpad.unwrap();
            let ie = elem_of(rw, np);
            let ij: Vec<i128> = (0..sq)
                .flat_map(|i| (0..total).map(move |j| i128::from(i - sq - j)))
                .collect();
            let ijc = int_const(rw, loc, &[sq, total], ie, &ij)?;
            let npr = reshape(rw, loc, np, &[b, 1, 1, 1])?;
            let diff = build(rw, loc, "graph.add", &[npr, ijc], vec![])?;
            let mut allowed: Option<Value> = None;
            let mut and = |rw: &mut PatternRewriter<'_>, c: Value| -> LowerResult<()> {
                allowed = Some(match allowed {
                    None => c,
                    Some(a) => {
                        let i1 = rw.ctx.i1();
                        ew(rw, loc, "and", &[a, c], i1)?
                    }
                });
                Ok(())
            };
            if m.is_causal {
                let z = int_const(rw, loc, &[], ie, &[0])?;
                let c = cmp(rw, loc, "greater_equal", diff, z)?;
                and(rw, c)?;
            }
            if m.left >= 0 {
                let l = int_const(rw, loc, &[], ie, &[i128::from(m.left)])?;
                let c = cmp(rw, loc, "less_equal", diff, l)?;
                and(rw, c)?;
            }
            if m.right >= 0 {
                let r = int_const(rw, loc, &[], ie, &[-i128::from(m.right)])?;
                let c = cmp(rw, loc, "greater_equal", diff, r)?;
                and(rw, c)?;
            }
            let allowed = allowed.unwrap();
            let z = scalar_constant(rw, loc, ct, 0.0)?;
            let n = scalar_constant(rw, loc, ct, ninf)?;
            parts.push(select(rw, loc, allowed, z, n)?);
        } else {
            let off = past;
            let vals: Vec<f64> = (0..sq)
                .flat_map(|i| {
                    (0..total).map(move |j| {
                        let diff = i + off - j;
                        let ok = (!m.is_causal || diff >= 0)
                            && (m.left < 0 || diff <= m.left)
                            && (m.right < 0 || -diff <= m.right);
                        if ok { 0.0 } else { ninf }
                    })
                })
                .collect();
            if vals.iter().any(|&x| x != 0.0) {
                parts.push(float_const(rw, loc, &[sq, total], ct, &vals)?);
            }
        }
    }
    if let Some(np) = m.nonpad {
        // Keys at or past nonpad_kv_seqlen[b] are padding.
        let ie = elem_of(rw, np);
        let iota: Vec<i128> = (0..total).map(i128::from).collect();
        let ic = int_const(rw, loc, &[total], ie, &iota)?;
        let npr = reshape(rw, loc, np, &[b, 1, 1, 1])?;
        let keep = cmp(rw, loc, "less", ic, npr)?;
        let z = scalar_constant(rw, loc, ct, 0.0)?;
        let n = scalar_constant(rw, loc, ct, ninf)?;
        parts.push(select(rw, loc, keep, z, n)?);
    }
    let mut acc: Option<Value> = None;
    for p in parts {
        acc = Some(match acc {
            None => p,
            Some(a) => build(rw, loc, "graph.add", &[a, p], vec![])?,
        });
    }
    Ok(acc)
}

// ----- losses -------------------------------------------------------------------

/// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (log_softmax over
/// the class axis first): `loss[n, d...] = -x[n, t[n, d...], d...] *
/// w[t]`, zero where `t == ignore_index`; `mean` divides by the sum of the
/// weights used (by the count without weights).
fn lower_loss(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let sce = rw.ctx.op_name_str(op) == "onnx.SoftmaxCrossEntropyLoss";
    let (x, t) = (ins[0], ins[1]);
    let weight = ins.get(2).copied();
    let sx = shape_of(rw.ctx, x)?;
    let st = shape_of(rw.ctx, t)?;
    if !super::is_static(&sx) {
        return Err("needs a static input shape".into());
    }
    let reduction = rw
        .ctx
        .attr(op, "reduction")
        .and_then(|a| rw.ctx.string_value(a))
        .unwrap_or("mean")
        .to_string();
    let ignore = match rw.ctx.attr(op, "ignore_index") {
        Some(_) => Some(int_attr(rw.ctx, op, "ignore_index", 0)?),
        None => None,
    };
    let e = elem_of(rw, x);
    let ct = if is_half(rw, e) { rw.ctx.f32() } else { e };
    let xc = cast(rw, loc, x, ct)?;
    let (log_prob, scores) = if sce {
        let a = rw.ctx.i64_attr(1);
        let ty = rw.ctx.value_type(xc);
        let lp = rw.create_op("graph.log_softmax", loc, &[xc], &[ty], vec![("axis", a)]);
        let lp = rw.ctx.result(lp, 0);
        (Some(lp), lp)
    } else {
        (None, xc)
    };
    let te = elem_of(rw, t);
    // Targets to gather with: ignored ones replaced by class 0.
    let ignored = match ignore {
        Some(ii) => {
            let c = int_const(rw, loc, &[], te, &[i128::from(ii)])?;
            Some(cmp(rw, loc, "equal", t, c)?)
        }
        None => None,
    };
    let safe_t = match ignored {
        Some(ig) => {
            let z = int_const(rw, loc, &[], te, &[0])?;
            select(rw, loc, ig, z, t)?
        }
        None => t,
    };
    let mut ts = st.clone();
    ts.insert(1, 1);
    let tr = reshape(rw, loc, safe_t, &ts)?;
    let gty = rw.ctx.tensor_type(&ts, ct);
    let a = rw.ctx.i64_attr(1);
    let g = rw.create_op(
        "graph.gather_elements",
        loc,
        &[scores, tr],
        &[gty],
        vec![("axis", a)],
    );
    let g = rw.ctx.result(g, 0);
    let g = reshape(rw, loc, g, &st)?;
    let zero = scalar_constant(rw, loc, ct, 0.0)?;
    let mut loss = build(rw, loc, "graph.sub", &[zero, g], vec![])?;
    if let Some(ig) = ignored {
        loss = select(rw, loc, ig, zero, loss)?;
    }
    // The per-element weights (None: all ones).
    let w = match weight {
        Some(wv) => {
            let wc = cast(rw, loc, wv, ct)?;
            let wty = rw.ctx.tensor_type(&st, ct);
            let a0 = rw.ctx.i64_attr(0);
            let gw = rw.create_op(
                "graph.gather",
                loc,
                &[wc, safe_t],
                &[wty],
                vec![("axis", a0)],
            );
            let gw = rw.ctx.result(gw, 0);
            Some(match ignored {
                Some(ig) => select(rw, loc, ig, zero, gw)?,
                None => gw,
            })
        }
        None => match ignored {
            Some(ig) => {
                let one = scalar_constant(rw, loc, ct, 1.0)?;
                Some(select(rw, loc, ig, zero, one)?)
            }
            None => None,
        },
    };
    if let Some(wv) = w {
        loss = build(rw, loc, "graph.mul", &[loss, wv], vec![])?;
    }
    let loss = match reduction.as_str() {
        "none" => loss,
        "sum" => reduce(rw, loc, "graph.reduce_sum", loss, &[], false)?,
        "mean" => match w {
            Some(wv) => {
                let s = reduce(rw, loc, "graph.reduce_sum", loss, &[], false)?;
                let ws = reduce(rw, loc, "graph.reduce_sum", wv, &[], false)?;
                build(rw, loc, "graph.div", &[s, ws], vec![])?
            }
            None => reduce(rw, loc, "graph.reduce_mean", loss, &[], false)?,
        },
        r => return Err(format!("has an unknown reduction '{r}'")),
    };
    let mut out = vec![cast(rw, loc, loss, e)?];
    if let Some(lp) = log_prob {
        out.push(cast(rw, loc, lp, e)?);
    }
    out.truncate(rw.ctx.num_results(op));
    Ok(out)
}

// ----- RotaryEmbedding ----------------------------------------------------------

/// RotaryEmbedding (the ONNX reference): the first `rotary_embedding_dim`
/// features of each head rotated by the (gathered) cos/sin caches, halves
/// or interleaved pairs.
fn lower_rotary(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let (x, cos, sin) = (ins[0], ins[1], ins[2]);
    let pos = ins.get(3).copied();
    let sx = shape_of(rw.ctx, x)?;
    if !super::is_static(&sx) {
        return Err("needs a static input shape".into());
    }
    let interleaved = int_attr(rw.ctx, op, "interleaved", 0)? != 0;
    // To (batch, seq, heads, size).
    let (b, s) = if sx.len() == 4 {
        (sx[0], sx[2])
    } else {
        (sx[0], sx[1])
    };
    let x4 = if sx.len() == 4 {
        transpose(rw, loc, x, &[0, 2, 1, 3])?
    } else {
        let nh = int_attr(rw.ctx, op, "num_heads", 0)?;
        if nh <= 0 {
            return Err("needs num_heads with a 3-D input".into());
        }
        reshape(rw, loc, x, &[b, s, nh, sx[2] / nh])?
    };
    let s4 = shape_of(rw.ctx, x4)?;
    let (h, hs) = (s4[2], s4[3]);
    let mut rd = int_attr(rw.ctx, op, "rotary_embedding_dim", 0)?;
    if rd == 0 {
        rd = hs;
    }
    let half = rd / 2;
    // Caches: (batch, seq, half) -> (batch, seq, 1, half).
    let gather = |rw: &mut PatternRewriter<'_>, c: Value| -> LowerResult<Value> {
        let c = match pos {
            Some(p) => {
                let cs = shape_of(rw.ctx, c)?;
                let ps = shape_of(rw.ctx, p)?;
                let mut rs = ps.clone();
                rs.extend_from_slice(&cs[1..]);
                let ce = elem_of(rw, c);
                let ty = rw.ctx.tensor_type(&rs, ce);
                let a = rw.ctx.i64_attr(0);
                let g = rw.create_op("graph.gather", loc, &[c, p], &[ty], vec![("axis", a)]);
                rw.ctx.result(g, 0)
            }
            None => c,
        };
        let cs = shape_of(rw.ctx, c)?;
        if *cs.last().unwrap_or(&0) != half {
            return Err(format!(
                "needs caches whose last dimension is rotary_embedding_dim / 2 = {half}"
            ));
        }
        let mut rs = cs[..cs.len() - 1].to_vec();
        rs.extend([1, half]);
        reshape(rw, loc, c, &rs)
    };
    let cos = gather(rw, cos)?;
    let sin = gather(rw, sin)?;
    let rot = slice(rw, loc, x4, &[0, 0, 0, 0], &[b, s, h, rd])?;
    let (x1, x2) = if interleaved {
        let pairs = reshape(rw, loc, rot, &[b, s, h, half, 2])?;
        let a = slice(rw, loc, pairs, &[0, 0, 0, 0, 0], &[b, s, h, half, 1])?;
        let c = slice(rw, loc, pairs, &[0, 0, 0, 0, 1], &[b, s, h, half, 1])?;
        (
            reshape(rw, loc, a, &[b, s, h, half])?,
            reshape(rw, loc, c, &[b, s, h, half])?,
        )
    } else {
        (
            slice(rw, loc, rot, &[0, 0, 0, 0], &[b, s, h, half])?,
            slice(rw, loc, rot, &[0, 0, 0, half], &[b, s, h, half])?,
        )
    };
    let c1 = build(rw, loc, "graph.mul", &[cos, x1], vec![])?;
    let s2 = build(rw, loc, "graph.mul", &[sin, x2], vec![])?;
    let real = build(rw, loc, "graph.sub", &[c1, s2], vec![])?;
    let s1 = build(rw, loc, "graph.mul", &[sin, x1], vec![])?;
    let c2 = build(rw, loc, "graph.mul", &[cos, x2], vec![])?;
    let imag = build(rw, loc, "graph.add", &[s1, c2], vec![])?;
    let rotated = if interleaved {
        let r = reshape(rw, loc, real, &[b, s, h, half, 1])?;
        let i = reshape(rw, loc, imag, &[b, s, h, half, 1])?;
        let ri = concat(rw, loc, &[r, i], 4)?;
        reshape(rw, loc, ri, &[b, s, h, rd])?
    } else {
        concat(rw, loc, &[real, imag], 3)?
    };
    let y4 = if rd < hs {
        let rest = slice(rw, loc, x4, &[0, 0, 0, rd], &[b, s, h, hs - rd])?;
        concat(rw, loc, &[rotated, rest], 3)?
    } else {
        rotated
    };
    let y = if sx.len() == 4 {
        transpose(rw, loc, y4, &[0, 2, 1, 3])?
    } else {
        reshape(rw, loc, y4, &sx)?
    };
    Ok(vec![y])
}

// ----- Det ----------------------------------------------------------------------

/// Largest matrix size Det expands (the Leibniz formula has n! terms).
const DET_MAX_N: i64 = 5;

/// Det by the Leibniz formula over static n x n matrices (n <= 5): every
/// element `x[.., i, j]` is a slice, each permutation's signed product is
/// accumulated, in f32 for f16/bf16.
fn lower_det(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let sx = shape_of(rw.ctx, x)?;
    let r = sx.len();
    if r < 2 || sx.iter().any(|&d| d < 0) {
        return Err("needs a static input of rank >= 2".into());
    }
    let n = sx[r - 1];
    if n != sx[r - 2] {
        return Err("needs square matrices".into());
    }
    if n > DET_MAX_N {
        return Err(format!(
            "supports matrices up to {DET_MAX_N}x{DET_MAX_N}, got {n}x{n}"
        ));
    }
    let e = elem_of(rw, x);
    if !rw.ctx.is_float(e) {
        return Err("needs a floating-point input".into());
    }
    let ce = if is_half(rw, e) { rw.ctx.f32() } else { e };
    let xc = cast(rw, loc, x, ce)?;
    let batch: Vec<i64> = sx[..r - 2].to_vec();
    // Element (i, j) of every matrix, shaped like the batch.
    let mut el = vec![Vec::with_capacity(n as usize); n as usize];
    for (i, row) in el.iter_mut().enumerate() {
        for j in 0..n {
            let mut starts = vec![0; r];
            starts[r - 2] = i as i64;
            starts[r - 1] = j;
            let mut sizes = batch.clone();
            sizes.extend([1, 1]);
            let s = slice(rw, loc, xc, &starts, &sizes)?;
            row.push(reshape(rw, loc, s, &batch)?);
        }
    }
    let mut acc: Option<Value> = None;
    for (perm, sign) in permutations(n as usize) {
        let mut term = el[0][perm[0]];
        for (i, &j) in perm.iter().enumerate().skip(1) {
            term = build(rw, loc, "graph.mul", &[term, el[i][j]], vec![])?;
        }
        acc = Some(match (acc, sign) {
            (None, true) => term,
            (None, false) => ew(rw, loc, "neg", &[term], ce)?,
            (Some(a), true) => build(rw, loc, "graph.add", &[a, term], vec![])?,
            (Some(a), false) => build(rw, loc, "graph.sub", &[a, term], vec![])?,
        });
    }
    let det = match acc {
        Some(d) => d,
        // A 0x0 matrix has determinant 1.
        None => float_const(rw, loc, &batch, ce, &[1.0])?,
    };
    Ok(vec![cast(rw, loc, det, e)?])
}

/// Every permutation of 0..n with its sign (true: even), in lexicographic
/// order.
fn permutations(n: usize) -> Vec<(Vec<usize>, bool)> {
    fn go(prefix: &mut Vec<usize>, used: &mut Vec<bool>, out: &mut Vec<(Vec<usize>, bool)>) {
        let n = used.len();
        if prefix.len() == n {
            let inversions = (0..n)
                .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
                .filter(|&(i, j)| prefix[i] > prefix[j])
                .count();
            out.push((prefix.clone(), inversions % 2 == 0));
            return;
        }
        for k in 0..n {
            if !used[k] {
                used[k] = true;
                prefix.push(k);
                go(prefix, used, out);
                prefix.pop();
                used[k] = false;
            }
        }
    }
    let mut out = Vec::new();
    go(&mut Vec::new(), &mut vec![false; n], &mut out);
    out
}

// ----- MaxUnpool ----------------------------------------------------------------

/// MaxUnpool: a zero tensor of the shape MaxPool's input had (from the
/// window attributes), flattened, with X scattered to the flat positions in
/// I (`graph.scatter_elements`), reshaped back; a given `output_shape`
/// pads it with zeros (or crops it) at the end of each axis, as the
/// reference does.
fn lower_max_unpool(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let (x, i) = (rw.ctx.operand(op, 0), rw.ctx.operand(op, 1));
    let out_shape = shape_of(rw.ctx, rw.ctx.result(op, 0))?;
    let (sx, si) = (shape_of(rw.ctx, x)?, shape_of(rw.ctx, i)?);
    if [&out_shape, &sx, &si]
        .iter()
        .any(|s| s.iter().any(|&d| d < 0))
        || sx != si
    {
        return Err("needs static shapes, X and I alike".into());
    }
    let ints = |n: &str| {
        rw.ctx
            .attr(op, n)
            .and_then(|a| dlc_onnx::ints_value(rw.ctx, a))
    };
    let k = ints("kernel_shape").ok_or("needs 'kernel_shape'")?;
    let nd = k.len();
    let st = ints("strides").unwrap_or_else(|| vec![1; nd]);
    let pads = ints("pads").unwrap_or_else(|| vec![0; 2 * nd]);
    if sx.len() != nd + 2 || st.len() != nd || pads.len() != 2 * nd {
        return Err("invalid kernel_shape, strides or pads for this input".into());
    }
    let mut rs = sx[..2].to_vec();
    for d in 0..nd {
        rs.push((sx[d + 2] - 1) * st[d] - pads[d] - pads[nd + d] + k[d]);
    }
    let e = elem_of(rw, x);
    let total: i64 = rs.iter().product();
    let k: i64 = sx.iter().product();
    let blank = zeros(rw, loc, &[total], e)?;
    let xf = reshape(rw, loc, x, &[k])?;
    let i_f = reshape(rw, loc, i, &[k])?;
    let ty = rw.ctx.value_type(blank);
    let r = rw.ctx.string_attr("none");
    let a = rw.ctx.i64_attr(0);
    let s = rw.create_op(
        "graph.scatter_elements",
        loc,
        &[blank, i_f, xf],
        &[ty],
        vec![("reduction", r), ("axis", a)],
    );
    let flat = rw.ctx.result(s, 0);
    let y = reshape(rw, loc, flat, &rs)?;
    if rs == out_shape {
        return Ok(vec![y]);
    }
    let zero = zeros(rw, loc, &[], e)?;
    let ty = rw.ctx.tensor_type(&out_shape, e);
    let low = rw.ctx.dense_i64_array(&vec![0; out_shape.len()]);
    let mode = rw.ctx.string_attr("constant");
    let p = rw.create_op(
        "graph.pad",
        loc,
        &[y, zero],
        &[ty],
        vec![("low", low), ("mode", mode)],
    );
    Ok(vec![rw.ctx.result(p, 0)])
}

// ----- Col2Im -------------------------------------------------------------------

/// Col2Im over n spatial dimensions: for every kernel offset, its column
/// block `input[:, c * K + k, :]` (K = the kernel's size) is gathered into
/// image positions with a constant index table (image position -> block
/// position, or a zero appended at the end where the offset does not reach
/// that position), and the offsets' images are summed.
fn lower_col2im(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let sx = shape_of(rw.ctx, x)?;
    let konst = |k: usize| super::constant_ints(rw.ctx, rw.ctx.operand(op, k));
    let (image, block) = match (konst(1), konst(2)) {
        (Some(i), Some(b)) => (i, b),
        _ => return Err("needs constant image_shape and block_shape".into()),
    };
    let nd = image.len();
    let ints = |n: &str, d: i64, len: usize| {
        rw.ctx
            .attr(op, n)
            .and_then(|a| dlc_onnx::ints_value(rw.ctx, a))
            .unwrap_or_else(|| vec![d; len])
    };
    let (dil, pads, st) = (
        ints("dilations", 1, nd),
        ints("pads", 0, 2 * nd),
        ints("strides", 1, nd),
    );
    if sx.len() != 3
        || sx.iter().any(|&d| d < 0)
        || block.len() != nd
        || dil.len() != nd
        || pads.len() != 2 * nd
        || st.len() != nd
    {
        return Err("needs a static 3-D input and matching image_shape, block_shape, dilations, pads and strides".into());
    }
    let kp: i64 = block.iter().product();
    let (n, c, l) = (sx[0], sx[1] / kp, sx[2]);
    if kp <= 0 || sx[1] % kp != 0 {
        return Err("input channels are not a multiple of the block size".into());
    }
    // Sliding positions per dimension; their product must be L.
    let blocks: Vec<i64> = (0..nd)
        .map(|d| (image[d] + pads[d] + pads[nd + d] - dil[d] * (block[d] - 1) - 1) / st[d] + 1)
        .collect();
    if blocks.iter().product::<i64>() != l {
        return Err(format!(
            "the input has {l} blocks, the image and block shapes give {}",
            blocks.iter().product::<i64>()
        ));
    }
    let geo = BlockGeometry {
        image,
        block,
        blocks,
        dil,
        pad_begin: pads[..nd].to_vec(),
        strides: st,
    };
    Ok(vec![col2im(rw, loc, x, n, c, &geo)?])
}

/// Where sliding blocks sit in an image (Col2Im; a transposed convolution's
/// output): per dimension the image and block size, the number of block
/// positions, dilation, leading pad and stride.
pub(crate) struct BlockGeometry {
    pub(crate) image: Vec<i64>,
    pub(crate) block: Vec<i64>,
    pub(crate) blocks: Vec<i64>,
    pub(crate) dil: Vec<i64>,
    pub(crate) pad_begin: Vec<i64>,
    pub(crate) strides: Vec<i64>,
}

/// Sums the columns `x` ([n, c * K, L], K the block size, L the block
/// positions) into an [n, c, image...] tensor.
pub(crate) fn col2im(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    x: Value,
    n: i64,
    c: i64,
    geo: &BlockGeometry,
) -> LowerResult<Value> {
    let BlockGeometry {
        image,
        block,
        blocks,
        dil,
        pad_begin: pads,
        strides: st,
    } = geo;
    let nd = image.len();
    let kp: i64 = block.iter().product();
    let l: i64 = blocks.iter().product();
    let e = elem_of(rw, x);
    let xs = reshape(rw, loc, x, &[n, c, kp, l])?;
    let zero = zeros(rw, loc, &[n, c, 1], e)?;
    let hw: i64 = image.iter().product();
    let i64t = rw.ctx.i64();
    let mut acc: Option<Value> = None;
    for k in 0..kp {
        // The kernel offset of block k (row-major over block_shape).
        let mut off = vec![0i64; nd];
        let mut r = k;
        for d in (0..nd).rev() {
            off[d] = r % block[d];
            r /= block[d];
        }
        let mut table = Vec::with_capacity(hw as usize);
        for p in 0..hw {
            let mut pos = vec![0i64; nd];
            let mut q = p;
            for d in (0..nd).rev() {
                pos[d] = q % image[d];
                q /= image[d];
            }
            // Block index along each dimension, if this offset reaches pos.
            let mut flat = Some(0i64);
            for d in 0..nd {
                let t = pos[d] + pads[d] - off[d] * dil[d];
                flat = match flat {
                    Some(f) if t >= 0 && t % st[d] == 0 && t / st[d] < blocks[d] => {
                        Some(f * blocks[d] + t / st[d])
                    }
                    _ => None,
                };
            }
            table.push(i128::from(flat.unwrap_or(l)));
        }
        let col = slice(rw, loc, xs, &[0, 0, k, 0], &[n, c, 1, l])?;
        let col = reshape(rw, loc, col, &[n, c, l])?;
        let col = concat(rw, loc, &[col, zero], 2)?;
        let idx = int_const(rw, loc, &[hw], i64t, &table)?;
        let ty = rw.ctx.tensor_type(&[n, c, hw], e);
        let a = rw.ctx.i64_attr(2);
        let g = rw.create_op("graph.gather", loc, &[col, idx], &[ty], vec![("axis", a)]);
        let g = rw.ctx.result(g, 0);
        acc = Some(match acc {
            None => g,
            Some(p) => build(rw, loc, "graph.add", &[p, g], vec![])?,
        });
    }
    let sum = acc.ok_or("an empty block")?;
    let mut out = vec![n, c];
    out.extend(image);
    reshape(rw, loc, sum, &out)
}

// ----- DeformConv ---------------------------------------------------------------

/// DeformConv (the ONNX reference): tap `t` of output position `o` samples
/// X bilinearly (zero outside) at `o * stride - pad_begin + t * dilation +
/// offset`, scaled by the mask; the samples then meet W as a grouped
/// convolution would. The sampling is one `graph.grid_sample` per offset
/// group (X viewed as (N * offset_group, C / offset_group, D...)), at
/// normalised coordinates `(2 p + 1) / size - 1` (align_corners = 0 puts
/// them back on pixel `p` for any size, 1 included); the convolution is
/// one `graph.einsum` over (input channel, tap).
fn lower_deform_conv(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let (x, w, offset) = (ins[0], ins[1], ins[2]);
    let mut shapes = Vec::with_capacity(ins.len());
    for &v in &ins {
        shapes.push(shape_of(rw.ctx, v)?);
    }
    let opt = |i: usize| ins.get(i).copied().filter(|_| !is_omitted(&shapes[i]));
    let (bias, mask) = (opt(3), opt(4));
    let (xs, ws) = (shapes[0].clone(), shapes[1].clone());
    let ys = shape_of(rw.ctx, rw.ctx.result(op, 0))?;
    if !is_static(&xs) || !is_static(&ws) || !is_static(&ys) {
        return Err("needs static shapes".into());
    }
    let e = elem_of(rw, x);
    if !rw.ctx.is_float(e) {
        return Err("needs floating-point data".into());
    }
    let k = xs.len() - 2;
    let (n, c) = (xs[0], xs[1]);
    let oc = ws[0];
    let kernel = ws[2..].to_vec();
    let taps: i64 = kernel.iter().product();
    let outs = ys[2..].to_vec();
    let npos: i64 = outs.iter().product();
    let group = int_attr(rw.ctx, op, "group", 1)?;
    let og = int_attr(rw.ctx, op, "offset_group", 1)?;
    if og < 1 || c % og != 0 {
        return Err(format!(
            "needs the input channels ({c}) to be a multiple of offset_group ({og})"
        ));
    }
    if shapes[2] != [vec![n, og * taps * k as i64], outs.clone()].concat() {
        return Err(format!(
            "needs an offset of shape (N, offset_group * kernel taps * {k}, output sizes)"
        ));
    }
    let list = |name: &str, d: i64, len: usize| -> LowerResult<Vec<i64>> {
        let v = ints_attr(rw.ctx, op, name)?.unwrap_or_else(|| vec![d; len]);
        if v.len() != len {
            return Err(format!("'{name}' needs {len} entries"));
        }
        Ok(v)
    };
    let strides = list("strides", 1, k)?;
    let dil = list("dilations", 1, k)?;
    let pads = list("pads", 0, 2 * k)?;
    // Sample positions (N, og, taps, k, O...): a constant base (the
    // window, spatial axes listed last first, as the grid wants them)
    // plus the offsets.
    let rev: Vec<i128> = (0..k as i128).rev().collect();
    let i64t = rw.ctx.i64();
    let ri = int_const(rw, loc, &[k as i64], i64t, &rev)?;
    let mut off = reshape(
        rw,
        loc,
        offset,
        &[[n, og, taps, k as i64].as_slice(), &outs].concat(),
    )?;
    let mut gs = shape_of(rw.ctx, off)?;
    let a3 = rw.ctx.i64_attr(3);
    let gty = rw.ctx.tensor_type(&gs, e);
    let g = rw.create_op("graph.gather", loc, &[off, ri], &[gty], vec![("axis", a3)]);
    off = rw.ctx.result(g, 0);
    // base_o[j, o...] = o_j * stride_j - pad_j; base_t[t, j] = t_j * dil_j
    // (j in grid order: the last spatial axis first).
    let mut bo_shape = vec![1, 1, 1, k as i64];
    bo_shape.extend_from_slice(&outs);
    let mut bo = Vec::with_capacity((k as i64 * npos) as usize);
    for jj in 0..k {
        let j = k - 1 - jj;
        for p in 0..npos {
            let oj = unflatten(p, &outs)[j];
            bo.push((oj * strides[j] - pads[j]) as f64);
        }
    }
    let bo = float_const(rw, loc, &bo_shape, e, &bo)?;
    let mut bt_shape = vec![1, 1, taps, k as i64];
    bt_shape.extend(vec![1; k]);
    let mut bt = Vec::with_capacity((taps * k as i64) as usize);
    for t in 0..taps {
        let tj = unflatten(t, &kernel);
        for jj in 0..k {
            let j = k - 1 - jj;
            bt.push((tj[j] * dil[j]) as f64);
        }
    }
    let bt = float_const(rw, loc, &bt_shape, e, &bt)?;
    let pos = build(rw, loc, "graph.add", &[off, bo], vec![])?;
    let pos = build(rw, loc, "graph.add", &[pos, bt], vec![])?;
    // Normalised: (2 p + 1) / size - 1.
    let mut sc_shape = vec![1, 1, 1, k as i64];
    sc_shape.extend(vec![1; k]);
    let sc: Vec<f64> = (0..k).rev().map(|j| 2.0 / xs[2 + j] as f64).collect();
    let sh: Vec<f64> = (0..k).rev().map(|j| 1.0 / xs[2 + j] as f64 - 1.0).collect();
    let scv = float_const(rw, loc, &sc_shape, e, &sc)?;
    let shv = float_const(rw, loc, &sc_shape, e, &sh)?;
    let gn = build(rw, loc, "graph.mul", &[pos, scv], vec![])?;
    let gn = build(rw, loc, "graph.add", &[gn, shv], vec![])?;
    // Grid (N * og, taps * O0, O1..., k).
    let mut perm: Vec<i64> = vec![0, 1, 2];
    perm.extend(4..4 + k as i64);
    perm.push(3);
    let gt = transpose(rw, loc, gn, &perm)?;
    gs = vec![n * og, taps * outs[0]];
    gs.extend_from_slice(&outs[1..]);
    gs.push(k as i64);
    let grid = reshape(rw, loc, gt, &gs)?;
    let cog = c / og;
    let xv = reshape(rw, loc, x, &[[n * og, cog].as_slice(), &xs[2..]].concat())?;
    let mut ss = vec![n * og, cog, taps * outs[0]];
    ss.extend_from_slice(&outs[1..]);
    let sty = rw.ctx.tensor_type(&ss, e);
    let attrs = vec![
        ("mode", rw.ctx.string_attr("linear")),
        ("padding_mode", rw.ctx.string_attr("zeros")),
    ];
    let smp = rw.create_op("graph.grid_sample", loc, &[xv, grid], &[sty], attrs);
    let smp = rw.ctx.result(smp, 0);
    let mut smp = reshape(rw, loc, smp, &[n, og, cog, taps, npos])?;
    if let Some(m) = mask {
        if shapes[4] != [vec![n, og * taps], outs.clone()].concat() {
            return Err(
                "needs a mask of shape (N, offset_group * kernel taps, output sizes)".into(),
            );
        }
        let mr = reshape(rw, loc, m, &[n, og, 1, taps, npos])?;
        smp = build(rw, loc, "graph.mul", &[smp, mr], vec![])?;
    }
    // The grouped convolution: (group, oc/g, c/g * taps) x (N, group, c/g * taps, P).
    if group < 1 || c % group != 0 || oc % group != 0 || ws[1] * group != c {
        return Err(format!(
            "needs channels ({c}) and output channels ({oc}) divisible by group {group}, W of shape (oc, c / group, kernel)"
        ));
    }
    let cg = c / group;
    let sg = reshape(rw, loc, smp, &[n, group, cg * taps, npos])?;
    let wg = reshape(rw, loc, w, &[group, oc / group, cg * taps])?;
    let eq = rw.ctx.string_attr("gok,ngkp->ngop");
    let yty = rw.ctx.tensor_type(&[n, group, oc / group, npos], e);
    let y = rw.create_op(
        "graph.einsum",
        loc,
        &[wg, sg],
        &[yty],
        vec![("equation", eq)],
    );
    let y = rw.ctx.result(y, 0);
    let mut y = reshape(rw, loc, y, &ys)?;
    if let Some(b) = bias {
        let mut bs = vec![1, oc];
        bs.extend(vec![1; k]);
        let br = reshape(rw, loc, b, &bs)?;
        y = build(rw, loc, "graph.add", &[y, br], vec![])?;
    }
    Ok(vec![y])
}

/// The row-major multi-index of flat position `p` within `dims`.
fn unflatten(mut p: i64, dims: &[i64]) -> Vec<i64> {
    let mut idx = vec![0; dims.len()];
    for d in (0..dims.len()).rev() {
        idx[d] = p % dims[d];
        p /= dims[d];
    }
    idx
}
