//! onnx-to-graph for the reduction, arg-reduction, softmax-family and
//! normalization operators (dlc_onnx::reduce).
//!
//! Reduce* become `graph.reduce_{sum,mean,max,min,prod}` with explicit
//! axes, between elementwise pre/post steps (L1: abs; L2: square, sqrt;
//! LogSum: log; LogSumExp: max-shifted exp, log, add the max; SumSquare:
//! square). The axes must be known: an attribute or a constant operand
//! (dl-run folds small inputs that feed axes into constants first).
//! f16/bf16 math is done in f32.
//! The normalizations are decomposed into reduce_mean, sub, mul, add,
//! sqrt and reciprocal (LayerNormalization's Mean/InvStdDev results are
//! the intermediate values).

use super::{LowerFn, LowerResult, build, int_attr, ints_attr, norm_axis, operands, shape_of};
use dlc_graph::elementwise::ElementwiseOp;
use dlc_ir::rewrite::PatternRewriter;
use dlc_ir::types::FloatKind;
use dlc_ir::{Attr, Op, Type, TypeKind, Value};
use dlc_onnx::reduce::{reduce_axes, reduced_shape};

/// The lowering of onnx op `name`, if it is one of this module's.
pub(crate) fn lowering(name: &str) -> Option<LowerFn> {
    let ty = name.strip_prefix("onnx.")?;
    Some(match ty {
        "ReduceSum" | "ReduceMean" | "ReduceMax" | "ReduceMin" | "ReduceProd" | "ReduceL1"
        | "ReduceL2" | "ReduceLogSum" | "ReduceLogSumExp" | "ReduceSumSquare" => lower_reduce,
        "ArgMax" | "ArgMin" => lower_arg,
        "LogSoftmax" | "Hardmax" => lower_axis_op,
        "LayerNormalization" | "RMSNormalization" => lower_layer_norm,
        "InstanceNormalization" | "GroupNormalization" => lower_group_norm,
        "LpNormalization" => lower_lp_norm,
        "MeanVarianceNormalization" => lower_mvn,
        _ => return None,
    })
}

// ----- helpers --------------------------------------------------------------------

/// `graph.elementwise kind` of `ins` with result element type `elem`
/// (shape: the broadcast of the operands).
fn ew(
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
    let op = rw.create_op(ElementwiseOp::NAME, loc, ins, &[rt], vec![("kind", k)]);
    Ok(rw.ctx.result(op, 0))
}

fn elem_of(rw: &PatternRewriter<'_>, v: Value) -> Type {
    rw.ctx.element_type(rw.ctx.value_type(v))
}

fn is_half(rw: &PatternRewriter<'_>, t: Type) -> bool {
    matches!(
        rw.ctx.type_kind(t),
        TypeKind::Float(FloatKind::F16 | FloatKind::BF16)
    )
}

fn is_bool(rw: &PatternRewriter<'_>, t: Type) -> bool {
    matches!(rw.ctx.type_kind(t), TypeKind::Integer { width: 1, .. })
}

/// `v` cast to element type `elem` (or `v`).
fn cast(rw: &mut PatternRewriter<'_>, loc: Attr, v: Value, elem: Type) -> LowerResult<Value> {
    if elem_of(rw, v) == elem {
        return Ok(v);
    }
    ew(rw, loc, "cast", &[v], elem)
}

/// The element type math on `t` is done in: f32 for f16/bf16.
fn compute_type(rw: &mut PatternRewriter<'_>, t: Type) -> Type {
    if is_half(rw, t) { rw.ctx.f32() } else { t }
}

/// `graph.<name>` over `axes` (sorted, non-empty) of `x`.
fn reduce(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    name: &str,
    x: Value,
    axes: &[usize],
    keep: bool,
) -> LowerResult<Value> {
    let sx = shape_of(rw.ctx, x)?;
    let e = elem_of(rw, x);
    let rt = rw.ctx.tensor_type(&reduced_shape(&sx, axes, keep), e);
    let a: Vec<i64> = axes.iter().map(|&a| a as i64).collect();
    let mut attrs = vec![("axes", rw.ctx.dense_i64_array(&a))];
    if keep {
        attrs.push(("keepdims", rw.ctx.unit_attr()));
    }
    let op = rw.create_op(name, loc, &[x], &[rt], attrs);
    Ok(rw.ctx.result(op, 0))
}

/// The value of a constant operand: an `onnx.Constant`, or the
/// `graph.constant` it was lowered to already.
fn constant_value(rw: &PatternRewriter<'_>, v: Value) -> Option<Attr> {
    let d = rw.ctx.defining_op(v)?;
    match rw.ctx.op_name_str(d) {
        "onnx.Constant" | "graph.constant" => rw.ctx.attr(d, "value"),
        _ => None,
    }
}

fn scalar(rw: &mut PatternRewriter<'_>, loc: Attr, elem: Type, v: f64) -> LowerResult<Value> {
    super::scalar_constant(rw, loc, elem, v)
}

// ----- Reduce* -----------------------------------------------------------------------

fn lower_reduce(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ty = rw
        .ctx
        .op_name_str(op)
        .trim_start_matches("onnx.")
        .to_string();
    let ins = operands(rw.ctx, op);
    let x = ins[0];
    let sx = shape_of(rw.ctx, x)?;
    let out = super::result_shape(rw.ctx, op)?;
    let rt = rw.ctx.value_type(rw.ctx.result(op, 0));
    let keep = int_attr(rw.ctx, op, "keepdims", 1)? != 0;
    let noop = int_attr(rw.ctx, op, "noop_with_empty_axes", 0)? != 0;
    let axes_operand = match ins.get(1) {
        Some(&a) => Some((shape_of(rw.ctx, a)?, constant_value(rw, a))),
        None => None,
    };
    let get = |n: &str| rw.ctx.attr(op, n);
    let axes = reduce_axes(
        rw.ctx,
        sx.len(),
        axes_operand.as_ref().map(|(s, c)| (s.as_slice(), *c)),
        &get,
    )
    .map_err(|e| e.0)?;
    let Some(axes) = axes else {
        return Err(
            "needs constant axes (an onnx.Constant operand); run-time axes are not supported"
                .into(),
        );
    };
    // Empty axes with noop_with_empty_axes: the identity. (A rank-0 input
    // reduces over no axes too, but its elementwise steps still apply.)
    if axes.is_empty() && noop {
        return Ok(vec![x]);
    }
    let e = elem_of(rw, x);
    let ce = compute_type(rw, e);
    let xc = cast(rw, loc, x, ce)?;
    let base = match ty.as_str() {
        "ReduceMean" => "graph.reduce_mean",
        "ReduceMax" => "graph.reduce_max",
        "ReduceMin" => "graph.reduce_min",
        "ReduceProd" => "graph.reduce_prod",
        _ => "graph.reduce_sum",
    };
    let pre = match ty.as_str() {
        "ReduceL1" => {
            if is_bool(rw, e) {
                return Err("ReduceL1 needs numeric elements".into());
            }
            ew(rw, loc, "abs", &[xc], ce)?
        }
        "ReduceL2" | "ReduceSumSquare" => build(rw, loc, "graph.mul", &[xc, xc], vec![])?,
        _ => xc,
    };
    // Size-1 dims only (or nothing): no reduction op, same values.
    let red =
        |rw: &mut PatternRewriter<'_>, name: &str, v: Value, keep: bool| -> LowerResult<Value> {
            if axes.is_empty() {
                return Ok(v);
            }
            reduce(rw, loc, name, v, &axes, keep)
        };
    let r = if ty == "ReduceLogSumExp" {
        // log(sum(exp(x - m))) + m with m the max, kept for broadcasting.
        let m = red(rw, "graph.reduce_max", pre, true)?;
        // An all -inf (or empty) slice: shift by 0 instead of -inf.
        let ninf = scalar(rw, loc, ce, f64::NEG_INFINITY)?;
        let i1 = rw.ctx.i1();
        let isinf = ew(rw, loc, "equal", &[m, ninf], i1)?;
        let zero = scalar(rw, loc, ce, 0.0)?;
        let m = ew(rw, loc, "select", &[isinf, zero, m], ce)?;
        let d = build(rw, loc, "graph.sub", &[pre, m], vec![])?;
        let ex = build(rw, loc, "graph.exp", &[d], vec![])?;
        let s = red(rw, "graph.reduce_sum", ex, true)?;
        let l = ew(rw, loc, "log", &[s], ce)?;
        let r = build(rw, loc, "graph.add", &[l, m], vec![])?;
        super::reshape(rw, loc, r, &out)?
    } else {
        let r = red(rw, base, pre, keep)?;
        let r = match ty.as_str() {
            "ReduceL2" => build(rw, loc, "graph.sqrt", &[r], vec![])?,
            "ReduceLogSum" => ew(rw, loc, "log", &[r], ce)?,
            _ => r,
        };
        super::reshape(rw, loc, r, &out)?
    };
    let r = cast(rw, loc, r, e)?;
    if rw.ctx.value_type(r) != rt {
        return Err("internal error: reduce lowered to the wrong type".into());
    }
    Ok(vec![r])
}

// ----- ArgMax, ArgMin, LogSoftmax, Hardmax ------------------------------------------

fn lower_arg(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let name = if rw.ctx.op_name_str(op) == "onnx.ArgMax" {
        "graph.argmax"
    } else {
        "graph.argmin"
    };
    let x = rw.ctx.operand(op, 0);
    let rank = shape_of(rw.ctx, x)?.len();
    let axis = norm_axis(int_attr(rw.ctx, op, "axis", 0)?, rank)?;
    let rt = rw.ctx.value_type(rw.ctx.result(op, 0));
    let mut attrs = vec![("axis", rw.ctx.i64_attr(axis))];
    if int_attr(rw.ctx, op, "keepdims", 1)? != 0 {
        attrs.push(("keepdims", rw.ctx.unit_attr()));
    }
    if int_attr(rw.ctx, op, "select_last_index", 0)? != 0 {
        attrs.push(("select_last_index", rw.ctx.unit_attr()));
    }
    let e = elem_of(rw, x);
    let ce = compute_type(rw, e);
    let xc = cast(rw, loc, x, ce)?;
    let r = rw.create_op(name, loc, &[xc], &[rt], attrs);
    Ok(vec![rw.ctx.result(r, 0)])
}

fn lower_axis_op(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let name = if rw.ctx.op_name_str(op) == "onnx.LogSoftmax" {
        "graph.log_softmax"
    } else {
        "graph.hardmax"
    };
    let x = rw.ctx.operand(op, 0);
    let rank = shape_of(rw.ctx, x)?.len();
    let axis = norm_axis(int_attr(rw.ctx, op, "axis", -1)?, rank)?;
    let e = elem_of(rw, x);
    let ce = compute_type(rw, e);
    let xc = cast(rw, loc, x, ce)?;
    let t = rw.ctx.value_type(xc);
    let a = rw.ctx.i64_attr(axis);
    let r = rw.create_op(name, loc, &[xc], &[t], vec![("axis", a)]);
    let r = rw.ctx.result(r, 0);
    Ok(vec![cast(rw, loc, r, e)?])
}

// ----- normalizations ------------------------------------------------------------------

/// `(x - mean) * inv` over `axes` (kept): returns (normalized, mean, inv)
/// where `inv = 1 / sqrt(var + eps)`; with `rms`, no centering and the
/// mean of squares as the variance.
fn normalize(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    x: Value,
    axes: &[usize],
    eps: f64,
    rms: bool,
) -> LowerResult<(Value, Value, Value)> {
    let e = elem_of(rw, x);
    let (mean, d) = if rms {
        (x, x)
    } else {
        let mean = reduce(rw, loc, "graph.reduce_mean", x, axes, true)?;
        let d = build(rw, loc, "graph.sub", &[x, mean], vec![])?;
        (mean, d)
    };
    let sq = build(rw, loc, "graph.mul", &[d, d], vec![])?;
    let var = reduce(rw, loc, "graph.reduce_mean", sq, axes, true)?;
    let ep = scalar(rw, loc, e, eps)?;
    let ve = build(rw, loc, "graph.add", &[var, ep], vec![])?;
    let sd = build(rw, loc, "graph.sqrt", &[ve], vec![])?;
    let inv = ew(rw, loc, "reciprocal", &[sd], e)?;
    let n = build(rw, loc, "graph.mul", &[d, inv], vec![])?;
    Ok((n, mean, inv))
}

fn epsilon(rw: &PatternRewriter<'_>, op: Op, default: f64) -> LowerResult<f64> {
    super::float_attr(rw.ctx, op, "epsilon", default)
}

fn lower_layer_norm(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let rms = rw.ctx.op_name_str(op) == "onnx.RMSNormalization";
    let ins = operands(rw.ctx, op);
    let x = ins[0];
    let rank = shape_of(rw.ctx, x)?.len();
    let axis = norm_axis(int_attr(rw.ctx, op, "axis", -1)?, rank)? as usize;
    let eps = epsilon(rw, op, 1e-5)?;
    let e = elem_of(rw, x);
    let ce = compute_type(rw, e);
    let xc = cast(rw, loc, x, ce)?;
    let axes: Vec<usize> = (axis..rank).collect();
    let (n, mean, inv) = normalize(rw, loc, xc, &axes, eps, rms)?;
    let sc = cast(rw, loc, ins[1], ce)?;
    let mut y = build(rw, loc, "graph.mul", &[n, sc], vec![])?;
    if let Some(&b) = ins.get(2) {
        let b = cast(rw, loc, b, ce)?;
        y = build(rw, loc, "graph.add", &[y, b], vec![])?;
    }
    let y = cast(rw, loc, y, e)?;
    let mut out = vec![y];
    for (i, v) in [mean, inv]
        .into_iter()
        .enumerate()
        .take(rw.ctx.num_results(op).saturating_sub(1))
    {
        let want = rw
            .ctx
            .element_type(rw.ctx.value_type(rw.ctx.result(op, i + 1)));
        out.push(cast(rw, loc, v, want)?);
    }
    Ok(out)
}

/// InstanceNormalization (one group per channel) and GroupNormalization:
/// `x` as `[N, G, C/G, S]`, normalized over the last two dimensions, then
/// scaled and shifted per channel (or per group, opset 18).
fn lower_group_norm(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let x = ins[0];
    let sx = shape_of(rw.ctx, x)?;
    if !super::is_static(&sx) || sx.len() < 2 {
        return Err("needs a static input of rank >= 2".into());
    }
    let c = sx[1];
    let g = if rw.ctx.op_name_str(op) == "onnx.GroupNormalization" {
        int_attr(rw.ctx, op, "num_groups", 1)?
    } else {
        c
    };
    if g <= 0 || c % g != 0 {
        return Err(format!("{g} groups do not divide {c} channels"));
    }
    let s: i64 = sx[2..].iter().product();
    let eps = epsilon(rw, op, 1e-5)?;
    let e = elem_of(rw, x);
    let ce = compute_type(rw, e);
    let xc = cast(rw, loc, x, ce)?;
    let grouped = [sx[0], g, c / g, s];
    let xg = super::reshape(rw, loc, xc, &grouped)?;
    let (n, _, _) = normalize(rw, loc, xg, &[2, 3], eps, false)?;
    let mut y = n;
    for (k, &p) in ins[1..].iter().enumerate() {
        let len = shape_of(rw.ctx, p)?.first().copied().unwrap_or(1);
        let pc = cast(rw, loc, p, ce)?;
        let shape = if len == c { [g, c / g, 1] } else { [g, 1, 1] };
        let pr = super::reshape(rw, loc, pc, &shape)?;
        let bin = if k == 0 { "graph.mul" } else { "graph.add" };
        y = build(rw, loc, bin, &[y, pr], vec![])?;
    }
    let y = super::reshape(rw, loc, y, &sx)?;
    Ok(vec![cast(rw, loc, y, e)?])
}

fn lower_lp_norm(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let rank = shape_of(rw.ctx, x)?.len();
    let axis = norm_axis(int_attr(rw.ctx, op, "axis", -1)?, rank)? as usize;
    let p = int_attr(rw.ctx, op, "p", 2)?;
    let e = elem_of(rw, x);
    let ce = compute_type(rw, e);
    let xc = cast(rw, loc, x, ce)?;
    let norm = if p == 1 {
        let a = ew(rw, loc, "abs", &[xc], ce)?;
        reduce(rw, loc, "graph.reduce_sum", a, &[axis], true)?
    } else {
        let sq = build(rw, loc, "graph.mul", &[xc, xc], vec![])?;
        let s = reduce(rw, loc, "graph.reduce_sum", sq, &[axis], true)?;
        build(rw, loc, "graph.sqrt", &[s], vec![])?
    };
    // A zero norm gives 0, as the reference does (not 0/0).
    let zero = super::scalar_constant(rw, loc, ce, 0.0)?;
    let one = super::scalar_constant(rw, loc, ce, 1.0)?;
    let i1 = rw.ctx.i1();
    let is_zero = ew(rw, loc, "equal", &[norm, zero], i1)?;
    let safe = ew(rw, loc, "select", &[is_zero, one, norm], ce)?;
    let y = build(rw, loc, "graph.div", &[xc, safe], vec![])?;
    Ok(vec![cast(rw, loc, y, e)?])
}

fn lower_mvn(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let rank = shape_of(rw.ctx, x)?.len();
    let mut axes: Vec<usize> = match ints_attr(rw.ctx, op, "axes")? {
        Some(a) => a
            .into_iter()
            .map(|a| norm_axis(a, rank).map(|a| a as usize))
            .collect::<LowerResult<_>>()?,
        None => vec![0, 2, 3],
    };
    axes.sort_unstable();
    axes.dedup();
    let e = elem_of(rw, x);
    let ce = compute_type(rw, e);
    let xc = cast(rw, loc, x, ce)?;
    // The ONNX function body: (x - mean) / (sqrt(var) + 1e-9).
    let mean = reduce(rw, loc, "graph.reduce_mean", xc, &axes, true)?;
    let d = build(rw, loc, "graph.sub", &[xc, mean], vec![])?;
    let sq = build(rw, loc, "graph.mul", &[d, d], vec![])?;
    let var = reduce(rw, loc, "graph.reduce_mean", sq, &axes, true)?;
    let sd = build(rw, loc, "graph.sqrt", &[var], vec![])?;
    let ep = scalar(rw, loc, ce, 1e-9)?;
    let den = build(rw, loc, "graph.add", &[sd, ep], vec![])?;
    let y = build(rw, loc, "graph.div", &[d, den], vec![])?;
    Ok(vec![cast(rw, loc, y, e)?])
}
