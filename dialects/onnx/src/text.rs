//! The text operators of the onnx dialect: TfIdfVectorizer over integer
//! token ids (`pool_int64s`). String pools and string inputs are out of
//! scope (strings are not tensors dlc compiles).

use crate::ops::{
    ANY_TENSOR, AttrLookup, INT_ATTR, INTS_ATTR, Inferred, STR_ATTR, int_attr, ints_attr, verify_op,
};
use crate::shape::ShapeError;
use dlc_ir::constraints::ARRAY_ATTR;
use dlc_ir::{Attr, Context, Type, TypeKind};

const COMPUTE_FORMAT: &str = "operands attr-dict `:` functional-type(operands, results)";

dlc_ir::define_op! {
    /// ONNX TfIdfVectorizer: n-gram counts (with skips) of integer tokens,
    /// weighted by TF, IDF or TFIDF.
    pub struct TfIdfVectorizerOp = "onnx.TfIdfVectorizer" {
        summary: "ONNX TfIdfVectorizer (integer tokens)",
        operands: [X: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        attributes: [
            max_gram_length[optional]: INT_ATTR,
            min_gram_length[optional]: INT_ATTR,
            max_skip_count[optional]: INT_ATTR,
            mode[optional]: STR_ATTR,
            ngram_counts[optional]: INTS_ATTR,
            ngram_indexes[optional]: INTS_ATTR,
            pool_int64s[optional]: INTS_ATTR,
            pool_strings[optional]: ARRAY_ATTR,
            weights[optional]: ARRAY_ATTR
        ],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

/// Every op of this module.
pub const OPS: &[&dlc_ir::OpDef] = &[&TfIdfVectorizerOp::DEF];

fn err<T>(m: impl Into<String>) -> Result<T, ShapeError> {
    Err(ShapeError(m.into()))
}

/// Result types of the text ops; `None` when `op` is not one of them.
pub fn infer(
    ctx: &Context,
    op: &str,
    shapes: &[&[i64]],
    elems: &[Type],
    _consts: &[Option<Attr>],
    get: AttrLookup<'_>,
) -> Option<Result<Vec<Inferred>, ShapeError>> {
    (op == "TfIdfVectorizer").then(|| infer_tfidf(ctx, shapes, elems, get))
}

fn infer_tfidf(
    ctx: &Context,
    shapes: &[&[i64]],
    elems: &[Type],
    get: AttrLookup<'_>,
) -> Result<Vec<Inferred>, ShapeError> {
    let ([x], [e]) = (shapes, elems) else {
        return err("TfIdfVectorizer expects one operand");
    };
    if !matches!(ctx.type_kind(*e), TypeKind::Integer { width: 32 | 64, .. }) {
        return err(
            "TfIdfVectorizer supports int32 and int64 tokens (string tokens are not supported)",
        );
    }
    if get("pool_strings").is_some() {
        return err("TfIdfVectorizer with 'pool_strings' is not supported");
    }
    let idx = ints_attr(ctx, get, "ngram_indexes")?.unwrap_or_default();
    let c = idx.iter().copied().max().map_or(0, |m| m + 1);
    for n in ["max_gram_length", "min_gram_length"] {
        if int_attr(ctx, get, n, 0)? < 1 {
            return err(format!("TfIdfVectorizer needs '{n}' >= 1"));
        }
    }
    let f32t = ctx
        .lookup_type(&TypeKind::Float(dlc_ir::types::FloatKind::F32))
        .ok_or_else(|| ShapeError("no f32 type".into()))?;
    let shape = match x.len() {
        1 => vec![c],
        2 => vec![x[0], c],
        r => {
            return err(format!(
                "TfIdfVectorizer expects a rank-1 or rank-2 input, got rank {r}"
            ));
        }
    };
    Ok(vec![(shape, f32t)])
}
