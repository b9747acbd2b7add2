//! onnx-to-graph for the shape-manipulation operators. Operands that carry
//! shapes, axes or sizes must be constants here (the result types are then
//! static); Shape, Size, ConstantOfShape and Range fold to constants;
//! Unsqueeze/Squeeze become reshapes, Expand a broadcast, Split slices,
//! DepthToSpace/SpaceToDepth reshape-transpose-reshape, Dropout (inference)
//! the identity with an all-true mask. Resize is separable: one axis at a
//! time, a sum over its taps of `graph.gather` (index tables computed at
//! compile time, like the ONNX reference) times a weight table.

use super::{
    LowerFn, LowerResult, build, is_static, operands, pool, reshape, scalar_constant, shape_of,
};
use dlc_ir::rewrite::PatternRewriter;
use dlc_ir::{Attr, Op, Type, Value};

/// The lowering of onnx op `name`, if it is one of this module's.
pub(crate) fn lowering(name: &str) -> Option<LowerFn> {
    Some(match name.strip_prefix("onnx.")? {
        "Shape" | "Size" | "ConstantOfShape" | "Range" => lower_to_constant,
        "Unsqueeze" | "Squeeze" => lower_reshape_like,
        "Expand" => lower_expand,
        "Slice" => lower_slice,
        "Split" => lower_split,
        "Gather" | "GatherElements" => lower_gather,
        "GatherND" => lower_gather_nd,
        "Tile" => lower_tile,
        "Pad" => lower_pad,
        "Trilu" => lower_trilu,
        "OneHot" => lower_one_hot,
        "DepthToSpace" | "SpaceToDepth" => lower_depth_space,
        "Dropout" => lower_dropout,
        "CumSum" | "CumProd" => lower_cumsum,
        "LpPool" => lower_lp_pool,
        "TopK" => lower_top_k,
        "NonZero" => lower_nonzero,
        "NonMaxSuppression" => lower_nms,
        "TensorScatter" => lower_tensor_scatter,
        "AffineGrid" => lower_affine_grid,
        "GridSample" => lower_grid_sample,
        "HannWindow" | "HammingWindow" | "BlackmanWindow" => lower_window,
        "MelWeightMatrix" => lower_mel_weight_matrix,
        "LRN" => lower_lrn,
        "ConvTranspose" => lower_conv_transpose,
        "GlobalMaxPool" => lower_global_max_pool,
        "EyeLike" => lower_eye_like,
        "CenterCropPad" => lower_center_crop_pad,
        "Upsample" => lower_upsample,
        "Einsum" => lower_einsum,
        "ScatterElements" | "Scatter" | "ScatterND" => lower_scatter,
        "Resize" => lower_resize,
        _ => return None,
    })
}

fn result_type(rw: &PatternRewriter<'_>, op: Op, k: usize) -> LowerResult<Type> {
    let t = rw.ctx.value_type(rw.ctx.result(op, k));
    let s = rw.ctx.shape(t).ok_or("needs a ranked result")?;
    if !is_static(s) {
        return Err(
            "needs constant shape operands (the result shape is not static; dynamic shapes are not supported here)"
                .into(),
        );
    }
    Ok(t)
}

fn constant(rw: &mut PatternRewriter<'_>, op: Op, ty: Type, value: Attr) -> Value {
    let loc = rw.ctx.op_loc(op);
    let c = rw.create_op("graph.constant", loc, &[], &[ty], vec![("value", value)]);
    rw.ctx.result(c, 0)
}

/// A `graph.constant` of type `ty` holding `values` (converted to integers,
/// truncating, for an integer element type).
fn constant_of(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    ty: Type,
    values: &[f64],
) -> LowerResult<Value> {
    let e = rw.ctx.element_type(ty);
    let a = if rw.ctx.is_float(e) {
        dlc_ir::dense::dense_from_f64(rw.ctx, ty, values)
    } else {
        let iv: Vec<i128> = values.iter().map(|&x| x as i128).collect();
        dlc_ir::dense::dense_from_i128(rw.ctx, ty, &iv)
    }
    .ok_or("cannot build the constant")?;
    Ok(constant(rw, op, ty, a))
}

/// The constant value of operand `k`, as integers.
fn const_ints(rw: &PatternRewriter<'_>, op: Op, k: usize, what: &str) -> LowerResult<Vec<i64>> {
    let v = rw.ctx.operand(op, k);
    graph_or_onnx_constant(rw, v)
        .and_then(|a| dlc_onnx::const_ints(rw.ctx, a))
        .ok_or_else(|| format!("needs a constant '{what}' operand"))
}

/// The values of a constant (integer or float) as f64.
fn const_f64(rw: &PatternRewriter<'_>, v: Value) -> Option<Vec<f64>> {
    let a = graph_or_onnx_constant(rw, v)?;
    dlc_ir::dense::dense_values_f64(rw.ctx, a)
        .or_else(|| dlc_onnx::const_ints(rw.ctx, a).map(|v| v.iter().map(|&x| x as f64).collect()))
}

/// The elements attribute of `v` if an onnx or graph constant defines it.
fn graph_or_onnx_constant(rw: &PatternRewriter<'_>, v: Value) -> Option<Attr> {
    super::constant_attr(rw.ctx, v)
}

fn int_attr(rw: &PatternRewriter<'_>, op: Op, name: &str, default: i64) -> i64 {
    rw.ctx
        .attr(op, name)
        .and_then(|a| rw.ctx.int_value(a))
        .and_then(|v| i64::try_from(v).ok())
        .unwrap_or(default)
}

fn lower_to_constant(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let name = rw.ctx.op_name_str(op).to_string();
    let x = rw.ctx.operand(op, 0);
    let value = match name.as_str() {
        "onnx.Shape" => {
            let s = shape_of(rw.ctx, x)?;
            if !is_static(&s) {
                return Err("needs a statically shaped input".into());
            }
            let get = |n: &str| rw.ctx.attr(op, n);
            let (a, b) =
                dlc_onnx::shape_ops::shape_range(rw.ctx, &get, s.len()).map_err(|e| e.0)?;
            let v: Vec<i128> = s[a..b].iter().map(|&d| i128::from(d)).collect();
            dlc_ir::dense::dense_from_i128(rw.ctx, ty, &v)
        }
        "onnx.Size" => {
            let s = shape_of(rw.ctx, x)?;
            if !is_static(&s) {
                return Err("needs a statically shaped input".into());
            }
            dlc_ir::dense::dense_from_i128(rw.ctx, ty, &[s.iter().product::<i64>().into()])
        }
        "onnx.ConstantOfShape" => {
            let n: usize = rw
                .ctx
                .shape(ty)
                .map_or(0, |s| s.iter().product::<i64>() as usize);
            match rw.ctx.attr(op, "value") {
                Some(v) => {
                    let fv = dlc_ir::dense::dense_values_f64(rw.ctx, v);
                    let iv = dlc_ir::dense::dense_values_i128(rw.ctx, v);
                    let e = rw.ctx.element_type(ty);
                    if rw.ctx.is_float(e) {
                        let f = fv.and_then(|v| v.first().copied()).unwrap_or(0.0);
                        dlc_ir::dense::dense_from_f64(rw.ctx, ty, &vec![f; n])
                    } else {
                        let i = iv.and_then(|v| v.first().copied()).unwrap_or(0);
                        dlc_ir::dense::dense_from_i128(rw.ctx, ty, &vec![i; n])
                    }
                }
                None => dlc_ir::dense::dense_from_f64(rw.ctx, ty, &vec![0.0; n]),
            }
        }
        _ => {
            // Range
            let ins = operands(rw.ctx, op);
            let vals: Vec<f64> = ins
                .iter()
                .map(|&v| const_f64(rw, v).and_then(|v| v.first().copied()))
                .collect::<Option<_>>()
                .ok_or("needs constant start, limit and delta")?;
            let n = rw.ctx.shape(ty).map_or(0, |s| s[0]) as usize;
            let e = rw.ctx.element_type(ty);
            if rw.ctx.is_float(e) {
                // In the element type's precision, like the reference.
                let v: Vec<f64> = (0..n).map(|i| vals[0] + i as f64 * vals[2]).collect();
                dlc_ir::dense::dense_from_f64(rw.ctx, ty, &v)
            } else {
                let (s, d) = (vals[0] as i128, vals[2] as i128);
                let v: Vec<i128> = (0..n as i128).map(|i| s + i * d).collect();
                dlc_ir::dense::dense_from_i128(rw.ctx, ty, &v)
            }
        }
    }
    .ok_or("cannot build the constant")?;
    Ok(vec![constant(rw, op, ty, value)])
}

fn lower_reshape_like(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let s = rw.ctx.shape(ty).unwrap_or(&[]).to_vec();
    Ok(vec![reshape(rw, loc, x, &s)?])
}

fn lower_expand(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    if rw.ctx.value_type(x) == ty {
        return Ok(vec![x]);
    }
    let b = rw.create_op("graph.broadcast_to", loc, &[x], &[ty], vec![]);
    Ok(vec![rw.ctx.result(b, 0)])
}

/// A `graph.slice` of `x` to `ty` with per-axis starts and steps.
fn slice(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    x: Value,
    ty: Type,
    starts: &[i64],
    steps: &[i64],
) -> Value {
    let loc = rw.ctx.op_loc(op);
    if rw.ctx.value_type(x) == ty && steps.iter().all(|&s| s == 1) && starts.iter().all(|&s| s == 0)
    {
        return x;
    }
    let a = rw.ctx.dense_i64_array(starts);
    let b = rw.ctx.dense_i64_array(steps);
    let s = rw.create_op(
        "graph.slice",
        loc,
        &[x],
        &[ty],
        vec![("starts", a), ("steps", b)],
    );
    rw.ctx.result(s, 0)
}

fn lower_slice(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let x = rw.ctx.operand(op, 0);
    let dims = shape_of(rw.ctx, x)?;
    let n = rw.ctx.num_operands(op);
    let get_ints =
        |rw: &PatternRewriter<'_>, k: usize, name: &str| -> LowerResult<Option<Vec<i64>>> {
            if n > 1 {
                if k < n {
                    return const_ints(rw, op, k, name).map(Some);
                }
                return Ok(None);
            }
            Ok(rw
                .ctx
                .attr(op, name)
                .and_then(|a| dlc_onnx::ints_value(rw.ctx, a)))
        };
    let starts = get_ints(rw, 1, "starts")?.ok_or("needs starts")?;
    let ends = get_ints(rw, 2, "ends")?.ok_or("needs ends")?;
    let axes = get_ints(rw, 3, "axes")?;
    let steps = if n > 4 {
        Some(const_ints(rw, op, 4, "steps")?)
    } else {
        None
    };
    let p =
        dlc_onnx::shape_ops::slice_params(&dims, &starts, &ends, axes.as_deref(), steps.as_deref())
            .map_err(|e| e.0)?;
    let st: Vec<i64> = p.iter().map(|t| t.0).collect();
    let sp: Vec<i64> = p.iter().map(|t| t.1).collect();
    Ok(vec![slice(rw, op, x, ty, &st, &sp)])
}

fn lower_split(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let x = rw.ctx.operand(op, 0);
    let rank = shape_of(rw.ctx, x)?.len();
    let axis =
        dlc_onnx::shape_ops::norm_axis(int_attr(rw, op, "axis", 0), rank).map_err(|e| e.0)?;
    let mut out = Vec::new();
    let mut at = 0i64;
    for k in 0..rw.ctx.num_results(op) {
        let ty = result_type(rw, op, k)?;
        let ext = rw.ctx.shape(ty).map_or(0, |s| s[axis]);
        let mut st = vec![0i64; rank];
        st[axis] = at;
        let v = slice(rw, op, x, ty, &st, &vec![1; rank]);
        out.push(v);
        at += ext;
    }
    Ok(out)
}

/// Gather and GatherElements: the graph op of the same name, axis
/// normalised.
fn lower_gather(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let (x, i) = (rw.ctx.operand(op, 0), rw.ctx.operand(op, 1));
    let rank = shape_of(rw.ctx, x)?.len();
    let axis =
        dlc_onnx::shape_ops::norm_axis(int_attr(rw, op, "axis", 0), rank).map_err(|e| e.0)?;
    let a = rw.ctx.i64_attr(axis as i64);
    let name = if rw.ctx.op_name_str(op) == "onnx.GatherElements" {
        "graph.gather_elements"
    } else {
        "graph.gather"
    };
    let g = rw.create_op(name, loc, &[x, i], &[ty], vec![("axis", a)]);
    Ok(vec![rw.ctx.result(g, 0)])
}

fn lower_gather_nd(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let (x, i) = (rw.ctx.operand(op, 0), rw.ctx.operand(op, 1));
    let b = rw.ctx.i64_attr(int_attr(rw, op, "batch_dims", 0));
    let g = rw.create_op(
        "graph.gather_nd",
        loc,
        &[x, i],
        &[ty],
        vec![("batch_dims", b)],
    );
    Ok(vec![rw.ctx.result(g, 0)])
}

fn lower_tile(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    if rw.ctx.value_type(x) == ty {
        return Ok(vec![x]);
    }
    let t = rw.create_op("graph.tile", loc, &[x], &[ty], vec![]);
    Ok(vec![rw.ctx.result(t, 0)])
}

fn lower_pad(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let x = ins[0];
    let rank = shape_of(rw.ctx, x)?.len();
    let pads = if ins.len() > 1 {
        const_ints(rw, op, 1, "pads")?
    } else {
        rw.ctx
            .attr(op, "pads")
            .and_then(|a| dlc_onnx::ints_value(rw.ctx, a))
            .ok_or("needs pads")?
    };
    let axes: Vec<usize> = if ins.len() > 3 {
        const_ints(rw, op, 3, "axes")?
            .iter()
            .map(|&a| dlc_onnx::shape_ops::norm_axis(a, rank).map_err(|e| e.0))
            .collect::<LowerResult<_>>()?
    } else {
        (0..rank).collect()
    };
    let mut low = vec![0i64; rank];
    for (k, &a) in axes.iter().enumerate() {
        low[a] = pads[k];
    }
    let mode = rw
        .ctx
        .attr(op, "mode")
        .and_then(|a| rw.ctx.string_value(a))
        .unwrap_or("constant")
        .to_string();
    let elem = rw.ctx.element_type(ty);
    let scalar = rw.ctx.tensor_type(&[], elem);
    let value = match ins.get(2) {
        Some(&v) => {
            let vs = shape_of(rw.ctx, v)?;
            if vs.is_empty() {
                v
            } else {
                reshape(rw, loc, v, &[])?
            }
        }
        None => {
            let f = rw
                .ctx
                .attr(op, "value")
                .and_then(|a| rw.ctx.float_value(a))
                .unwrap_or(0.0);
            let a = if rw.ctx.is_float(elem) {
                dlc_ir::dense::dense_from_f64(rw.ctx, scalar, &[f])
            } else {
                dlc_ir::dense::dense_from_i128(rw.ctx, scalar, &[f as i128])
            }
            .ok_or("cannot build the pad value")?;
            constant(rw, op, scalar, a)
        }
    };
    let l = rw.ctx.dense_i64_array(&low);
    let m = rw.ctx.string_attr(&mode);
    let p = rw.create_op(
        "graph.pad",
        loc,
        &[x, value],
        &[ty],
        vec![("low", l), ("mode", m)],
    );
    Ok(vec![rw.ctx.result(p, 0)])
}

fn lower_trilu(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let k = if rw.ctx.num_operands(op) > 1 {
        const_ints(rw, op, 1, "k")?.first().copied().unwrap_or(0)
    } else {
        0
    };
    let mut attrs = vec![("k", rw.ctx.i64_attr(k))];
    if int_attr(rw, op, "upper", 1) != 0 {
        attrs.push(("upper", rw.ctx.unit_attr()));
    }
    let t = rw.create_op("graph.trilu", loc, &[x], &[ty], attrs);
    Ok(vec![rw.ctx.result(t, 0)])
}

fn lower_one_hot(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let (i, v) = (rw.ctx.operand(op, 0), rw.ctx.operand(op, 2));
    let rank = rw.ctx.shape(ty).map_or(0, |s| s.len());
    let axis =
        dlc_onnx::shape_ops::norm_axis(int_attr(rw, op, "axis", -1), rank).map_err(|e| e.0)?;
    let a = rw.ctx.i64_attr(axis as i64);
    let o = rw.create_op("graph.one_hot", loc, &[i, v], &[ty], vec![("axis", a)]);
    Ok(vec![rw.ctx.result(o, 0)])
}

/// DepthToSpace (DCR or CRD) and SpaceToDepth as reshape, transpose,
/// reshape.
fn lower_depth_space(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let s = shape_of(rw.ctx, x)?;
    if !is_static(&s) {
        return Err("needs a statically shaped input".into());
    }
    let (n, c, h, w) = (s[0], s[1], s[2], s[3]);
    let b = int_attr(rw, op, "blocksize", 1);
    let to_space = rw.ctx.op_name_str(op) == "onnx.DepthToSpace";
    let (mid, perm): (Vec<i64>, Vec<i64>) = if to_space {
        let crd = rw.ctx.attr(op, "mode").and_then(|a| rw.ctx.string_value(a)) == Some("CRD");
        let cc = c / (b * b);
        if crd {
            (vec![n, cc, b, b, h, w], vec![0, 1, 4, 2, 5, 3])
        } else {
            (vec![n, b, b, cc, h, w], vec![0, 3, 4, 1, 5, 2])
        }
    } else {
        (vec![n, c, h / b, b, w / b, b], vec![0, 3, 5, 1, 2, 4])
    };
    let r = reshape(rw, loc, x, &mid)?;
    let p = rw.ctx.dense_i64_array(&perm);
    let t = build(rw, loc, "graph.transpose", &[r], vec![("perm", p)])?;
    let out = rw.ctx.shape(ty).unwrap_or(&[]).to_vec();
    Ok(vec![reshape(rw, loc, t, &out)?])
}

fn lower_dropout(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ins = operands(rw.ctx, op);
    if ins.len() > 2 {
        let training = const_ints(rw, op, 2, "training_mode")?;
        // Training mode drops nothing at ratio 0; other ratios are random.
        let ratio = const_f64(rw, ins[1]).and_then(|v| v.first().copied());
        if training.first().copied().unwrap_or(0) != 0 && ratio != Some(0.0) {
            return Err(
                "training mode with a non-zero ratio is random and not supported (inference only)"
                    .into(),
            );
        }
    }
    let mut out = vec![ins[0]];
    if rw.ctx.num_results(op) > 1 {
        let ty = result_type(rw, op, 1)?;
        let n: usize = rw
            .ctx
            .shape(ty)
            .map_or(0, |s| s.iter().product::<i64>() as usize);
        let a = dlc_ir::dense::dense_from_i128(rw.ctx, ty, &vec![1; n])
            .ok_or("cannot build the mask")?;
        out.push(constant(rw, op, ty, a));
    }
    Ok(out)
}

fn lower_cumsum(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let rank = shape_of(rw.ctx, x)?.len();
    let axis = const_ints(rw, op, 1, "axis")?
        .first()
        .copied()
        .ok_or("needs an axis")?;
    let axis = dlc_onnx::shape_ops::norm_axis(axis, rank).map_err(|e| e.0)?;
    let mut attrs = vec![("axis", rw.ctx.i64_attr(axis as i64))];
    if int_attr(rw, op, "exclusive", 0) != 0 {
        attrs.push(("exclusive", rw.ctx.unit_attr()));
    }
    if int_attr(rw, op, "reverse", 0) != 0 {
        attrs.push(("reverse", rw.ctx.unit_attr()));
    }
    if rw.ctx.op_name_str(op) == "onnx.CumProd" {
        attrs.push(("product", rw.ctx.unit_attr()));
    }
    let c = rw.create_op("graph.cumsum", loc, &[x], &[ty], attrs);
    Ok(vec![rw.ctx.result(c, 0)])
}

/// Resize interpolation coefficients for one output position (the ONNX
/// reference's `_nearest_coeffs`, `_linear_coeffs`, `_cubic_coeffs` and
/// their antialiased forms).
fn resize_coeffs(
    mode: &str,
    nearest: &str,
    antialias: bool,
    a: f64,
    ratio: f64,
    scale: f64,
) -> Vec<f64> {
    match mode {
        "nearest" => {
            if ratio.fract() == 0.0 {
                return vec![0.0, 1.0];
            }
            let (lo, hi) = match nearest {
                "round_prefer_ceil" => (ratio < 0.5, ratio >= 0.5),
                "floor" => (true, false),
                "ceil" => (false, true),
                _ => (ratio <= 0.5, ratio > 0.5),
            };
            vec![f64::from(u8::from(lo)), f64::from(u8::from(hi))]
        }
        "linear" if antialias => {
            let scale = scale.min(1.0);
            let start = (-1.0 / scale).floor() as i64 + 1;
            let footprint = 2 - 2 * start;
            let c: Vec<f64> = (start..start + footprint)
                .map(|i| (1.0 - ((i as f64 - ratio) * scale).abs()).clamp(0.0, 1.0))
                .collect();
            let sum: f64 = c.iter().sum();
            c.iter().map(|v| v / sum).collect()
        }
        "linear" => vec![1.0 - ratio, ratio],
        _ if antialias => {
            let scale = scale.min(1.0);
            let coeff = |x: f64| {
                let x = x.abs();
                let (x2, x3) = (x * x, x * x * x);
                if x <= 1.0 {
                    (a + 2.0) * x3 - (a + 3.0) * x2 + 1.0
                } else if x < 2.0 {
                    a * x3 - 5.0 * a * x2 + 8.0 * a * x - 4.0 * a
                } else {
                    0.0
                }
            };
            let i_start = (-2.0 / scale).floor() as i64 + 1;
            let i_end = 2 - i_start;
            let c: Vec<f64> = (i_start..i_end)
                .map(|i| coeff(scale * (i as f64 - ratio)))
                .collect();
            let sum: f64 = c.iter().sum();
            c.iter().map(|v| v / sum).collect()
        }
        _ => {
            let r = ratio;
            let s = 1.0 - ratio;
            vec![
                ((a * (r + 1.0) - 5.0 * a) * (r + 1.0) + 8.0 * a) * (r + 1.0) - 4.0 * a,
                ((a + 2.0) * r - (a + 3.0)) * r * r + 1.0,
                ((a + 2.0) * s - (a + 3.0)) * s * s + 1.0,
                ((a * (s + 1.0) - 5.0 * a) * (s + 1.0) + 8.0 * a) * (s + 1.0) - 4.0 * a,
            ]
        }
    }
}

/// Per output position of one axis: the source indices (clamped, i.e. edge
/// padded), their weights, and whether the position extrapolates.
struct AxisTable {
    idx: Vec<Vec<i64>>,
    w: Vec<Vec<f64>>,
    extrapolated: Vec<bool>,
}

#[allow(clippy::too_many_arguments)]
fn resize_axis_table(
    in_w: i64,
    out_w: i64,
    scale: f64,
    ctm: &str,
    roi: Option<(f64, f64)>,
    mode: &str,
    nearest: &str,
    antialias: bool,
    a: f64,
    exclude_outside: bool,
) -> LowerResult<AxisTable> {
    let output_width = scale * in_w as f64;
    let mut t = AxisTable {
        idx: Vec::new(),
        w: Vec::new(),
        extrapolated: Vec::new(),
    };
    for y in 0..out_w {
        let y = y as f64;
        let inw = in_w as f64;
        let (x_ori, extra) = match ctm {
            "align_corners" => (
                if output_width == 1.0 {
                    0.0
                } else {
                    y * (inw - 1.0) / (output_width - 1.0)
                },
                false,
            ),
            "asymmetric" => (y / scale, false),
            "tf_crop_and_resize" => {
                let (r0, r1) = roi.ok_or("tf_crop_and_resize needs a constant roi")?;
                let x = if output_width == 1.0 {
                    (r1 - r0) * (inw - 1.0) / 2.0
                } else {
                    y * (r1 - r0) * (inw - 1.0) / (output_width - 1.0)
                } + r0 * (inw - 1.0);
                (x, x < 0.0 || x > inw - 1.0)
            }
            "pytorch_half_pixel" => (
                if output_width == 1.0 {
                    -0.5
                } else {
                    (y + 0.5) / scale - 0.5
                },
                false,
            ),
            "half_pixel" => ((y + 0.5) / scale - 0.5, false),
            "half_pixel_symmetric" => {
                let adjustment = out_w as f64 / output_width;
                let offset = inw / 2.0 * (1.0 - adjustment);
                (offset + (y + 0.5) / scale - 0.5, false)
            }
            other => return Err(format!("unknown coordinate_transformation_mode '{other}'")),
        };
        let xi = x_ori.floor();
        let ratio = if x_ori == xi { 1.0 } else { x_ori - xi };
        let mut c = resize_coeffs(mode, nearest, antialias, a, ratio, scale);
        let n = c.len() as i64;
        let pad = (n + 1) / 2;
        let xp = x_ori + pad as f64;
        let p = xp.floor() as i64;
        let frac = xp - p as f64;
        let offset = if n % 2 == 0 {
            if frac == 0.0 { -(n / 2) } else { -(n / 2) + 1 }
        } else {
            let base = -((n - 1) / 2);
            if frac <= 0.5 { base } else { base + 1 }
        };
        let start = p + offset;
        let raw: Vec<i64> = (0..n).map(|k| start + k - pad).collect();
        if exclude_outside {
            for (k, &i) in raw.iter().enumerate() {
                if i < 0 || i >= in_w {
                    c[k] = 0.0;
                }
            }
            let sum: f64 = c.iter().sum();
            let sum = if sum == 0.0 { 1.0 } else { sum };
            for v in &mut c {
                *v /= sum;
            }
        }
        t.idx
            .push(raw.iter().map(|&i| i.clamp(0, in_w - 1)).collect());
        t.w.push(c);
        t.extrapolated.push(extra);
    }
    Ok(t)
}

fn lower_resize(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let x = ins[0];
    let dims = shape_of(rw.ctx, x)?;
    if !is_static(&dims) {
        return Err("needs a statically shaped input".into());
    }
    let consts: Vec<Option<Attr>> = ins.iter().map(|&v| graph_or_onnx_constant(rw, v)).collect();
    let get = |n: &str| rw.ctx.attr(op, n);
    let (scales, out) = dlc_onnx::shape_ops::resize_plan(rw.ctx, &dims, &consts, ins.len(), &get)
        .map_err(|e| e.0)?
        .ok_or("needs constant scales or sizes")?;
    let s = |n: &str, d: &str| {
        rw.ctx
            .attr(op, n)
            .and_then(|a| rw.ctx.string_value(a))
            .unwrap_or(d)
            .to_string()
    };
    let mode = s("mode", "nearest");
    let ctm = s("coordinate_transformation_mode", "half_pixel");
    let nearest = s("nearest_mode", "round_prefer_floor");
    let f = |n: &str, d: f64| {
        rw.ctx
            .attr(op, n)
            .and_then(|a| rw.ctx.float_value(a))
            .unwrap_or(d)
    };
    let a = f("cubic_coeff_a", -0.75);
    let extrapolation = f("extrapolation_value", 0.0);
    let antialias = int_attr(rw, op, "antialias", 0) != 0;
    let exclude = int_attr(rw, op, "exclude_outside", 0) != 0;
    if antialias && mode == "nearest" {
        return Err("antialias is not defined for mode nearest".into());
    }
    let r = dims.len();
    let roi: Option<Vec<f64>> = if ctm == "tf_crop_and_resize" && ins.len() > 2 {
        let v = const_f64(rw, ins[1]).ok_or("needs a constant roi")?;
        let axes: Vec<usize> = match rw
            .ctx
            .attr(op, "axes")
            .and_then(|a| dlc_onnx::ints_value(rw.ctx, a))
        {
            Some(ax) => ax
                .iter()
                .map(|&d| dlc_onnx::shape_ops::norm_axis(d, r).map_err(|e| e.0))
                .collect::<LowerResult<_>>()?,
            None => (0..r).collect(),
        };
        if v.len() != 2 * axes.len() {
            return Err("roi needs a start and an end per axis".into());
        }
        let mut full = vec![0.0; r];
        full.extend(vec![1.0; r]);
        for (i, &d) in axes.iter().enumerate() {
            full[d] = v[i];
            full[r + d] = v[axes.len() + i];
        }
        Some(full)
    } else {
        None
    };
    let elem = rw.ctx.element_type(ty);
    let is_float = rw.ctx.is_float(elem);
    let i64t = rw.ctx.i64();
    let mut cur = x;
    let mut cur_dims = dims.clone();
    for d in 0..r {
        let axis_roi = roi.as_ref().map(|v| (v[d], v[r + d]));
        let identity = (scales[d] - 1.0).abs() < 1e-12
            && out[d] == cur_dims[d]
            && axis_roi.is_none_or(|(a, b)| a.abs() < 1e-12 && (b - 1.0).abs() < 1e-12);
        if identity {
            continue;
        }
        let t = resize_axis_table(
            cur_dims[d],
            out[d],
            scales[d],
            &ctm,
            axis_roi,
            &mode,
            &nearest,
            antialias,
            a,
            exclude,
        )?;
        let mut next_dims = cur_dims.clone();
        next_dims[d] = out[d];
        let next_ty = rw.ctx.tensor_type(&next_dims, elem);
        let n = t.w.first().map_or(0, |w| w.len());
        // Nearest: one tap per position (the weight that is 1).
        let one_hot =
            t.w.iter()
                .all(|w| w.iter().filter(|&&v| v != 0.0).count() == 1 && w.contains(&1.0));
        let mut taps: Vec<(Vec<i64>, Option<Vec<f64>>)> = Vec::new();
        if one_hot {
            let idx = t
                .idx
                .iter()
                .zip(&t.w)
                .map(|(i, w)| i[w.iter().position(|&v| v == 1.0).unwrap_or(0)])
                .collect();
            taps.push((idx, None));
        } else {
            if !is_float {
                return Err(format!("{mode} interpolation needs floating-point data"));
            }
            for k in 0..n {
                taps.push((
                    t.idx.iter().map(|i| i[k]).collect(),
                    Some(t.w.iter().map(|w| w[k]).collect()),
                ));
            }
        }
        let mut acc: Option<Value> = None;
        for (idx, w) in taps {
            let it = rw.ctx.tensor_type(&[out[d]], i64t);
            let iv: Vec<i128> = idx.iter().map(|&i| i128::from(i)).collect();
            let ia = dlc_ir::dense::dense_from_i128(rw.ctx, it, &iv).ok_or("index table")?;
            let ic = constant(rw, op, it, ia);
            let a = rw.ctx.i64_attr(d as i64);
            let g = rw.create_op(
                "graph.gather",
                loc,
                &[cur, ic],
                &[next_ty],
                vec![("axis", a)],
            );
            let mut v = rw.ctx.result(g, 0);
            if let Some(w) = w {
                let mut ws = vec![1i64; r];
                ws[d] = out[d];
                let wt = rw.ctx.tensor_type(&ws, elem);
                let wa = dlc_ir::dense::dense_from_f64(rw.ctx, wt, &w).ok_or("weight table")?;
                let wc = constant(rw, op, wt, wa);
                v = build(rw, loc, "graph.mul", &[v, wc], vec![])?;
            }
            acc = Some(match acc {
                None => v,
                Some(p) => build(rw, loc, "graph.add", &[p, v], vec![])?,
            });
        }
        let mut v = acc.ok_or("no taps")?;
        if t.extrapolated.iter().any(|&e| e) {
            let mut ms = vec![1i64; r];
            ms[d] = out[d];
            let i1 = rw.ctx.i1();
            let mt = rw.ctx.tensor_type(&ms, i1);
            let mv: Vec<i128> = t.extrapolated.iter().map(|&e| i128::from(e)).collect();
            let ma = dlc_ir::dense::dense_from_i128(rw.ctx, mt, &mv).ok_or("mask table")?;
            let mc = constant(rw, op, mt, ma);
            let sc = rw.ctx.tensor_type(&[], elem);
            let ea = dlc_ir::dense::dense_from_f64(rw.ctx, sc, &[extrapolation]).ok_or("value")?;
            let ec = constant(rw, op, sc, ea);
            let k = rw.ctx.string_attr("select");
            let sel = rw.create_op(
                dlc_graph::elementwise::ElementwiseOp::NAME,
                loc,
                &[mc, ec, v],
                &[next_ty],
                vec![("kind", k)],
            );
            v = rw.ctx.result(sel, 0);
        }
        cur = v;
        cur_dims = next_dims;
    }
    if rw.ctx.value_type(cur) != ty {
        return Err("internal error: resized type mismatch".into());
    }
    Ok(vec![cur])
}

/// LpPool: `(sum over the window of |x|^p)^(1/p)`, as an average pooling
/// that counts padding (so the divisor is always the window size) of
/// `|x|^p`, times the window size, to the power `1/p`.
fn lower_lp_pool(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let xt = rw.ctx.value_type(x);
    let elem = rw.ctx.element_type(xt);
    if !rw.ctx.is_float(elem) {
        return Err("needs floating-point data".into());
    }
    let p = int_attr(rw, op, "p", 2);
    if p < 1 {
        return Err(format!("needs p >= 1, got {p}"));
    }
    let kernel = rw
        .ctx
        .attr(op, "kernel_shape")
        .and_then(|a| dlc_onnx::ints_value(rw.ctx, a))
        .ok_or("needs 'kernel_shape'")?;
    let window: i64 = kernel.iter().product();
    let k = rw.ctx.string_attr("abs");
    let a = rw.create_op(
        dlc_graph::elementwise::ElementwiseOp::NAME,
        loc,
        &[x],
        &[xt],
        vec![("kind", k)],
    );
    let a = rw.ctx.result(a, 0);
    let pc = scalar_constant(rw, loc, elem, p as f64)?;
    let k = rw.ctx.string_attr("pow");
    let ap = rw.create_op(
        dlc_graph::elementwise::ElementwiseOp::NAME,
        loc,
        &[a, pc],
        &[xt],
        vec![("kind", k)],
    );
    let ap = rw.ctx.result(ap, 0);
    let avg = pool(rw, op, ap, false, true)?;
    let kc = scalar_constant(rw, loc, elem, window as f64)?;
    let sum = build(rw, loc, "graph.mul", &[avg, kc], vec![])?;
    let inv = scalar_constant(rw, loc, elem, 1.0 / p as f64)?;
    let st = rw.ctx.value_type(sum);
    let k = rw.ctx.string_attr("pow");
    let y = rw.create_op(
        dlc_graph::elementwise::ElementwiseOp::NAME,
        loc,
        &[sum, inv],
        &[st],
        vec![("kind", k)],
    );
    Ok(vec![rw.ctx.result(y, 0)])
}

/// TopK: the stable sort rank of every element, the indices of the first k
/// ranks, and the values gathered at them (ties keep index order).
fn lower_top_k(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let vt = result_type(rw, op, 0)?;
    let it = result_type(rw, op, 1)?;
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let xs = shape_of(rw.ctx, x)?;
    let axis =
        dlc_onnx::shape_ops::norm_axis(int_attr(rw, op, "axis", -1), xs.len()).map_err(|e| e.0)?;
    let a = rw.ctx.i64_attr(axis as i64);
    let mut attrs = vec![("axis", a)];
    if int_attr(rw, op, "largest", 1) != 0 {
        attrs.push(("largest", rw.ctx.unit_attr()));
    }
    let i64t = rw.ctx.i64();
    let rt = rw.ctx.tensor_type(&xs, i64t);
    let r = rw.create_op("graph.sort_rank", loc, &[x], &[rt], attrs);
    let r = rw.ctx.result(r, 0);
    let a = rw.ctx.i64_attr(axis as i64);
    let i = rw.create_op("graph.rank_to_index", loc, &[r], &[it], vec![("axis", a)]);
    let i = rw.ctx.result(i, 0);
    let a = rw.ctx.i64_attr(axis as i64);
    let v = rw.create_op(
        "graph.gather_elements",
        loc,
        &[x, i],
        &[vt],
        vec![("axis", a)],
    );
    Ok(vec![rw.ctx.result(v, 0), i])
}

/// NonZero: `graph.nonzero`, whose column count is known at run time.
fn lower_nonzero(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let rt = rw.ctx.value_type(rw.ctx.result(op, 0));
    let r = rw.create_op("graph.nonzero", loc, &[x], &[rt], vec![]);
    Ok(vec![rw.ctx.result(r, 0)])
}

/// NonMaxSuppression: `graph.non_max_suppression` with the omitted inputs
/// made explicit (no output boxes, IoU threshold 0) except
/// `score_threshold`, whose absence means no box is dropped for its score.
fn lower_nms(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let rt = rw.ctx.value_type(rw.ctx.result(op, 0));
    let given = |rw: &PatternRewriter<'_>, k: usize| -> LowerResult<Option<Value>> {
        match ins.get(k) {
            Some(&v) if !dlc_onnx::nn::is_omitted(&shape_of(rw.ctx, v)?) => Ok(Some(v)),
            _ => Ok(None),
        }
    };
    let mut args = vec![ins[0], ins[1]];
    for (k, elem) in [(2, rw.ctx.i64()), (3, rw.ctx.f32())] {
        let v = match given(rw, k)? {
            Some(v) => v,
            None => {
                let ty = rw.ctx.tensor_type(&[], elem);
                constant_of(rw, op, ty, &[0.0])?
            }
        };
        args.push(v);
    }
    args.extend(given(rw, 4)?);
    let mut attrs = Vec::new();
    if int_attr(rw, op, "center_point_box", 0) != 0 {
        attrs.push(("center_point_box", rw.ctx.unit_attr()));
    }
    let r = rw.create_op("graph.non_max_suppression", loc, &args, &[rt], attrs);
    Ok(vec![rw.ctx.result(r, 0)])
}

fn lower_scatter(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let red = rw
        .ctx
        .attr(op, "reduction")
        .and_then(|a| rw.ctx.string_value(a))
        .unwrap_or("none")
        .to_string();
    let r = rw.ctx.string_attr(&red);
    let mut attrs = vec![("reduction", r)];
    let name = if rw.ctx.op_name_str(op) == "onnx.ScatterND" {
        "graph.scatter_nd"
    } else {
        let rank = shape_of(rw.ctx, ins[0])?.len();
        let axis =
            dlc_onnx::shape_ops::norm_axis(int_attr(rw, op, "axis", 0), rank).map_err(|e| e.0)?;
        attrs.push(("axis", rw.ctx.i64_attr(axis as i64)));
        "graph.scatter_elements"
    };
    let s = rw.create_op(name, loc, &ins, &[ty], attrs);
    Ok(vec![rw.ctx.result(s, 0)])
}

/// Einsum: the equation made explicit (`graph.einsum`); f16/bf16 inputs are
/// summed in f32 and rounded back.
fn lower_einsum(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let shapes: Vec<Vec<i64>> = ins
        .iter()
        .map(|&v| shape_of(rw.ctx, v))
        .collect::<LowerResult<_>>()?;
    let refs: Vec<&[i64]> = shapes.iter().map(|s| s.as_slice()).collect();
    let eq = rw
        .ctx
        .attr(op, "equation")
        .and_then(|a| rw.ctx.string_value(a))
        .ok_or("needs an 'equation'")?
        .to_string();
    let (norm, out) = dlc_onnx::shape_ops::einsum_normalize(&eq, &refs).map_err(|e| e.0)?;
    let elem = rw.ctx.element_type(ty);
    let half = matches!(
        rw.ctx.type_kind(elem),
        dlc_ir::TypeKind::Float(dlc_ir::types::FloatKind::F16 | dlc_ir::types::FloatKind::BF16)
    );
    let cast = |rw: &mut PatternRewriter<'_>, v: Value, to: Type| -> Value {
        let s = rw.ctx.shape(rw.ctx.value_type(v)).unwrap_or(&[]).to_vec();
        let t = rw.ctx.tensor_type(&s, to);
        let k = rw.ctx.string_attr("cast");
        let c = rw.create_op(
            dlc_graph::elementwise::ElementwiseOp::NAME,
            loc,
            &[v],
            &[t],
            vec![("kind", k)],
        );
        rw.ctx.result(c, 0)
    };
    let (ins, rt) = if half {
        let f32t = rw.ctx.f32();
        let v: Vec<Value> = ins.iter().map(|&x| cast(rw, x, f32t)).collect();
        (v, rw.ctx.tensor_type(&out, f32t))
    } else {
        (ins, ty)
    };
    let e = rw.ctx.string_attr(&norm);
    let r = rw.create_op("graph.einsum", loc, &ins, &[rt], vec![("equation", e)]);
    let mut y = rw.ctx.result(r, 0);
    if half {
        y = cast(rw, y, elem);
    }
    Ok(vec![y])
}

/// CenterCropPad: a centred slice where the target is smaller, then a
/// centred zero padding where it is larger (the extra element of an odd
/// difference goes at the end, like the reference).
fn lower_center_crop_pad(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let xs = shape_of(rw.ctx, x)?;
    let out = rw.ctx.shape(ty).unwrap_or(&[]).to_vec();
    let elem = rw.ctx.element_type(ty);
    let r = xs.len();
    let mut crop = xs.clone();
    let mut starts = vec![0i64; r];
    let mut low = vec![0i64; r];
    for d in 0..r {
        if out[d] < xs[d] {
            crop[d] = out[d];
            starts[d] = (xs[d] - out[d]) / 2;
        } else if out[d] > xs[d] {
            low[d] = (out[d] - xs[d]) / 2;
        }
    }
    let ct = rw.ctx.tensor_type(&crop, elem);
    let c = slice(rw, op, x, ct, &starts, &vec![1; r]);
    if crop == out {
        return Ok(vec![c]);
    }
    let scalar = rw.ctx.tensor_type(&[], elem);
    let z = constant_of(rw, op, scalar, &[0.0])?;
    let l = rw.ctx.dense_i64_array(&low);
    let m = rw.ctx.string_attr("constant");
    let p = rw.create_op(
        "graph.pad",
        loc,
        &[c, z],
        &[ty],
        vec![("low", l), ("mode", m)],
    );
    Ok(vec![rw.ctx.result(p, 0)])
}

/// Upsample (opset 7-9) with mode nearest and integer scales: each element
/// repeated, a gather per scaled axis.
fn lower_upsample(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let mode = rw
        .ctx
        .attr(op, "mode")
        .and_then(|a| rw.ctx.string_value(a))
        .unwrap_or("nearest");
    if mode != "nearest" {
        return Err(format!("mode '{mode}' is not supported (use Resize)"));
    }
    let x = rw.ctx.operand(op, 0);
    let xs = shape_of(rw.ctx, x)?;
    let out = rw.ctx.shape(ty).unwrap_or(&[]).to_vec();
    let elem = rw.ctx.element_type(ty);
    let i64t = rw.ctx.i64();
    let mut cur = x;
    let mut dims = xs.clone();
    for d in 0..xs.len() {
        if out[d] == xs[d] {
            continue;
        }
        if out[d] % xs[d] != 0 {
            return Err("needs integer scales".into());
        }
        let f = out[d] / xs[d];
        let it = rw.ctx.tensor_type(&[out[d]], i64t);
        let idx: Vec<i128> = (0..out[d]).map(|i| i128::from(i / f)).collect();
        let ia = dlc_ir::dense::dense_from_i128(rw.ctx, it, &idx).ok_or("index table")?;
        let ic = constant(rw, op, it, ia);
        dims[d] = out[d];
        let nt = rw.ctx.tensor_type(&dims, elem);
        let a = rw.ctx.i64_attr(d as i64);
        let g = rw.create_op("graph.gather", loc, &[cur, ic], &[nt], vec![("axis", a)]);
        cur = rw.ctx.result(g, 0);
    }
    Ok(vec![cur])
}

fn lower_global_max_pool(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let rank = shape_of(rw.ctx, x)?.len();
    let axes: Vec<i64> = (2..rank as i64).collect();
    let attrs = vec![
        ("axes", rw.ctx.dense_i64_array(&axes)),
        ("keepdims", rw.ctx.unit_attr()),
    ];
    Ok(vec![build(rw, loc, "graph.reduce_max", &[x], attrs)?])
}

/// EyeLike: a constant with ones on diagonal `k`.
fn lower_eye_like(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let s = rw.ctx.shape(ty).unwrap_or(&[]).to_vec();
    let k = int_attr(rw, op, "k", 0);
    let (rows, cols) = (s[0], s[1]);
    let mut v = vec![0.0f64; (rows * cols) as usize];
    for i in 0..rows {
        let j = i + k;
        if (0..cols).contains(&j) {
            v[(i * cols + j) as usize] = 1.0;
        }
    }
    Ok(vec![constant_of(rw, op, ty, &v)?])
}

/// ConvTranspose, 1-D (as 2-D with a height of 1) and 2-D.
fn lower_conv_transpose(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let (xs, ws) = (shape_of(rw.ctx, ins[0])?, shape_of(rw.ctx, ins[1])?);
    if !is_static(&xs) || !is_static(&ws) {
        return Err("needs static input shapes".into());
    }
    let get = |n: &str| rw.ctx.attr(op, n);
    let (begin, outs) =
        dlc_onnx::shape_ops::conv_transpose_geometry(rw.ctx, &get, &xs, &ws).map_err(|e| e.0)?;
    let list = |name: &str| {
        rw.ctx
            .attr(op, name)
            .and_then(|a| dlc_onnx::ints_value(rw.ctx, a))
            .unwrap_or_else(|| vec![1; xs.len() - 2])
    };
    let (strides, dil) = (list("strides"), list("dilations"));
    let g = int_attr(rw, op, "group", 1);
    let elem = rw.ctx.element_type(ty);
    let one_d = xs.len() == 3;
    if xs.len() > 4 {
        return conv_transpose_nd(rw, op, &ins, &xs, &ws, &begin, &outs, &strides, &dil, g);
    }
    if xs.len() != 4 && !one_d {
        return Err(format!(
            "transposed convolution needs a rank >= 3 input, got rank {}",
            xs.len()
        ));
    }
    let (mut v, st, dl, pb, out) = if one_d {
        let x = reshape(rw, loc, ins[0], &[xs[0], xs[1], 1, xs[2]])?;
        let w = reshape(rw, loc, ins[1], &[ws[0], ws[1], 1, ws[2]])?;
        (
            vec![x, w],
            vec![1, strides[0]],
            vec![1, dil[0]],
            vec![0, begin[0]],
            vec![xs[0], ws[1] * g, 1, outs[0]],
        )
    } else {
        (
            vec![ins[0], ins[1]],
            strides,
            dil,
            begin,
            vec![xs[0], ws[1] * g, outs[0], outs[1]],
        )
    };
    if let Some(&b) = ins.get(2) {
        v.push(b);
    }
    let rt = rw.ctx.tensor_type(&out, elem);
    let attrs = vec![
        ("strides", rw.ctx.dense_i64_array(&st)),
        ("dilations", rw.ctx.dense_i64_array(&dl)),
        ("pad_begin", rw.ctx.dense_i64_array(&pb)),
        ("groups", rw.ctx.i64_attr(g)),
    ];
    let c = rw.create_op("graph.conv_transpose2d", loc, &v, &[rt], attrs);
    let y = rw.ctx.result(c, 0);
    if one_d {
        let s = rw.ctx.shape(ty).unwrap_or(&[]).to_vec();
        return Ok(vec![reshape(rw, loc, y, &s)?]);
    }
    Ok(vec![y])
}

/// ConvTranspose over 3 or more spatial dimensions (group 1): the columns
/// `W^T x` ([N, OC * K, L], a matmul over the input channels) summed into
/// the output by Col2Im, then the bias.
#[allow(clippy::too_many_arguments)]
fn conv_transpose_nd(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    ins: &[Value],
    xs: &[i64],
    ws: &[i64],
    begin: &[i64],
    outs: &[i64],
    strides: &[i64],
    dil: &[i64],
    g: i64,
) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    if g != 1 {
        return Err(
            "transposed convolution over 3 or more spatial dimensions supports group 1".into(),
        );
    }
    let (n, ic, oc) = (xs[0], xs[1], ws[1]);
    let spatial = &xs[2..];
    let l: i64 = spatial.iter().product();
    let k: i64 = ws[2..].iter().product();
    let x = reshape(rw, loc, ins[0], &[n, ic, l])?;
    let w = reshape(rw, loc, ins[1], &[ic, oc * k])?;
    let perm = rw.ctx.dense_i64_array(&[1, 0]);
    let wt = build(rw, loc, "graph.transpose", &[w], vec![("perm", perm)])?;
    let cols = build(rw, loc, "graph.matmul", &[wt, x], vec![])?;
    let geo = super::nn::BlockGeometry {
        image: outs.to_vec(),
        block: ws[2..].to_vec(),
        blocks: spatial.to_vec(),
        dil: dil.to_vec(),
        pad_begin: begin.to_vec(),
        strides: strides.to_vec(),
    };
    let mut y = super::nn::col2im(rw, loc, cols, n, oc, &geo)?;
    if let Some(&b) = ins.get(2) {
        let mut bs = vec![1i64; xs.len()];
        bs[1] = oc;
        let b = reshape(rw, loc, b, &bs)?;
        y = build(rw, loc, "graph.add", &[y, b], vec![])?;
    }
    Ok(vec![y])
}

/// The window functions, as constants (their length is a constant here).
fn lower_window(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let n = rw.ctx.shape(ty).map_or(0, |s| s[0]);
    let periodic = int_attr(rw, op, "periodic", 1) != 0;
    let denom = if periodic { n } else { n - 1 } as f64;
    let name = rw.ctx.op_name_str(op).to_string();
    let tau = 2.0 * std::f64::consts::PI;
    let v: Vec<f64> = (0..n)
        .map(|i| {
            let x = if denom > 0.0 {
                tau * i as f64 / denom
            } else {
                0.0
            };
            match name.as_str() {
                "onnx.HannWindow" => 0.5 - 0.5 * x.cos(),
                "onnx.HammingWindow" => 25.0 / 46.0 - 21.0 / 46.0 * x.cos(),
                _ => 0.42 - 0.5 * x.cos() + 0.08 * (2.0 * x).cos(),
            }
        })
        .collect();
    Ok(vec![constant_of(rw, op, ty, &v)?])
}

/// MelWeightMatrix, a constant once its scalar inputs are (dl-run
/// specialises them): triangular filters between mel-spaced bin edges,
/// computed as the ONNX reference does (the edge arithmetic in f32 where
/// its inputs are f32, the bins by floor division).
fn lower_mel_weight_matrix(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let ins = operands(rw.ctx, op);
    let mut v = Vec::with_capacity(5);
    for &x in &ins {
        let c = const_f64(rw, x).and_then(|c| c.first().copied());
        v.push(c.ok_or("needs constant scalar inputs")?);
    }
    let (mels, dft, rate) = (v[0] as i64, v[1] as i64, v[2]);
    let (lo, hi) = (v[3] as f32, v[4] as f32);
    if mels < 1 || dft < 1 || rate <= 0.0 {
        return Err("needs num_mel_bins, dft_length and sample_rate > 0".into());
    }
    let ln10 = std::f64::consts::LN_10;
    let lo_mel = f64::from(2595.0f32 * (lo / 700.0).ln_1p()) / ln10;
    let hi_mel = f64::from(2595.0f32 * (hi / 700.0).ln_1p()) / ln10;
    let step = (hi_mel - lo_mel) / (mels + 2) as f64;
    let edges: Vec<i64> = (0..mels + 2)
        .map(|k| {
            let f = 700.0 * ((k as f64 * step + lo_mel) / 2595.0 * ln10).exp_m1();
            (((dft + 1) as f64 * f) / rate).floor() as i64
        })
        .collect();
    let bins = dft / 2 + 1;
    let mut out = vec![0.0f64; (bins * mels) as usize];
    let mut set = |j: i64, i: i64, x: f64| -> LowerResult<()> {
        if !(0..bins).contains(&j) {
            return Err(format!("a filter edge ({j}) falls outside the {bins} bins"));
        }
        out[(j * mels + i) as usize] = x;
        Ok(())
    };
    for i in 0..mels {
        let (l, c, h) = (
            edges[i as usize],
            edges[i as usize + 1],
            edges[i as usize + 2],
        );
        if c == l {
            set(c, i, 1.0)?;
        } else {
            for j in l..=c {
                set(j, i, (j - l) as f64 / (c - l) as f64)?;
            }
        }
        if h > c {
            for j in c..h {
                set(j, i, (h - j) as f64 / (h - c) as f64)?;
            }
        }
    }
    Ok(vec![constant_of(rw, op, ty, &out)?])
}

/// LRN: x / (bias + alpha / size * (sum of x^2 over `size` neighbouring
/// channels))^beta; the channel window sum is an average pool (padding
/// counted) over a (N, 1, C, H*W) view, times the window size.
fn lower_lrn(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let xs = shape_of(rw.ctx, x)?;
    if xs.len() < 3 {
        return Err("needs rank >= 3".into());
    }
    let elem = rw.ctx.element_type(ty);
    let f = |n: &str, d: f64| {
        rw.ctx
            .attr(op, n)
            .and_then(|a| rw.ctx.float_value(a))
            .unwrap_or(d)
    };
    let (alpha, beta, bias) = (f("alpha", 1e-4), f("beta", 0.75), f("bias", 1.0));
    let size = int_attr(rw, op, "size", 1);
    let (n, c) = (xs[0], xs[1]);
    let rest: i64 = xs[2..].iter().product();
    let sq = build(rw, loc, "graph.mul", &[x, x], vec![])?;
    let v = reshape(rw, loc, sq, &[n, 1, c, rest])?;
    let lo = (size - 1) / 2;
    let hi = size - 1 - lo;
    let attrs = vec![
        ("kernel", rw.ctx.dense_i64_array(&[size, 1])),
        ("padding", rw.ctx.dense_i64_array(&[lo, 0, hi, 0])),
        ("count_include_pad", rw.ctx.unit_attr()),
    ];
    let avg = build(rw, loc, "graph.avg_pool2d", &[v], attrs)?;
    let avg = reshape(rw, loc, avg, &xs)?;
    // bias + alpha * avg (alpha / size * sum = alpha * avg).
    let ac = scalar_constant(rw, loc, elem, alpha)?;
    let t = build(rw, loc, "graph.mul", &[avg, ac], vec![])?;
    let bc = scalar_constant(rw, loc, elem, bias)?;
    let t = build(rw, loc, "graph.add", &[t, bc], vec![])?;
    let ec = scalar_constant(rw, loc, elem, beta)?;
    let tt = rw.ctx.value_type(t);
    let k = rw.ctx.string_attr("pow");
    let p = rw.create_op(
        dlc_graph::elementwise::ElementwiseOp::NAME,
        loc,
        &[t, ec],
        &[tt],
        vec![("kind", k)],
    );
    let p = rw.ctx.result(p, 0);
    Ok(vec![build(rw, loc, "graph.div", &[x, p], vec![])?])
}

fn lower_grid_sample(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let (x, g) = (rw.ctx.operand(op, 0), rw.ctx.operand(op, 1));
    if !rw.ctx.is_float(rw.ctx.element_type(ty)) {
        return Err("needs floating-point data".into());
    }
    let s = |n: &str, d: &str| {
        rw.ctx
            .attr(op, n)
            .and_then(|a| rw.ctx.string_value(a))
            .unwrap_or(d)
            .to_string()
    };
    let mode = match s("mode", "linear").as_str() {
        "bilinear" | "linear" => "linear",
        "bicubic" | "cubic" => "cubic",
        "nearest" => "nearest",
        m => return Err(format!("unknown mode '{m}'")),
    };
    let pm = s("padding_mode", "zeros");
    let mut attrs = vec![
        ("mode", rw.ctx.string_attr(mode)),
        ("padding_mode", rw.ctx.string_attr(&pm)),
    ];
    if int_attr(rw, op, "align_corners", 0) != 0 {
        attrs.push(("align_corners", rw.ctx.unit_attr()));
    }
    let gs = rw.create_op("graph.grid_sample", loc, &[x, g], &[ty], attrs);
    Ok(vec![rw.ctx.result(gs, 0)])
}

/// AffineGrid: the base coordinates (x along the last axis, then y, z,
/// and 1) are a compile-time constant; the grid is `theta` applied to them,
/// one `graph.einsum`.
fn lower_affine_grid(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let theta = rw.ctx.operand(op, 0);
    let out = rw.ctx.shape(ty).unwrap_or(&[]).to_vec();
    let k = *out.last().ok_or("empty grid")? as usize;
    let spatial: Vec<i64> = out[1..out.len() - 1].to_vec();
    if spatial.len() != k {
        return Err("grid rank does not match theta".into());
    }
    let align = int_attr(rw, op, "align_corners", 0) != 0;
    let coord = |i: i64, l: i64| -> f64 {
        if align {
            if l == 1 {
                0.0
            } else {
                -1.0 + 2.0 * i as f64 / (l - 1) as f64
            }
        } else {
            (2 * i + 1) as f64 / l as f64 - 1.0
        }
    };
    // base[s..., j]: j < k is the coordinate along spatial axis k-1-j.
    let n: i64 = spatial.iter().product();
    let mut base = Vec::with_capacity((n as usize) * (k + 1));
    for flat in 0..n {
        let mut rem = flat;
        let mut pos = vec![0i64; k];
        for d in (0..k).rev() {
            pos[d] = rem % spatial[d];
            rem /= spatial[d];
        }
        for j in 0..k {
            let d = k - 1 - j;
            base.push(coord(pos[d], spatial[d]));
        }
        base.push(1.0);
    }
    let elem = rw.ctx.element_type(ty);
    let mut bs = spatial.clone();
    bs.push(k as i64 + 1);
    let bt = rw.ctx.tensor_type(&bs, elem);
    let bc = constant_of(rw, op, bt, &base)?;
    let letters: String = "abc".chars().take(k).collect();
    let eq = format!("nij,{letters}j->n{letters}i");
    let e = rw.ctx.string_attr(&eq);
    let g = rw.create_op(
        "graph.einsum",
        loc,
        &[theta, bc],
        &[ty],
        vec![("equation", e)],
    );
    Ok(vec![rw.ctx.result(g, 0)])
}

fn lower_tensor_scatter(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ty = result_type(rw, op, 0)?;
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let rank = shape_of(rw.ctx, ins[0])?.len();
    let axis =
        dlc_onnx::shape_ops::norm_axis(int_attr(rw, op, "axis", -2), rank).map_err(|e| e.0)?;
    let mode = rw
        .ctx
        .attr(op, "mode")
        .and_then(|a| rw.ctx.string_value(a))
        .unwrap_or("linear")
        .to_string();
    let mut attrs = vec![("axis", rw.ctx.i64_attr(axis as i64))];
    match mode.as_str() {
        "linear" => {}
        "circular" => attrs.push(("circular", rw.ctx.unit_attr())),
        m => return Err(format!("unknown mode '{m}'")),
    }
    let t = rw.create_op("graph.tensor_scatter", loc, &ins, &[ty], attrs);
    Ok(vec![rw.ctx.result(t, 0)])
}
