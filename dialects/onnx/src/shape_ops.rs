//! The shape-manipulation operators of the onnx dialect: Shape, Size,
//! ConstantOfShape, Unsqueeze, Squeeze, Expand, Slice, Gather,
//! GatherElements, GatherND, Range, Split, Tile, Pad, Trilu, DepthToSpace,
//! SpaceToDepth, OneHot, Dropout (inference), CumSum, NonZero and
//! NonMaxSuppression (whose result extents depend on the data), and more.
//!
//! Many of them take a shape, axes or sizes as an operand (from opset 10 to
//! 18, depending on the op, where older opsets had attributes). Result
//! shapes are exact when those operands are constants and have dynamic
//! (`?`) dimensions otherwise; `dl-run` folds inputs feeding such operands
//! into constants before compiling (shape specialisation).

use crate::ops::{
    ANY_TENSOR, AttrLookup, FLOAT_ATTR, INT_ATTR, INTS_ATTR, Inferred, STR_ATTR, const_ints,
    int_attr, ints_attr, verify_op,
};
use crate::shape::ShapeError;
use dlc_ir::constraints::ELEMENTS_ATTR;
use dlc_ir::types::DYNAMIC;
use dlc_ir::{Attr, Context, Type, TypeKind};

const COMPUTE_FORMAT: &str = "operands attr-dict `:` functional-type(operands, results)";

macro_rules! shape_ops {
    ($( $ty:ident, $name:literal, $summary:literal,
        [$($oname:ident $([$omark:ident])?),*], [$($rname:ident $([$rmark:ident])?),*],
        [$($aname:ident: $acon:expr),*]; )*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [$($oname $([$omark])?: ANY_TENSOR),*],
                results: [$($rname $([$rmark])?: ANY_TENSOR),*],
                attributes: [$($aname[optional]: $acon),*],
                traits: PURE,
                format: COMPUTE_FORMAT,
                verify: verify_op,
            }
        }
    )*
    /// Every op of this module.
    pub const OPS: &[&dlc_ir::OpDef] = &[$(&$ty::DEF),*];
    /// Their op names (`onnx.Shape`, ...).
    pub const OP_NAMES: &[&str] = &[$($name),*];
    };
}

shape_ops! {
    ShapeOp, "onnx.Shape", "ONNX Shape (dims start..end)", [data], [shape], [start: INT_ATTR, end: INT_ATTR];
    SizeOp, "onnx.Size", "ONNX Size", [data], [size], [];
    ConstantOfShapeOp, "onnx.ConstantOfShape", "ONNX ConstantOfShape", [input], [output], [value: ELEMENTS_ATTR];
    UnsqueezeOp, "onnx.Unsqueeze", "ONNX Unsqueeze (axes operand from opset 13)", [data, axes_operand[variadic]], [expanded], [axes: INTS_ATTR];
    SqueezeOp, "onnx.Squeeze", "ONNX Squeeze (axes operand from opset 13)", [data, axes_operand[variadic]], [squeezed], [axes: INTS_ATTR];
    ExpandOp, "onnx.Expand", "ONNX Expand (bidirectional broadcast to a shape)", [input, shape], [output], [];
    SliceOp, "onnx.Slice", "ONNX Slice (starts, ends, axes, steps operands from opset 10)", [data, args[variadic]], [output], [starts: INTS_ATTR, ends: INTS_ATTR, axes: INTS_ATTR];
    GatherOp, "onnx.Gather", "ONNX Gather", [data, indices], [output], [axis: INT_ATTR];
    GatherElementsOp, "onnx.GatherElements", "ONNX GatherElements", [data, indices], [output], [axis: INT_ATTR];
    GatherNDOp, "onnx.GatherND", "ONNX GatherND", [data, indices], [output], [batch_dims: INT_ATTR];
    RangeOp, "onnx.Range", "ONNX Range", [start, limit, delta], [output], [];
    SplitOp, "onnx.Split", "ONNX Split", [input, split_operand[variadic]], [outputs[variadic]], [axis: INT_ATTR, split: INTS_ATTR, num_outputs: INT_ATTR];
    TileOp, "onnx.Tile", "ONNX Tile", [input, repeats], [output], [];
    PadOp, "onnx.Pad", "ONNX Pad (pads operand from opset 11)", [data, args[variadic]], [output], [mode: STR_ATTR, pads: INTS_ATTR, value: FLOAT_ATTR];
    TriluOp, "onnx.Trilu", "ONNX Trilu", [input, k[variadic]], [output], [upper: INT_ATTR];
    DepthToSpaceOp, "onnx.DepthToSpace", "ONNX DepthToSpace", [input], [output], [blocksize: INT_ATTR, mode: STR_ATTR];
    SpaceToDepthOp, "onnx.SpaceToDepth", "ONNX SpaceToDepth", [input], [output], [blocksize: INT_ATTR];
    OneHotOp, "onnx.OneHot", "ONNX OneHot", [indices, depth, values], [output], [axis: INT_ATTR];
    DropoutOp, "onnx.Dropout", "ONNX Dropout (inference: the identity)", [data, args[variadic]], [outputs[variadic]], [ratio: FLOAT_ATTR, seed: INT_ATTR];
    CumSumOp, "onnx.CumSum", "ONNX CumSum", [x, axis], [y], [exclusive: INT_ATTR, reverse: INT_ATTR];
    TopKOp, "onnx.TopK", "ONNX TopK (values and i64 indices)", [X, K], [Values, Indices], [axis: INT_ATTR, largest: INT_ATTR, sorted: INT_ATTR];
    ScatterElementsOp, "onnx.ScatterElements", "ONNX ScatterElements", [data, indices, updates], [output], [axis: INT_ATTR, reduction: STR_ATTR];
    ScatterOp, "onnx.Scatter", "ONNX Scatter (opset 9-10; ScatterElements without reduction)", [data, indices, updates], [output], [axis: INT_ATTR];
    ScatterNDOp, "onnx.ScatterND", "ONNX ScatterND", [data, indices, updates], [output], [reduction: STR_ATTR];
    EinsumOp, "onnx.Einsum", "ONNX Einsum", [Inputs[variadic]], [Output], [equation: STR_ATTR];
    CenterCropPadOp, "onnx.CenterCropPad", "ONNX CenterCropPad", [input_data, shape], [output_data], [axes: INTS_ATTR];
    UpsampleOp, "onnx.Upsample", "ONNX Upsample (opset 7-9): nearest with integer scales", [X, scales_operand[variadic]], [Y], [mode: STR_ATTR, scales: dlc_ir::constraints::ARRAY_ATTR];
    GlobalMaxPoolOp, "onnx.GlobalMaxPool", "ONNX GlobalMaxPool", [X], [Y], [];
    EyeLikeOp, "onnx.EyeLike", "ONNX EyeLike", [input], [output], [dtype: INT_ATTR, k: INT_ATTR];
    ConvTransposeOp, "onnx.ConvTranspose", "ONNX ConvTranspose", [X, W, B[variadic]], [Y], [auto_pad: STR_ATTR, dilations: INTS_ATTR, group: INT_ATTR, kernel_shape: INTS_ATTR, output_padding: INTS_ATTR, output_shape: INTS_ATTR, pads: INTS_ATTR, strides: INTS_ATTR];
    HannWindowOp, "onnx.HannWindow", "ONNX HannWindow", [size], [output], [output_datatype: INT_ATTR, periodic: INT_ATTR];
    MelWeightMatrixOp, "onnx.MelWeightMatrix", "ONNX MelWeightMatrix", [num_mel_bins, dft_length, sample_rate, lower_edge_hertz, upper_edge_hertz], [output], [output_datatype: INT_ATTR];
    HammingWindowOp, "onnx.HammingWindow", "ONNX HammingWindow", [size], [output], [output_datatype: INT_ATTR, periodic: INT_ATTR];
    BlackmanWindowOp, "onnx.BlackmanWindow", "ONNX BlackmanWindow", [size], [output], [output_datatype: INT_ATTR, periodic: INT_ATTR];
    LRNOp, "onnx.LRN", "ONNX LRN (local response normalisation across channels)", [X], [Y], [alpha: FLOAT_ATTR, beta: FLOAT_ATTR, bias: FLOAT_ATTR, size: INT_ATTR];
    GridSampleOp, "onnx.GridSample", "ONNX GridSample", [X, grid], [Y], [align_corners: INT_ATTR, mode: STR_ATTR, padding_mode: STR_ATTR];
    AffineGridOp, "onnx.AffineGrid", "ONNX AffineGrid", [theta, size], [grid], [align_corners: INT_ATTR];
    TensorScatterOp, "onnx.TensorScatter", "ONNX TensorScatter (KV-cache update)", [past_cache, update, write_indices[variadic]], [present_cache], [axis: INT_ATTR, mode: STR_ATTR];
    CumProdOp, "onnx.CumProd", "ONNX CumProd", [x, axis], [y], [exclusive: INT_ATTR, reverse: INT_ATTR];
    LpPoolOp, "onnx.LpPool", "ONNX LpPool: the p-norm over each window", [X], [Y], [auto_pad: STR_ATTR, ceil_mode: INT_ATTR, dilations: INTS_ATTR, kernel_shape: INTS_ATTR, p: INT_ATTR, pads: INTS_ATTR, strides: INTS_ATTR];
    NonZeroOp, "onnx.NonZero", "ONNX NonZero: the indices of the non-zero elements, one row per axis", [X], [Y], [];
    NonMaxSuppressionOp, "onnx.NonMaxSuppression", "ONNX NonMaxSuppression (omitted optional inputs are empty tensors)", [boxes, scores, args[variadic]], [selected_indices], [center_point_box: INT_ATTR];
    ResizeOp, "onnx.Resize", "ONNX Resize (X, roi, scales, sizes; empty tensors for absent ones)", [X, args[variadic]], [Y], [antialias: INT_ATTR, axes: INTS_ATTR, coordinate_transformation_mode: STR_ATTR, cubic_coeff_a: FLOAT_ATTR, exclude_outside: INT_ATTR, extrapolation_value: FLOAT_ATTR, keep_aspect_ratio_policy: STR_ATTR, mode: STR_ATTR, nearest_mode: STR_ATTR];
}

/// Per-dimension scales and output sizes of a Resize.
pub type ResizePlan = (Vec<f64>, Vec<i64>);

/// Resize's per-dimension scales and output sizes, from its constant
/// `scales` or `sizes` operand (`None` when they are not constants), as the
/// ONNX reference computes them (axes, keep_aspect_ratio_policy).
pub fn resize_plan(
    ctx: &Context,
    dims: &[i64],
    consts: &[Option<Attr>],
    nops: usize,
    get: AttrLookup<'_>,
) -> Result<Option<ResizePlan>, ShapeError> {
    let r = dims.len();
    let floats = |k: usize| -> Option<Option<Vec<f64>>> {
        if k >= nops {
            return Some(None);
        }
        let a = consts.get(k).copied().flatten()?;
        let v = dlc_ir::dense::dense_values_f64(ctx, a)
            .or_else(|| const_ints(ctx, a).map(|v| v.iter().map(|&x| x as f64).collect()))?;
        Some(if v.is_empty() { None } else { Some(v) })
    };
    // Opset 10: (X, scales); later: (X, roi, scales, sizes).
    let (scales, sizes) = if nops == 2 {
        let Some(s) = floats(1) else { return Ok(None) };
        (s, None)
    } else {
        let (Some(s), Some(z)) = (floats(2), floats(3)) else {
            return Ok(None);
        };
        (s, z)
    };
    let axes: Vec<usize> = match ints_attr(ctx, get, "axes")? {
        Some(a) => a
            .iter()
            .map(|&x| norm_axis(x, r))
            .collect::<Result<_, _>>()?,
        None => (0..r).collect(),
    };
    if dims.contains(&DYNAMIC) {
        return Ok(None);
    }
    match (scales, sizes) {
        (Some(s), None) => {
            if s.len() != axes.len() {
                return err(format!(
                    "Resize needs {} scales, got {}",
                    axes.len(),
                    s.len()
                ));
            }
            let mut sc = vec![1.0; r];
            for (i, &a) in axes.iter().enumerate() {
                sc[a] = s[i];
            }
            let out = (0..r).map(|d| (sc[d] * dims[d] as f64) as i64).collect();
            Ok(Some((sc, out)))
        }
        (None, Some(z)) => {
            if z.len() != axes.len() {
                return err(format!(
                    "Resize needs {} sizes, got {}",
                    axes.len(),
                    z.len()
                ));
            }
            let mut out = dims.to_vec();
            for (i, &a) in axes.iter().enumerate() {
                out[a] = z[i] as i64;
            }
            let mut sc: Vec<f64> = (0..r).map(|d| out[d] as f64 / dims[d] as f64).collect();
            let policy = get("keep_aspect_ratio_policy")
                .and_then(|a| ctx.string_value(a))
                .unwrap_or("stretch");
            if policy != "stretch" {
                let it = axes.iter().map(|&a| sc[a]);
                let s = match policy {
                    "not_larger" => it.fold(f64::INFINITY, f64::min),
                    "not_smaller" => it.fold(f64::NEG_INFINITY, f64::max),
                    p => return err(format!("unknown keep_aspect_ratio_policy '{p}'")),
                };
                for d in 0..r {
                    if axes.contains(&d) {
                        sc[d] = s;
                        out[d] = (s * dims[d] as f64 + 0.5) as i64;
                    } else {
                        sc[d] = 1.0;
                    }
                }
            }
            Ok(Some((sc, out)))
        }
        (Some(_), Some(_)) => err("Resize takes scales or sizes, not both"),
        (None, None) => err("Resize needs scales or sizes"),
    }
}

fn err<T>(m: impl Into<String>) -> Result<T, ShapeError> {
    Err(ShapeError(m.into()))
}

/// The first element of a constant, integer or float, as f64.
fn first_f64(ctx: &Context, a: Attr) -> Option<f64> {
    dlc_ir::dense::dense_values_f64(ctx, a)
        .and_then(|v| v.first().copied())
        .or_else(|| const_ints(ctx, a).and_then(|v| v.first().map(|&x| x as f64)))
}

/// Normalises `axis` for `rank` (negative counts from the end).
pub fn norm_axis(axis: i64, rank: usize) -> Result<usize, ShapeError> {
    let r = rank as i64;
    if axis < -r || axis >= r {
        return err(format!("axis {axis} is out of range for rank {rank}"));
    }
    Ok(if axis < 0 { axis + r } else { axis } as usize)
}

/// The constant integers of operand `k`, if it is present and constant.
fn const_operand(ctx: &Context, consts: &[Option<Attr>], k: usize) -> Option<Vec<i64>> {
    consts
        .get(k)
        .copied()
        .flatten()
        .and_then(|a| const_ints(ctx, a))
}

/// The integers given by operand `k` (newer opsets) or attribute `name`
/// (older ones): `Ok(None)` when absent, `Err` when an operand is present but
/// not constant (the caller then infers dynamic dimensions).
fn operand_or_attr(
    ctx: &Context,
    consts: &[Option<Attr>],
    nops: usize,
    k: usize,
    get: AttrLookup<'_>,
    name: &str,
) -> Result<Option<Vec<i64>>, ()> {
    if k < nops {
        return const_operand(ctx, consts, k).map(Some).ok_or(());
    }
    Ok(ints_attr(ctx, get, name).ok().flatten())
}

/// Result shapes and element types of the ops of this module; `None` for
/// other ops.
pub fn infer(
    ctx: &Context,
    op: &str,
    shapes: &[&[i64]],
    elems: &[Type],
    consts: &[Option<Attr>],
    get: AttrLookup<'_>,
) -> Option<Result<Vec<Inferred>, ShapeError>> {
    if !OP_NAMES.iter().any(|n| n.strip_prefix("onnx.") == Some(op)) {
        return None;
    }
    Some(infer_known(ctx, op, shapes, elems, consts, get))
}

/// Split and Dropout, whose result count is the op's: `num_results`.
pub fn infer_multi(
    ctx: &Context,
    op: &str,
    shapes: &[&[i64]],
    elems: &[Type],
    consts: &[Option<Attr>],
    get: AttrLookup<'_>,
    num_results: usize,
) -> Result<Vec<Inferred>, ShapeError> {
    let s0 = shapes[0];
    let e0 = elems[0];
    if op == "Dropout" {
        let i1 = ctx
            .lookup_integer_type(1)
            .ok_or_else(|| ShapeError("i1 is not interned".into()))?;
        let mut v = vec![(s0.to_vec(), e0)];
        if num_results > 1 {
            v.push((s0.to_vec(), i1));
        }
        return Ok(v);
    }
    let rank = s0.len();
    let axis = norm_axis(int_attr(ctx, get, "axis", 0)?, rank)?;
    let split = match operand_or_attr(ctx, consts, shapes.len(), 1, get, "split") {
        Ok(s) => s,
        // Sizes known only at run time: each output's extent is unknown.
        Err(()) => {
            let mut s = s0.to_vec();
            s[axis] = DYNAMIC;
            return Ok(vec![(s, e0); num_results]);
        }
    };
    let nout = match get("num_outputs").and_then(|a| ctx.int_value(a)) {
        Some(k) if k > 0 => k as usize,
        _ => split.as_ref().map_or(num_results, |s| s.len()),
    };
    let sizes = split_sizes(s0[axis], split.as_deref(), nout)?;
    Ok(sizes
        .into_iter()
        .map(|d| {
            let mut s = s0.to_vec();
            s[axis] = d;
            (s, e0)
        })
        .collect())
}

/// `[start, end)` of Shape's attributes, clamped like the spec.
pub fn shape_range(
    ctx: &Context,
    get: AttrLookup<'_>,
    rank: usize,
) -> Result<(usize, usize), ShapeError> {
    let r = rank as i64;
    let clamp = |v: i64| -> usize { (if v < 0 { v + r } else { v }).clamp(0, r) as usize };
    let start = clamp(int_attr(ctx, get, "start", 0)?);
    let end = clamp(int_attr(ctx, get, "end", r)?);
    Ok((start, end.max(start)))
}

/// Slice parameters normalised per axis of `dims`: (start, step, count).
pub fn slice_params(
    dims: &[i64],
    starts: &[i64],
    ends: &[i64],
    axes: Option<&[i64]>,
    steps: Option<&[i64]>,
) -> Result<Vec<(i64, i64, i64)>, ShapeError> {
    let rank = dims.len();
    let n = starts.len();
    if ends.len() != n || axes.is_some_and(|a| a.len() != n) || steps.is_some_and(|s| s.len() != n)
    {
        return err("Slice's starts, ends, axes and steps must have the same length");
    }
    let mut out: Vec<(i64, i64, i64)> = dims.iter().map(|&d| (0, 1, d)).collect();
    let mut seen = vec![false; rank];
    for i in 0..n {
        let ax = match axes {
            Some(a) => norm_axis(a[i], rank)?,
            None => i,
        };
        if ax >= rank {
            return err("Slice has more starts than the data has dimensions");
        }
        if seen[ax] {
            return err(format!("Slice repeats axis {ax}"));
        }
        seen[ax] = true;
        let step = steps.map_or(1, |s| s[i]);
        if step == 0 {
            return err("Slice steps must not be 0");
        }
        let d = dims[ax];
        if d == DYNAMIC {
            out[ax] = (0, step, DYNAMIC);
            continue;
        }
        let norm = |v: i64| if v < 0 { v.saturating_add(d) } else { v };
        let (s, e) = (norm(starts[i]), norm(ends[i]));
        let (s, e) = if step > 0 {
            (s.clamp(0, d), e.clamp(0, d))
        } else {
            (s.clamp(0, d - 1), e.clamp(-1, d - 1))
        };
        let count = if step > 0 {
            if e > s { (e - s + step - 1) / step } else { 0 }
        } else if s > e {
            (s - e + (-step) - 1) / (-step)
        } else {
            0
        };
        out[ax] = (s, step, count);
    }
    Ok(out)
}

/// Split sizes along an axis of extent `d`.
pub fn split_sizes(
    d: i64,
    split: Option<&[i64]>,
    num_outputs: usize,
) -> Result<Vec<i64>, ShapeError> {
    if let Some(s) = split {
        if s.len() != num_outputs {
            return err(format!(
                "Split has {num_outputs} outputs but {} split sizes",
                s.len()
            ));
        }
        if d != DYNAMIC && s.iter().sum::<i64>() != d {
            return err(format!("Split sizes {s:?} do not add up to {d}"));
        }
        return Ok(s.to_vec());
    }
    if num_outputs == 0 {
        return err("Split needs at least one output");
    }
    if d == DYNAMIC {
        return Ok(vec![DYNAMIC; num_outputs]);
    }
    // Equal parts, the last one smaller (opset 18 semantics).
    let n = num_outputs as i64;
    let part = (d + n - 1) / n;
    let mut v = vec![part; num_outputs];
    let last = d - part * (n - 1);
    if last < 0 {
        return err(format!("Split cannot cut {d} into {n} parts"));
    }
    v[num_outputs - 1] = last;
    Ok(v)
}

fn infer_known(
    ctx: &Context,
    op: &str,
    shapes: &[&[i64]],
    elems: &[Type],
    consts: &[Option<Attr>],
    get: AttrLookup<'_>,
) -> Result<Vec<Inferred>, ShapeError> {
    let i64t = ctx
        .lookup_integer_type(64)
        .ok_or_else(|| ShapeError("i64 is not interned".into()))?;
    let s0 = shapes[0];
    let e0 = elems[0];
    let rank = s0.len();
    let n = shapes.len();
    Ok(match op {
        "Shape" => {
            let (a, b) = shape_range(ctx, get, rank)?;
            vec![(vec![(b - a) as i64], i64t)]
        }
        "Size" => vec![(vec![], i64t)],
        // How many elements are non-zero, or boxes selected, depends on
        // the data: a run-time extent bounded by the element (box) count.
        "NonZero" => vec![(vec![rank as i64, DYNAMIC], i64t)],
        "NonMaxSuppression" => {
            if rank != 3 || shapes[1].len() != 3 {
                return err("NonMaxSuppression needs 3-D boxes and scores");
            }
            if s0[2] != 4 && s0[2] != DYNAMIC {
                return err("NonMaxSuppression's boxes must have 4 coordinates");
            }
            vec![(vec![DYNAMIC, 3], i64t)]
        }
        "ConstantOfShape" => {
            let elem = get("value")
                .and_then(|a| ctx.attr_type(a))
                .map(|t| ctx.element_type(t))
                .or_else(|| ctx.lookup_type(&TypeKind::Float(dlc_ir::types::FloatKind::F32)))
                .ok_or_else(|| ShapeError("f32 is not interned".into()))?;
            if s0.len() != 1 {
                return err("ConstantOfShape's input must be 1-D");
            }
            match const_operand(ctx, consts, 0) {
                Some(dims) => {
                    if dims.iter().any(|&d| d < 0) {
                        return err(format!("ConstantOfShape to negative dims {dims:?}"));
                    }
                    vec![(dims, elem)]
                }
                None if s0[0] != DYNAMIC => vec![(vec![DYNAMIC; s0[0] as usize], elem)],
                None => return err("ConstantOfShape needs a static-length shape operand"),
            }
        }
        "Unsqueeze" => {
            let Ok(axes) = operand_or_attr(ctx, consts, n, 1, get, "axes") else {
                let k = shapes[1].first().copied().unwrap_or(DYNAMIC);
                if k == DYNAMIC {
                    return err("Unsqueeze needs a static-length axes operand");
                }
                return Ok(vec![(vec![DYNAMIC; rank + k as usize], e0)]);
            };
            let axes = axes.ok_or_else(|| ShapeError("Unsqueeze needs axes".into()))?;
            let out_rank = rank + axes.len();
            let mut norm: Vec<usize> = axes
                .iter()
                .map(|&a| norm_axis(a, out_rank))
                .collect::<Result<_, _>>()?;
            norm.sort_unstable();
            if norm.windows(2).any(|w| w[0] == w[1]) {
                return err("Unsqueeze axes must be unique");
            }
            let mut out = Vec::with_capacity(out_rank);
            let mut it = s0.iter();
            for i in 0..out_rank {
                if norm.contains(&i) {
                    out.push(1);
                } else {
                    out.push(*it.next().unwrap_or(&1));
                }
            }
            vec![(out, e0)]
        }
        "Squeeze" => {
            let axes = match operand_or_attr(ctx, consts, n, 1, get, "axes") {
                Ok(a) => a,
                // Axes known at run time: only the result's rank is.
                Err(()) => match shapes[1].first() {
                    Some(&k) if k != DYNAMIC && (k as usize) <= rank => {
                        return Ok(vec![(vec![DYNAMIC; rank - k as usize], e0)]);
                    }
                    _ => return err("Squeeze needs axes of a static length"),
                },
            };
            let out = match axes {
                None => {
                    if s0.contains(&DYNAMIC) {
                        return err("Squeeze without axes needs a static input shape");
                    }
                    s0.iter().copied().filter(|&d| d != 1).collect()
                }
                Some(axes) => {
                    let norm: Vec<usize> = axes
                        .iter()
                        .map(|&a| norm_axis(a, rank))
                        .collect::<Result<_, _>>()?;
                    for &a in &norm {
                        if s0[a] != 1 && s0[a] != DYNAMIC {
                            return err(format!("Squeeze axis {a} has extent {}", s0[a]));
                        }
                    }
                    s0.iter()
                        .enumerate()
                        .filter(|(i, _)| !norm.contains(i))
                        .map(|(_, &d)| d)
                        .collect()
                }
            };
            vec![(out, e0)]
        }
        "Expand" => {
            if n != 2 || shapes[1].len() != 1 {
                return err("Expand takes the input and a 1-D shape");
            }
            match const_operand(ctx, consts, 1) {
                Some(target) => {
                    let t: &[i64] = &target;
                    vec![(crate::shape::broadcast(&[s0, t])?, e0)]
                }
                None if shapes[1][0] != DYNAMIC => {
                    let r = (shapes[1][0] as usize).max(rank);
                    vec![(vec![DYNAMIC; r], e0)]
                }
                None => return err("Expand needs a static-length shape operand"),
            }
        }
        "Slice" => {
            let got = |k: usize, name: &str| operand_or_attr(ctx, consts, n, k, get, name);
            let (Ok(starts), Ok(ends), Ok(axes), Ok(steps)) = (
                got(1, "starts"),
                got(2, "ends"),
                got(3, "axes"),
                if n > 4 {
                    const_operand(ctx, consts, 4).map(Some).ok_or(())
                } else {
                    Ok(None)
                },
            ) else {
                // Some operand is not constant: sliced axes are unknown.
                return Ok(vec![(vec![DYNAMIC; rank], e0)]);
            };
            let (Some(starts), Some(ends)) = (starts, ends) else {
                return err("Slice needs starts and ends");
            };
            let p = slice_params(s0, &starts, &ends, axes.as_deref(), steps.as_deref())?;
            vec![(p.iter().map(|t| t.2).collect(), e0)]
        }
        "Gather" => {
            let axis = norm_axis(int_attr(ctx, get, "axis", 0)?, rank)?;
            let mut out = s0[..axis].to_vec();
            out.extend_from_slice(shapes[1]);
            out.extend_from_slice(&s0[axis + 1..]);
            vec![(out, e0)]
        }
        "GatherElements" => {
            norm_axis(int_attr(ctx, get, "axis", 0)?, rank)?;
            if shapes[1].len() != rank {
                return err("GatherElements' indices must have the data's rank");
            }
            vec![(shapes[1].to_vec(), e0)]
        }
        "GatherND" => {
            let b = int_attr(ctx, get, "batch_dims", 0)? as usize;
            let is = shapes[1];
            let Some(&last) = is.last() else {
                return err("GatherND's indices must have rank >= 1");
            };
            if last == DYNAMIC {
                return err("GatherND needs a static last indices dimension");
            }
            let last = last as usize;
            if b + last > rank || b >= is.len() {
                return err("GatherND's indices do not fit the data");
            }
            let mut out = is[..is.len() - 1].to_vec();
            out.extend_from_slice(&s0[b + last..]);
            vec![(out, e0)]
        }
        "Range" => {
            // Scalars per the spec; one-element 1-D tensors are accepted as
            // onnxruntime and the reference accept them (ONNX's own
            // AffineGrid function passes them).
            if n != 3 || shapes.iter().any(|s| !s.is_empty() && *s != [1]) {
                return err("Range takes three scalars");
            }
            let f = |k: usize| consts[k].and_then(|a| first_f64(ctx, a));
            match (f(0), f(1), f(2)) {
                (Some(s), Some(l), Some(d)) => {
                    if d == 0.0 {
                        return err("Range's delta must not be 0");
                    }
                    let count = ((l - s) / d).ceil().max(0.0) as i64;
                    vec![(vec![count], e0)]
                }
                _ => vec![(vec![DYNAMIC], e0)],
            }
        }
        "Tile" => {
            if n != 2 || shapes[1] != [rank as i64] {
                return err("Tile's repeats must be 1-D with one entry per dimension");
            }
            match const_operand(ctx, consts, 1) {
                Some(r) => vec![(
                    s0.iter()
                        .zip(&r)
                        .map(|(&d, &k)| if d == DYNAMIC { DYNAMIC } else { d * k })
                        .collect(),
                    e0,
                )],
                None => vec![(vec![DYNAMIC; rank], e0)],
            }
        }
        "Pad" => {
            let pads = if n > 1 {
                const_operand(ctx, consts, 1)
            } else {
                ints_attr(ctx, get, "pads")?
            };
            let axes = if n > 3 {
                match const_operand(ctx, consts, 3) {
                    Some(a) => Some(a),
                    None => return Ok(vec![(vec![DYNAMIC; rank], e0)]),
                }
            } else {
                None
            };
            let Some(pads) = pads else {
                return Ok(vec![(vec![DYNAMIC; rank], e0)]);
            };
            let axes: Vec<usize> = match axes {
                Some(a) => a
                    .iter()
                    .map(|&x| norm_axis(x, rank))
                    .collect::<Result<_, _>>()?,
                None => (0..rank).collect(),
            };
            if pads.len() != 2 * axes.len() {
                return err(format!(
                    "Pad needs {} pads, got {}",
                    2 * axes.len(),
                    pads.len()
                ));
            }
            let mut out = s0.to_vec();
            for (i, &a) in axes.iter().enumerate() {
                if out[a] != DYNAMIC {
                    out[a] += pads[i] + pads[i + axes.len()];
                    if out[a] < 0 {
                        return err("Pad removes more than the dimension holds");
                    }
                }
            }
            vec![(out, e0)]
        }
        "Trilu" => {
            if rank < 2 {
                return err("Trilu needs rank >= 2");
            }
            vec![(s0.to_vec(), e0)]
        }
        "DepthToSpace" | "SpaceToDepth" => {
            let b = int_attr(ctx, get, "blocksize", 0)?;
            if rank != 4 || b < 1 {
                return err(format!("{op} needs a 4-D input and blocksize >= 1"));
            }
            let (nn, c, h, w) = (s0[0], s0[1], s0[2], s0[3]);
            let dy = |d: i64, f: i64, mul: bool| {
                if d == DYNAMIC {
                    DYNAMIC
                } else if mul {
                    d * f
                } else {
                    d / f
                }
            };
            if op == "DepthToSpace" {
                if c != DYNAMIC && c % (b * b) != 0 {
                    return err("DepthToSpace's channels must be a multiple of blocksize^2");
                }
                vec![(
                    vec![nn, dy(c, b * b, false), dy(h, b, true), dy(w, b, true)],
                    e0,
                )]
            } else {
                if (h != DYNAMIC && h % b != 0) || (w != DYNAMIC && w % b != 0) {
                    return err("SpaceToDepth's height and width must be multiples of blocksize");
                }
                vec![(
                    vec![nn, dy(c, b * b, true), dy(h, b, false), dy(w, b, false)],
                    e0,
                )]
            }
        }
        "OneHot" => {
            let out_rank = rank + 1;
            let axis = norm_axis(int_attr(ctx, get, "axis", -1)?, out_rank)?;
            let depth = consts[1].and_then(|a| first_f64(ctx, a));
            let d = depth.map_or(DYNAMIC, |d| d as i64);
            let mut out = s0.to_vec();
            out.insert(axis, d);
            vec![(out, elems[2])]
        }
        "CumSum" | "CumProd" | "LRN" => vec![(s0.to_vec(), e0)],
        "TensorScatter" => {
            let axis = norm_axis(int_attr(ctx, get, "axis", -2)?, rank)?;
            let u = shapes[1];
            if u.len() != rank || (0..rank).any(|d| d != axis && u[d] != s0[d]) || elems[1] != e0 {
                return err("TensorScatter's update must match the cache except on the axis");
            }
            vec![(s0.to_vec(), e0)]
        }
        "AffineGrid" => {
            if rank != 3 {
                return err("AffineGrid's theta must be (N, k, k + 1)");
            }
            let k = s0[1];
            match const_operand(ctx, consts, 1) {
                Some(sz) if sz.len() as i64 == k + 2 => {
                    let mut out = vec![sz[0]];
                    out.extend_from_slice(&sz[2..]);
                    out.push(k);
                    vec![(out, e0)]
                }
                Some(_) => return err("AffineGrid's size must be (N, C, spatial...)"),
                None => vec![(vec![DYNAMIC; (k + 2).max(0) as usize], e0)],
            }
        }
        "GridSample" => {
            let g = shapes[1];
            if rank < 3 || g.len() != rank || g[rank - 1] != (rank - 2) as i64 {
                return err("GridSample needs X (N, C, D...) and grid (N, O..., rank - 2)");
            }
            let mut out = vec![s0[0], s0[1]];
            out.extend_from_slice(&g[1..rank - 1]);
            vec![(out, e0)]
        }
        "HannWindow" | "HammingWindow" | "BlackmanWindow" => {
            let dt = get("output_datatype")
                .and_then(|a| ctx.int_value(a))
                .unwrap_or(1) as i64;
            let t = crate::elementwise::onnx_elem_type(ctx, dt)
                .ok_or_else(|| ShapeError(format!("{op}: unsupported output_datatype {dt}")))?;
            let size = consts[0]
                .and_then(|a| first_f64(ctx, a))
                .map_or(DYNAMIC, |v| v as i64);
            vec![(vec![size], t)]
        }
        "MelWeightMatrix" => {
            let dt = get("output_datatype")
                .and_then(|a| ctx.int_value(a))
                .unwrap_or(1) as i64;
            let t = crate::elementwise::onnx_elem_type(ctx, dt)
                .ok_or_else(|| ShapeError(format!("{op}: unsupported output_datatype {dt}")))?;
            let scalar = |k: usize| {
                consts
                    .get(k)
                    .copied()
                    .flatten()
                    .and_then(|a| first_f64(ctx, a))
            };
            let bins = scalar(1).map_or(DYNAMIC, |d| d as i64 / 2 + 1);
            let mels = scalar(0).map_or(DYNAMIC, |m| m as i64);
            vec![(vec![bins, mels], t)]
        }
        "ConvTranspose" => {
            let (xs, ws) = (s0, shapes[1]);
            if xs.len() < 3 || ws.len() != xs.len() {
                return err("ConvTranspose needs X and W of one rank >= 3");
            }
            let g = int_attr(ctx, get, "group", 1)?;
            let (_, outs) = conv_transpose_geometry(ctx, get, xs, ws)?;
            let mut out = vec![xs[0], ws[1] * g];
            out.extend(outs);
            vec![(out, e0)]
        }
        "GlobalMaxPool" => {
            if rank < 3 {
                return err("GlobalMaxPool needs rank >= 3");
            }
            let mut out = s0.to_vec();
            for d in &mut out[2..] {
                *d = 1;
            }
            vec![(out, e0)]
        }
        "EyeLike" => {
            if rank != 2 {
                return err("EyeLike needs a 2-D input");
            }
            let t = match get("dtype").and_then(|a| ctx.int_value(a)) {
                Some(dt) => {
                    crate::elementwise::onnx_elem_type(ctx, dt as i64).ok_or_else(|| {
                        ShapeError(format!("EyeLike to ONNX data type {dt} is not supported"))
                    })?
                }
                None => e0,
            };
            vec![(s0.to_vec(), t)]
        }
        "CenterCropPad" => {
            let axes: Vec<usize> = match ints_attr(ctx, get, "axes")? {
                Some(a) => a
                    .iter()
                    .map(|&x| norm_axis(x, rank))
                    .collect::<Result<_, _>>()?,
                None => (0..rank).collect(),
            };
            match const_operand(ctx, consts, 1) {
                Some(sh) if sh.len() == axes.len() => {
                    let mut out = s0.to_vec();
                    for (&a, &d) in axes.iter().zip(&sh) {
                        out[a] = d;
                    }
                    vec![(out, e0)]
                }
                Some(_) => return err("CenterCropPad needs one size per axis"),
                None => vec![(vec![DYNAMIC; rank], e0)],
            }
        }
        "Upsample" => {
            let sc: Option<Vec<f64>> = if n > 1 {
                consts[1].and_then(|a| dlc_ir::dense::dense_values_f64(ctx, a))
            } else {
                get("scales")
                    .and_then(|a| ctx.array_value(a))
                    .map(|v| v.iter().filter_map(|&x| ctx.float_value(x)).collect())
            };
            match sc {
                Some(sc) if sc.len() == rank => vec![(
                    s0.iter()
                        .zip(&sc)
                        .map(|(&d, &s)| {
                            if d == DYNAMIC {
                                DYNAMIC
                            } else {
                                (d as f64 * s) as i64
                            }
                        })
                        .collect(),
                    e0,
                )],
                Some(_) => return err("Upsample needs one scale per dimension"),
                None => vec![(vec![DYNAMIC; rank], e0)],
            }
        }
        "Einsum" => {
            let eq = get("equation")
                .and_then(|a| ctx.string_value(a))
                .ok_or_else(|| ShapeError("Einsum needs an 'equation'".into()))?;
            let (_, shape) = einsum_normalize(eq, shapes)?;
            if elems.iter().any(|&e| e != e0) {
                return err("Einsum's inputs must have one element type");
            }
            vec![(shape, e0)]
        }
        "ScatterElements" | "Scatter" | "ScatterND" => {
            if n != 3 || elems[2] != e0 {
                return err(format!("{op} takes data, indices and same-typed updates"));
            }
            vec![(s0.to_vec(), e0)]
        }
        "TopK" => {
            let axis = norm_axis(int_attr(ctx, get, "axis", -1)?, rank)?;
            let i64t = ctx
                .lookup_integer_type(64)
                .ok_or_else(|| ShapeError("i64 is not interned".into()))?;
            let mut out = s0.to_vec();
            out[axis] = match const_operand(ctx, consts, 1) {
                Some(k) if k.len() == 1 => {
                    if k[0] < 0 || (s0[axis] != DYNAMIC && k[0] > s0[axis]) {
                        return err(format!("TopK's k = {} is out of range", k[0]));
                    }
                    k[0]
                }
                Some(_) => return err("TopK's K must hold one value"),
                None => DYNAMIC,
            };
            vec![(out.clone(), e0), (out, i64t)]
        }
        "Resize" => match resize_plan(ctx, s0, consts, n, get)? {
            Some((_, out)) => vec![(out, e0)],
            None => vec![(vec![DYNAMIC; rank], e0)],
        },
        _ => return err(format!("no shape inference for {op}")),
    })
}

/// An Einsum equation made explicit for `shapes`: every dimension gets one
/// label character (the ellipsis' dimensions the digits `0`-`9`, aligned
/// from the right as in broadcasting), and the output is spelled out
/// (implicit mode: the ellipsis, then the labels used once, sorted).
/// Returns the normalised `in0,in1->out` and the output shape.
pub fn einsum_normalize(eq: &str, shapes: &[&[i64]]) -> Result<(String, Vec<i64>), ShapeError> {
    let eq: String = eq.chars().filter(|c| !c.is_whitespace()).collect();
    let (lhs, rhs) = match eq.split_once("->") {
        Some((l, r)) => (l.to_string(), Some(r.to_string())),
        None => (eq.clone(), None),
    };
    let terms: Vec<&str> = lhs.split(',').collect();
    if terms.len() != shapes.len() {
        return err(format!(
            "Einsum equation has {} inputs, the op {}",
            terms.len(),
            shapes.len()
        ));
    }
    let mut ell_rank = 0usize;
    let mut expanded: Vec<Vec<char>> = Vec::new();
    for (t, s) in terms.iter().zip(shapes) {
        let letters = t.replace("...", "");
        if letters.chars().any(|c| !c.is_ascii_alphabetic()) {
            return err(format!(
                "Einsum term '{t}' has a label that is not a letter"
            ));
        }
        let n = letters.chars().count();
        let has_ell = t.contains("...");
        if (!has_ell && n != s.len()) || n > s.len() {
            return err(format!("Einsum term '{t}' does not match rank {}", s.len()));
        }
        let er = s.len() - n;
        ell_rank = ell_rank.max(er);
        let mut v = Vec::new();
        let (pre, post) = t.split_once("...").unwrap_or((t, ""));
        v.extend(pre.chars());
        for k in 0..er {
            v.push(char::from(b'0' + (10 - er + k) as u8));
        }
        if has_ell {
            v.extend(post.chars());
        }
        expanded.push(v);
    }
    if ell_rank > 10 {
        return err("Einsum ellipsis covers more than 10 dimensions");
    }
    let ell: Vec<char> = (0..ell_rank)
        .map(|k| char::from(b'0' + (10 - ell_rank + k) as u8))
        .collect();
    let out: Vec<char> = match rhs {
        Some(r) => {
            let mut v = Vec::new();
            let (pre, post) = r.split_once("...").unwrap_or((&r, ""));
            v.extend(pre.chars());
            if r.contains("...") {
                v.extend(ell.iter());
                v.extend(post.chars());
            }
            v
        }
        None => {
            let mut count = std::collections::BTreeMap::new();
            for c in expanded
                .iter()
                .flatten()
                .filter(|c| c.is_ascii_alphabetic())
            {
                *count.entry(*c).or_insert(0) += 1;
            }
            let mut v = ell.clone();
            v.extend(count.into_iter().filter(|(_, n)| *n == 1).map(|(c, _)| c));
            v
        }
    };
    // Label sizes (1 broadcasts).
    let mut size = std::collections::HashMap::new();
    for (v, s) in expanded.iter().zip(shapes) {
        for (&c, &d) in v.iter().zip(s.iter()) {
            let e = size.entry(c).or_insert(d);
            if *e == 1 || *e == DYNAMIC {
                *e = d;
            } else if d != 1 && d != DYNAMIC && d != *e {
                return err(format!("Einsum label '{c}' has sizes {e} and {d}"));
            }
        }
    }
    let mut shape = Vec::new();
    for c in &out {
        shape.push(
            *size.get(c).ok_or_else(|| {
                ShapeError(format!("Einsum output label '{c}' is not an input's"))
            })?,
        );
    }
    let ins: Vec<String> = expanded.iter().map(|v| v.iter().collect()).collect();
    let o: String = out.iter().collect();
    Ok((format!("{}->{o}", ins.join(",")), shape))
}

/// ConvTranspose's padding before each spatial dimension and output sizes
/// (explicit pads, auto_pad SAME_*, output_padding, output_shape), as the
/// ONNX reference computes them.
pub fn conv_transpose_geometry(
    ctx: &Context,
    get: AttrLookup<'_>,
    xs: &[i64],
    ws: &[i64],
) -> Result<(Vec<i64>, Vec<i64>), ShapeError> {
    let n = xs.len() - 2;
    let list = |name: &str, d: i64| -> Result<Vec<i64>, ShapeError> {
        Ok(ints_attr(ctx, get, name)?.unwrap_or_else(|| vec![d; n]))
    };
    let strides = list("strides", 1)?;
    let dil = list("dilations", 1)?;
    let kernel = ints_attr(ctx, get, "kernel_shape")?.unwrap_or_else(|| ws[2..].to_vec());
    let op = list("output_padding", 0)?;
    let out_shape = ints_attr(ctx, get, "output_shape")?;
    let auto = get("auto_pad")
        .and_then(|a| ctx.string_value(a))
        .unwrap_or("NOTSET")
        .to_string();
    if strides.len() != n || dil.len() != n || kernel.len() != n || op.len() < n {
        return err(
            "ConvTranspose's strides, dilations, kernel and output_padding need one entry per spatial dimension",
        );
    }
    if xs[2..].contains(&DYNAMIC) {
        return Ok((vec![0; n], vec![DYNAMIC; n]));
    }
    let full = |i: usize| strides[i] * (xs[i + 2] - 1) + op[i] + ((kernel[i] - 1) * dil[i] + 1);
    let mut begin = vec![0i64; n];
    let mut outs = vec![0i64; n];
    if auto == "SAME_UPPER" || auto == "SAME_LOWER" {
        for i in 0..n {
            let o = out_shape.as_ref().map_or(xs[i + 2] * strides[i], |s| s[i]);
            let total = full(i) - o;
            begin[i] = if auto == "SAME_UPPER" {
                total / 2
            } else {
                total - total / 2
            };
            outs[i] = o;
        }
    } else {
        let pads = ints_attr(ctx, get, "pads")?.unwrap_or_else(|| vec![0; 2 * n]);
        if pads.len() != 2 * n {
            return err("ConvTranspose's pads need two entries per spatial dimension");
        }
        for i in 0..n {
            begin[i] = pads[i];
            outs[i] = match &out_shape {
                Some(s) => s[i],
                None => full(i) - pads[i] - pads[i + n],
            };
        }
    }
    if outs.iter().any(|&o| o < 1) {
        return err(format!(
            "ConvTranspose output sizes {outs:?} are not positive"
        ));
    }
    Ok((begin, outs))
}
