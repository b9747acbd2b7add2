//! The reduce ops of the graph dialect beyond `reduce_sum`/`reduce_mean`/
//! `reduce_max`/`softmax` (ops.rs):
//!
//! ```text
//! %m = graph.reduce_min %x {axes = array<i64: 1>, keepdims} : (tensor<3x4xf32>) -> tensor<3x1xf32>
//! %p = graph.reduce_prod %x {axes = array<i64: 0>} : (tensor<3x4xf32>) -> tensor<4xf32>
//! %i = graph.argmax %x {axis = 1 : i64, keepdims, select_last_index} : (tensor<3x4xf32>) -> tensor<3x1xi64>
//! %l = graph.log_softmax %x {axis = -1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
//! %h = graph.hardmax %x {axis = -1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
//! ```
//!
//! `reduce_*` reduce over `axes` (none = all); on `i1`, `reduce_min` is a
//! logical and (and `reduce_max`, in ops.rs, a logical or). `argmax`/
//! `argmin` give the i64 index of the first (or, with `select_last_index`,
//! the last) extreme element along `axis` (default 0). `hardmax` is the
//! one-hot of the first maximum along `axis` (default -1).

use crate::ops::TENSOR;
use crate::shape::{self, ShapeError};
use dlc_ir::constraints::*;
use dlc_ir::{Context, Diagnostic, Op, TypeKind};

const COMPUTE_FORMAT: &str = "operands attr-dict `:` functional-type(operands, results)";

macro_rules! reduce_ops {
    ($($ty:ident, $name:literal, $summary:literal;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [input: TENSOR],
                results: [result: TENSOR],
                attributes: [axes[optional]: DENSE_I64_ARRAY_ATTR, keepdims[optional]: UNIT_ATTR],
                traits: PURE | SAME_OPERANDS_AND_RESULT_ELEMENT_TYPE,
                format: COMPUTE_FORMAT,
                verify: verify,
            }
        }
    )*};
}

reduce_ops! {
    ReduceMinOp, "graph.reduce_min", "minimum over axes (all axes when none are given)";
    ReduceProdOp, "graph.reduce_prod", "product over axes (all axes when none are given)";
}

macro_rules! arg_ops {
    ($($ty:ident, $name:literal, $summary:literal;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [input: TENSOR],
                results: [result: TENSOR],
                attributes: [
                    axis[optional]: I64_ATTR,
                    keepdims[optional]: UNIT_ATTR,
                    select_last_index[optional]: UNIT_ATTR,
                ],
                traits: PURE,
                format: COMPUTE_FORMAT,
                verify: verify,
            }
        }
    )*};
}

arg_ops! {
    ArgMaxOp, "graph.argmax", "i64 index of the maximum along an axis";
    ArgMinOp, "graph.argmin", "i64 index of the minimum along an axis";
}

macro_rules! axis_ops {
    ($($ty:ident, $name:literal, $summary:literal;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [input: TENSOR],
                results: [result: TENSOR],
                attributes: [axis[optional]: I64_ATTR],
                traits: PURE | SAME_OPERANDS_AND_RESULT_TYPE,
                format: COMPUTE_FORMAT,
                verify: verify,
            }
        }
    )*};
}

axis_ops! {
    LogSoftmaxOp, "graph.log_softmax", "log of the softmax along an axis";
    HardmaxOp, "graph.hardmax", "one-hot of the first maximum along an axis";
}

/// Every op of this module.
pub const OPS: &[&dlc_ir::OpDef] = &[
    &ReduceMinOp::DEF,
    &ReduceProdOp::DEF,
    &ArgMaxOp::DEF,
    &ArgMinOp::DEF,
    &LogSoftmaxOp::DEF,
    &HardmaxOp::DEF,
];

fn int_attr(ctx: &Context, op: Op, name: &str, default: i64) -> Result<i64, ShapeError> {
    match ctx.attr(op, name) {
        None => Ok(default),
        Some(a) => ctx
            .int_value(a)
            .and_then(|v| i64::try_from(v).ok())
            .ok_or_else(|| ShapeError(format!("'{name}' must be an integer"))),
    }
}

/// The result shape of the ops of this module; `None` for other ops.
pub fn result_shape(ctx: &Context, op: Op, x: &[i64]) -> Option<Result<Vec<i64>, ShapeError>> {
    let keep = ctx.attr(op, "keepdims").is_some();
    Some(match ctx.op_name_str(op) {
        "graph.reduce_min" | "graph.reduce_prod" => {
            match ctx.attr(op, "axes").map(|a| ctx.dense_int_array(a)) {
                Some(None) => Err(ShapeError("'axes' must be an array<i64>".into())),
                Some(Some(axes)) => shape::reduce(x, &axes, keep),
                None => shape::reduce(x, &[], keep),
            }
        }
        "graph.argmax" | "graph.argmin" => {
            int_attr(ctx, op, "axis", 0).and_then(|a| shape::reduce(x, &[a], keep))
        }
        "graph.log_softmax" | "graph.hardmax" => int_attr(ctx, op, "axis", -1)
            .and_then(|a| shape::normalize_axis(a, x.len()))
            .map(|_| x.to_vec()),
        _ => return None,
    })
}

fn verify(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let it = ctx.value_type(ctx.operand(op, 0));
    let rt = ctx.value_type(ctx.result(op, 0));
    let (x, r) = (
        ctx.shape(it).unwrap_or(&[]).to_vec(),
        ctx.shape(rt).unwrap_or(&[]).to_vec(),
    );
    let want = result_shape(ctx, op, &x)
        .unwrap_or_else(|| Err(ShapeError("unknown op".into())))
        .map_err(|e| ctx.op_error(op, e.0))?;
    if want != r {
        return Err(ctx.op_error(
            op,
            format!("result shape {r:?} does not match the inferred shape {want:?}"),
        ));
    }
    let name = ctx.op_name_str(op);
    let re = ctx.element_type(rt);
    if matches!(name, "graph.argmax" | "graph.argmin")
        && !matches!(ctx.type_kind(re), TypeKind::Integer { width: 64, .. })
    {
        return Err(ctx.op_error(op, "result element type must be i64"));
    }
    if matches!(name, "graph.log_softmax" | "graph.hardmax") && !ctx.is_float(re) {
        return Err(ctx.op_error(op, "needs a floating-point element type"));
    }
    Ok(())
}
