//! Operators of the `ai.onnx.ml` domain with tensor inputs and outputs:
//! Binarizer and ArrayFeatureExtractor. They share the `onnx.` prefix with
//! the default domain (no name clashes); the importer accepts them only
//! from `ai.onnx.ml` nodes.

use crate::ops::{ANY_TENSOR, AttrLookup, FLOAT_ATTR, INT_ATTR, INTS_ATTR, Inferred, verify_op};
use crate::shape::ShapeError;
use dlc_ir::constraints::ELEMENTS_ATTR;
use dlc_ir::{Attr, Context, Type, TypeKind};

const COMPUTE_FORMAT: &str = "operands attr-dict `:` functional-type(operands, results)";

dlc_ir::define_op! {
    /// ai.onnx.ml Binarizer: 1 where `x > threshold`, else 0, in x's type.
    pub struct BinarizerOp = "onnx.Binarizer" {
        summary: "ai.onnx.ml Binarizer",
        operands: [X: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        attributes: [threshold[optional]: FLOAT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// ai.onnx.ml ArrayFeatureExtractor: `X[..., indices]` along the last
    /// axis (a 1-D X gives one row, as onnxruntime does).
    pub struct ArrayFeatureExtractorOp = "onnx.ArrayFeatureExtractor" {
        summary: "ai.onnx.ml ArrayFeatureExtractor",
        operands: [X: ANY_TENSOR, Y: ANY_TENSOR],
        results: [Z: ANY_TENSOR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// ai.onnx.ml TreeEnsemble (opset 5): decision trees over the columns
    /// of X; each tree's reached leaf adds its weight to its target.
    pub struct TreeEnsembleOp = "onnx.TreeEnsemble" {
        summary: "ai.onnx.ml TreeEnsemble",
        operands: [X: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        attributes: [
            aggregate_function[optional]: INT_ATTR,
            leaf_targetids[optional]: INTS_ATTR,
            leaf_weights[optional]: ELEMENTS_ATTR,
            membership_values[optional]: ELEMENTS_ATTR,
            n_targets[optional]: INT_ATTR,
            nodes_falseleafs[optional]: INTS_ATTR,
            nodes_falsenodeids[optional]: INTS_ATTR,
            nodes_featureids[optional]: INTS_ATTR,
            nodes_hitrates[optional]: ELEMENTS_ATTR,
            nodes_missing_value_tracks_true[optional]: INTS_ATTR,
            nodes_modes[optional]: ELEMENTS_ATTR,
            nodes_splits[optional]: ELEMENTS_ATTR,
            nodes_trueleafs[optional]: INTS_ATTR,
            nodes_truenodeids[optional]: INTS_ATTR,
            post_transform[optional]: INT_ATTR,
            tree_roots[optional]: INTS_ATTR
        ],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

/// Every op of this module.
pub const OPS: &[&dlc_ir::OpDef] = &[
    &BinarizerOp::DEF,
    &ArrayFeatureExtractorOp::DEF,
    &TreeEnsembleOp::DEF,
];

/// The ONNX op types of this module (domain `ai.onnx.ml`).
pub const ML_OP_TYPES: &[&str] = &["Binarizer", "ArrayFeatureExtractor", "TreeEnsemble"];

fn err<T>(m: impl Into<String>) -> Result<T, ShapeError> {
    Err(ShapeError(m.into()))
}

fn is_number(ctx: &Context, t: Type) -> bool {
    matches!(
        ctx.type_kind(t),
        TypeKind::Float(_) | TypeKind::Integer { .. }
    )
}

/// Result types of the ml ops; `None` when `op` is not one of them.
pub fn infer(
    ctx: &Context,
    op: &str,
    shapes: &[&[i64]],
    elems: &[Type],
    _consts: &[Option<Attr>],
    _get: AttrLookup<'_>,
) -> Option<Result<Vec<Inferred>, ShapeError>> {
    match op {
        "Binarizer" => Some(match (shapes, elems) {
            ([x], [e]) if is_number(ctx, *e) => Ok(vec![(x.to_vec(), *e)]),
            _ => err("Binarizer expects one numeric operand"),
        }),
        "ArrayFeatureExtractor" => Some(infer_afe(ctx, shapes, elems)),
        "TreeEnsemble" => Some(match (shapes, elems) {
            ([x], [e]) if x.len() == 2 && matches!(ctx.type_kind(*e), TypeKind::Float(_)) => {
                let n = _get("n_targets")
                    .and_then(|a| ctx.int_value(a))
                    .and_then(|v| i64::try_from(v).ok())
                    .unwrap_or(1);
                Ok(vec![(vec![x[0], n], *e)])
            }
            _ => err("TreeEnsemble expects a 2-D floating-point X"),
        }),
        _ => None,
    }
}

fn infer_afe(
    ctx: &Context,
    shapes: &[&[i64]],
    elems: &[Type],
) -> Result<Vec<Inferred>, ShapeError> {
    let ([x, i], [e, ie]) = (shapes, elems) else {
        return err("ArrayFeatureExtractor expects two operands");
    };
    if !matches!(ctx.type_kind(*ie), TypeKind::Integer { width: 64, .. }) {
        return err("ArrayFeatureExtractor indices must be int64");
    }
    if x.is_empty() {
        return err("ArrayFeatureExtractor needs an input of rank >= 1");
    }
    let k = if i.iter().any(|&d| d < 0) {
        dlc_ir::types::DYNAMIC
    } else {
        i.iter().product()
    };
    let shape = if x.len() == 1 {
        vec![1, k]
    } else {
        let mut s = x[..x.len() - 1].to_vec();
        s.push(k);
        s
    };
    Ok(vec![(shape, *e)])
}
