//! The reduction, arg-reduction, softmax-family and normalization ONNX
//! operators: `onnx.ReduceSum` ... `onnx.ReduceSumSquare` (axes as an
//! attribute before opset 13/18, as an optional second operand after),
//! `onnx.ArgMax`/`onnx.ArgMin` (i64 results), `onnx.LogSoftmax` and
//! `onnx.Hardmax` (opset-13 axis meaning; the importer rewrites older
//! opsets), and the normalizations (LayerNormalization with its optional
//! Mean/InvStdDev results, RMSNormalization, InstanceNormalization,
//! GroupNormalization, LpNormalization, MeanVarianceNormalization).
//! [`infer`] gives their result shapes and element types.

use crate::elementwise::onnx_elem_type;
use crate::ops::{
    ANY_TENSOR, AttrLookup, FLOAT_ATTR, INT_ATTR, INTS_ATTR, Inferred, const_ints, ints_value,
    verify_op,
};
use crate::shape::{ShapeError, norm_axis};
use dlc_ir::types::DYNAMIC;
use dlc_ir::{Attr, Context, Type, TypeKind};

const COMPUTE_FORMAT: &str = "operands attr-dict `:` functional-type(operands, results)";

macro_rules! reduce_ops {
    ($($ty:ident, $name:literal, $summary:literal;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [data: ANY_TENSOR, axes_input[optional]: ANY_TENSOR],
                results: [reduced: ANY_TENSOR],
                attributes: [
                    axes[optional]: INTS_ATTR,
                    keepdims[optional]: INT_ATTR,
                    noop_with_empty_axes[optional]: INT_ATTR,
                ],
                traits: PURE,
                format: COMPUTE_FORMAT,
                verify: verify_op,
            }
        }
    )*};
}

reduce_ops! {
    ReduceSumOp, "onnx.ReduceSum", "ONNX ReduceSum";
    ReduceMeanOp, "onnx.ReduceMean", "ONNX ReduceMean";
    ReduceMaxOp, "onnx.ReduceMax", "ONNX ReduceMax";
    ReduceMinOp, "onnx.ReduceMin", "ONNX ReduceMin";
    ReduceProdOp, "onnx.ReduceProd", "ONNX ReduceProd";
    ReduceL1Op, "onnx.ReduceL1", "ONNX ReduceL1: sum of absolute values";
    ReduceL2Op, "onnx.ReduceL2", "ONNX ReduceL2: square root of the sum of squares";
    ReduceLogSumOp, "onnx.ReduceLogSum", "ONNX ReduceLogSum: log of the sum";
    ReduceLogSumExpOp, "onnx.ReduceLogSumExp", "ONNX ReduceLogSumExp: log of the sum of exponentials";
    ReduceSumSquareOp, "onnx.ReduceSumSquare", "ONNX ReduceSumSquare";
}

macro_rules! arg_ops {
    ($($ty:ident, $name:literal, $summary:literal;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [data: ANY_TENSOR],
                results: [reduced: ANY_TENSOR],
                attributes: [
                    axis[optional]: INT_ATTR,
                    keepdims[optional]: INT_ATTR,
                    select_last_index[optional]: INT_ATTR,
                ],
                traits: PURE,
                format: COMPUTE_FORMAT,
                verify: verify_op,
            }
        }
    )*};
}

arg_ops! {
    ArgMaxOp, "onnx.ArgMax", "ONNX ArgMax: index of the largest element along an axis (i64)";
    ArgMinOp, "onnx.ArgMin", "ONNX ArgMin: index of the smallest element along an axis (i64)";
}

macro_rules! axis_ops {
    ($($ty:ident, $name:literal, $summary:literal;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [input: ANY_TENSOR],
                results: [output: ANY_TENSOR],
                attributes: [axis[optional]: INT_ATTR],
                traits: PURE,
                format: COMPUTE_FORMAT,
                verify: verify_op,
            }
        }
    )*};
}

axis_ops! {
    LogSoftmaxOp, "onnx.LogSoftmax", "ONNX LogSoftmax along `axis` (default -1, opset 13)";
    HardmaxOp, "onnx.Hardmax", "ONNX Hardmax: one-hot of the first maximum along `axis`";
}

dlc_ir::define_op! {
    /// Layer normalization over the dimensions from `axis` on; the optional
    /// results are the mean and the inverse standard deviation.
    pub struct LayerNormalizationOp = "onnx.LayerNormalization" {
        summary: "ONNX LayerNormalization",
        operands: [X: ANY_TENSOR, Scale: ANY_TENSOR, B[optional]: ANY_TENSOR],
        results: [Y: ANY_TENSOR, Mean[optional]: ANY_TENSOR, InvStdDev[optional]: ANY_TENSOR],
        attributes: [axis[optional]: INT_ATTR, epsilon[optional]: FLOAT_ATTR, stash_type[optional]: INT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// Root-mean-square normalization over the dimensions from `axis` on.
    pub struct RMSNormalizationOp = "onnx.RMSNormalization" {
        summary: "ONNX RMSNormalization",
        operands: [X: ANY_TENSOR, scale: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        attributes: [axis[optional]: INT_ATTR, epsilon[optional]: FLOAT_ATTR, stash_type[optional]: INT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// Per-instance, per-channel normalization over the spatial dimensions.
    pub struct InstanceNormalizationOp = "onnx.InstanceNormalization" {
        summary: "ONNX InstanceNormalization",
        operands: [input: ANY_TENSOR, scale: ANY_TENSOR, B: ANY_TENSOR],
        results: [output: ANY_TENSOR],
        attributes: [epsilon[optional]: FLOAT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// Normalization over groups of channels; scale and bias are per
    /// channel (opset 21) or per group (opset 18).
    pub struct GroupNormalizationOp = "onnx.GroupNormalization" {
        summary: "ONNX GroupNormalization",
        operands: [X: ANY_TENSOR, scale: ANY_TENSOR, bias: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        attributes: [epsilon[optional]: FLOAT_ATTR, num_groups: INT_ATTR, stash_type[optional]: INT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// Division by the L1 or L2 norm along `axis`.
    pub struct LpNormalizationOp = "onnx.LpNormalization" {
        summary: "ONNX LpNormalization",
        operands: [input: ANY_TENSOR],
        results: [output: ANY_TENSOR],
        attributes: [axis[optional]: INT_ATTR, p[optional]: INT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// `(X - mean) / (std + 1e-9)` over `axes` (default `[0, 2, 3]`).
    pub struct MeanVarianceNormalizationOp = "onnx.MeanVarianceNormalization" {
        summary: "ONNX MeanVarianceNormalization",
        operands: [X: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        attributes: [axes[optional]: INTS_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

/// Every op of this module.
pub const OPS: &[&dlc_ir::OpDef] = &[
    &ReduceSumOp::DEF,
    &ReduceMeanOp::DEF,
    &ReduceMaxOp::DEF,
    &ReduceMinOp::DEF,
    &ReduceProdOp::DEF,
    &ReduceL1Op::DEF,
    &ReduceL2Op::DEF,
    &ReduceLogSumOp::DEF,
    &ReduceLogSumExpOp::DEF,
    &ReduceSumSquareOp::DEF,
    &ArgMaxOp::DEF,
    &ArgMinOp::DEF,
    &LogSoftmaxOp::DEF,
    &HardmaxOp::DEF,
    &LayerNormalizationOp::DEF,
    &RMSNormalizationOp::DEF,
    &InstanceNormalizationOp::DEF,
    &GroupNormalizationOp::DEF,
    &LpNormalizationOp::DEF,
    &MeanVarianceNormalizationOp::DEF,
];

/// The reduced axes of a Reduce* op, in increasing order and without
/// repeats: `Some(vec![])` when nothing is reduced (empty axes with
/// `noop_with_empty_axes`), `None` when the axes are a runtime operand.
pub fn reduce_axes(
    ctx: &Context,
    rank: usize,
    axes_operand: Option<(&[i64], Option<Attr>)>,
    get: AttrLookup<'_>,
) -> Result<Option<Vec<usize>>, ShapeError> {
    let noop = int_attr(ctx, get, "noop_with_empty_axes", 0)? != 0;
    let axes: Vec<i64> = match axes_operand {
        Some((shape, value)) => match value.and_then(|a| const_ints(ctx, a)) {
            Some(v) => v,
            None if shape == [0] => Vec::new(),
            None => return Ok(None),
        },
        None => match get("axes") {
            Some(a) => ints_value(ctx, a).ok_or_else(|| {
                ShapeError("attribute 'axes' must be an array of integers".into())
            })?,
            None => Vec::new(),
        },
    };
    if axes.is_empty() {
        return Ok(Some(if noop {
            Vec::new()
        } else {
            (0..rank).collect()
        }));
    }
    let mut out = Vec::with_capacity(axes.len());
    for a in axes {
        let a = norm_axis(a, rank, false)?;
        if out.contains(&a) {
            return Err(ShapeError(format!("axis {a} is repeated")));
        }
        out.push(a);
    }
    out.sort_unstable();
    Ok(Some(out))
}

/// The shape of `x` reduced over `axes`.
pub fn reduced_shape(x: &[i64], axes: &[usize], keepdims: bool) -> Vec<i64> {
    x.iter()
        .enumerate()
        .filter_map(|(d, &s)| match (axes.contains(&d), keepdims) {
            (false, _) => Some(s),
            (true, true) => Some(1),
            (true, false) => None,
        })
        .collect()
}

fn int_attr(
    ctx: &Context,
    get: AttrLookup<'_>,
    name: &str,
    default: i64,
) -> Result<i64, ShapeError> {
    match get(name) {
        None => Ok(default),
        Some(a) => ctx
            .int_value(a)
            .and_then(|v| i64::try_from(v).ok())
            .ok_or_else(|| ShapeError(format!("attribute '{name}' must be an integer"))),
    }
}

fn err<T>(m: impl Into<String>) -> Result<T, ShapeError> {
    Err(ShapeError(m.into()))
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
    let full = format!("onnx.{op}");
    if !OPS.iter().any(|d| d.name == full) {
        return None;
    }
    Some(infer_known(ctx, op, shapes, elems, consts, get))
}

fn infer_known(
    ctx: &Context,
    op: &str,
    shapes: &[&[i64]],
    elems: &[Type],
    consts: &[Option<Attr>],
    get: AttrLookup<'_>,
) -> Result<Vec<Inferred>, ShapeError> {
    let x = shapes[0];
    let e0 = elems[0];
    let kind = ctx.type_kind(e0).clone();
    let is_float = matches!(kind, TypeKind::Float(_));
    let is_bool = matches!(kind, TypeKind::Integer { width: 1, .. });
    let need = |lo: usize, hi: usize| -> Result<(), ShapeError> {
        if shapes.len() < lo || shapes.len() > hi {
            return err(format!(
                "{op} expects {lo} to {hi} operands, got {}",
                shapes.len()
            ));
        }
        Ok(())
    };
    let want = |ok: bool, what: &str| -> Result<(), ShapeError> {
        if ok {
            Ok(())
        } else {
            err(format!("{op} expects {what} elements"))
        }
    };
    let same = |n: usize| -> Result<(), ShapeError> {
        if elems[..n].iter().any(|&e| e != e0) {
            return err(format!("operands of {op} must have the same element type"));
        }
        Ok(())
    };
    let rank = x.len();
    Ok(match op {
        "ArgMax" | "ArgMin" => {
            need(1, 1)?;
            let axis = norm_axis(int_attr(ctx, get, "axis", 0)?, rank, false)?;
            let keep = int_attr(ctx, get, "keepdims", 1)? != 0;
            let i64t = ctx
                .lookup_integer_type(64)
                .ok_or_else(|| ShapeError("i64 is not interned".into()))?;
            vec![(reduced_shape(x, &[axis], keep), i64t)]
        }
        "LogSoftmax" | "Hardmax" => {
            need(1, 1)?;
            want(is_float, "floating-point")?;
            norm_axis(int_attr(ctx, get, "axis", -1)?, rank, false)?;
            vec![(x.to_vec(), e0)]
        }
        "LayerNormalization" | "RMSNormalization" => {
            need(2, if op == "RMSNormalization" { 2 } else { 3 })?;
            want(is_float, "floating-point")?;
            same(shapes.len())?;
            let axis = norm_axis(int_attr(ctx, get, "axis", -1)?, rank, false)?;
            for s in &shapes[1..] {
                if !crate::shape::broadcast(&[x, s]).is_ok_and(|b| b == x) {
                    return err(format!("{op}'s scale and bias must broadcast to {x:?}"));
                }
            }
            if op == "RMSNormalization" {
                return Ok(vec![(x.to_vec(), e0)]);
            }
            let stash = int_attr(ctx, get, "stash_type", 1)?;
            let u = onnx_elem_type(ctx, stash)
                .filter(|t| matches!(ctx.type_kind(*t), TypeKind::Float(_)))
                .ok_or_else(|| ShapeError(format!("unsupported stash_type {stash}")))?;
            let mut ms = x[..axis].to_vec();
            ms.resize(rank, 1);
            vec![(x.to_vec(), e0), (ms.clone(), u), (ms, u)]
        }
        "InstanceNormalization" | "GroupNormalization" => {
            need(3, 3)?;
            want(is_float, "floating-point")?;
            same(3)?;
            if rank < 2 {
                return err(format!("{op} expects an input of rank >= 2"));
            }
            let c = x[1];
            let ok =
                |s: &[i64], n: i64| s.len() == 1 && (s[0] == n || s[0] == DYNAMIC || n == DYNAMIC);
            if op == "GroupNormalization" {
                let g = int_attr(ctx, get, "num_groups", 0)?;
                if g <= 0 || (c != DYNAMIC && c % g != 0) {
                    return err(format!("num_groups {g} must divide the {c} channels"));
                }
                for s in &shapes[1..] {
                    if !ok(s, c) && !ok(s, g) {
                        return err(
                            "GroupNormalization's scale and bias must have C or num_groups elements",
                        );
                    }
                }
            } else {
                for s in &shapes[1..] {
                    if !ok(s, c) {
                        return err("InstanceNormalization's scale and B must have C elements");
                    }
                }
            }
            vec![(x.to_vec(), e0)]
        }
        "LpNormalization" => {
            need(1, 1)?;
            want(is_float, "floating-point")?;
            norm_axis(int_attr(ctx, get, "axis", -1)?, rank, false)?;
            let p = int_attr(ctx, get, "p", 2)?;
            if p != 1 && p != 2 {
                return err(format!("LpNormalization supports p = 1 or 2, got {p}"));
            }
            vec![(x.to_vec(), e0)]
        }
        "MeanVarianceNormalization" => {
            need(1, 1)?;
            want(is_float, "floating-point")?;
            if let Some(a) = get("axes") {
                let v = ints_value(ctx, a)
                    .ok_or_else(|| ShapeError("attribute 'axes' must be integers".into()))?;
                for a in v {
                    norm_axis(a, rank, false)?;
                }
            } else if rank < 4 {
                return err("MeanVarianceNormalization's default axes [0, 2, 3] need rank >= 4");
            }
            vec![(x.to_vec(), e0)]
        }
        _ => {
            // Reduce*.
            need(1, 2)?;
            match op {
                "ReduceMax" | "ReduceMin" => {}
                "ReduceL2" | "ReduceLogSum" | "ReduceLogSumExp" => {
                    want(is_float, "floating-point")?
                }
                _ => want(!is_bool, "numeric")?,
            }
            let keep = int_attr(ctx, get, "keepdims", 1)? != 0;
            let axes_operand = shapes
                .get(1)
                .map(|s| (*s, consts.get(1).copied().flatten()));
            if let Some((s, _)) = axes_operand
                && s.len() != 1
            {
                return err(format!("{op}'s axes operand must be 1-D"));
            }
            match reduce_axes(ctx, rank, axes_operand, get)? {
                Some(axes) => vec![(reduced_shape(x, &axes, keep), e0)],
                None => {
                    // Runtime axes: the rank is known when keepdims is set
                    // or the axes are distinct; the sizes are not.
                    let n = axes_operand.map_or(DYNAMIC, |(s, _)| s[0]);
                    let shape = if keep {
                        x.iter()
                            .map(|&d| if d == 1 { 1 } else { DYNAMIC })
                            .collect()
                    } else if n != DYNAMIC && n as usize <= rank {
                        vec![DYNAMIC; rank - n as usize]
                    } else {
                        return err(format!(
                            "{op} with keepdims = 0 needs constant axes or an axes operand of static size"
                        ));
                    };
                    vec![(shape, e0)]
                }
            }
        }
    })
}
