//! Neural-network operators of the onnx dialect beyond the first set:
//! Attention (opsets 23-25), the losses NegativeLogLikelihoodLoss and
//! SoftmaxCrossEntropyLoss, and RotaryEmbedding.
//!
//! Optional inputs omitted before a present one are empty tensors
//! (`tensor<0xf32>`, the importer's convention, as for the recurrent ops);
//! [`is_omitted`] recognises them. The ops with optional outputs always
//! infer every result (Attention: Y, present_key, present_value,
//! qk_matmul_output; SoftmaxCrossEntropyLoss: loss, log_prob); an op may
//! carry fewer.

use crate::ops::{ANY_TENSOR, AttrLookup, FLOAT_ATTR, INT_ATTR, Inferred, STR_ATTR, verify_op};
use crate::shape::ShapeError;
use dlc_ir::types::DYNAMIC;
use dlc_ir::{Attr, Context, Type};

const COMPUTE_FORMAT: &str = "operands attr-dict `:` functional-type(operands, results)";

dlc_ir::define_op! {
    /// ONNX Attention: scaled dot-product attention with optional mask,
    /// KV cache, causal/window masking, soft cap and grouped-query heads.
    pub struct AttentionOp = "onnx.Attention" {
        summary: "ONNX Attention",
        operands: [Q: ANY_TENSOR, K: ANY_TENSOR, V: ANY_TENSOR, optional_inputs[variadic]: ANY_TENSOR],
        results: [outputs[variadic]: ANY_TENSOR],
        attributes: [is_causal[optional]: INT_ATTR, kv_num_heads[optional]: INT_ATTR,
            q_num_heads[optional]: INT_ATTR, qk_matmul_output_mode[optional]: INT_ATTR,
            scale[optional]: FLOAT_ATTR, softcap[optional]: FLOAT_ATTR,
            softmax_precision[optional]: INT_ATTR, left_window_size[optional]: INT_ATTR,
            right_window_size[optional]: INT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// ONNX NegativeLogLikelihoodLoss.
    pub struct NegativeLogLikelihoodLossOp = "onnx.NegativeLogLikelihoodLoss" {
        summary: "ONNX NegativeLogLikelihoodLoss",
        operands: [input: ANY_TENSOR, target: ANY_TENSOR, weight[optional]: ANY_TENSOR],
        results: [loss: ANY_TENSOR],
        attributes: [ignore_index[optional]: INT_ATTR, reduction[optional]: STR_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// ONNX SoftmaxCrossEntropyLoss (loss and the optional log_prob).
    pub struct SoftmaxCrossEntropyLossOp = "onnx.SoftmaxCrossEntropyLoss" {
        summary: "ONNX SoftmaxCrossEntropyLoss",
        operands: [scores: ANY_TENSOR, labels: ANY_TENSOR, weights[optional]: ANY_TENSOR],
        results: [outputs[variadic]: ANY_TENSOR],
        attributes: [ignore_index[optional]: INT_ATTR, reduction[optional]: STR_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// ONNX RotaryEmbedding (opset 23).
    pub struct RotaryEmbeddingOp = "onnx.RotaryEmbedding" {
        summary: "ONNX RotaryEmbedding",
        operands: [X: ANY_TENSOR, cos_cache: ANY_TENSOR, sin_cache: ANY_TENSOR, position_ids[optional]: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        attributes: [interleaved[optional]: INT_ATTR, num_heads[optional]: INT_ATTR,
            rotary_embedding_dim[optional]: INT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// ONNX Det: the determinant of each square matrix in the last two axes.
    pub struct DetOp = "onnx.Det" {
        summary: "ONNX Det",
        operands: [X: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// ONNX MaxUnpool: the values of a MaxPool scattered back to their
    /// Indices in a zero tensor.
    pub struct MaxUnpoolOp = "onnx.MaxUnpool" {
        summary: "ONNX MaxUnpool",
        operands: [X: ANY_TENSOR, I: ANY_TENSOR, output_shape[optional]: ANY_TENSOR],
        results: [output: ANY_TENSOR],
        attributes: [kernel_shape[optional]: crate::ops::INTS_ATTR, pads[optional]: crate::ops::INTS_ATTR, strides[optional]: crate::ops::INTS_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// ONNX DeformConv (opset 19): a convolution whose taps are moved by
    /// learned offsets (bilinear sampling) and optionally scaled by a mask.
    /// An omitted B before a mask is an empty tensor.
    pub struct DeformConvOp = "onnx.DeformConv" {
        summary: "ONNX DeformConv",
        operands: [X: ANY_TENSOR, W: ANY_TENSOR, offset: ANY_TENSOR, optional_inputs[variadic]: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        attributes: [dilations[optional]: crate::ops::INTS_ATTR, group[optional]: INT_ATTR,
            kernel_shape[optional]: crate::ops::INTS_ATTR, offset_group[optional]: INT_ATTR,
            pads[optional]: crate::ops::INTS_ATTR, strides[optional]: crate::ops::INTS_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// ONNX Col2Im: sums sliding-block columns back into an image (the
    /// inverse arrangement of im2col).
    pub struct Col2ImOp = "onnx.Col2Im" {
        summary: "ONNX Col2Im",
        operands: [input: ANY_TENSOR, image_shape: ANY_TENSOR, block_shape: ANY_TENSOR],
        results: [output: ANY_TENSOR],
        attributes: [dilations[optional]: crate::ops::INTS_ATTR, pads[optional]: crate::ops::INTS_ATTR, strides[optional]: crate::ops::INTS_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

/// Every op of this module.
pub const OPS: &[&dlc_ir::OpDef] = &[
    &DeformConvOp::DEF,
    &Col2ImOp::DEF,
    &MaxUnpoolOp::DEF,
    &AttentionOp::DEF,
    &NegativeLogLikelihoodLossOp::DEF,
    &SoftmaxCrossEntropyLossOp::DEF,
    &RotaryEmbeddingOp::DEF,
    &DetOp::DEF,
];

/// Whether an operand of this shape is an omitted optional input (the
/// importer's empty `tensor<0xf32>` placeholder).
pub fn is_omitted(shape: &[i64]) -> bool {
    shape == [0]
}

/// `d / n`, dynamic if `d` is.
fn div(d: i64, n: i64) -> i64 {
    if d == DYNAMIC || n <= 0 {
        DYNAMIC
    } else {
        d / n
    }
}

fn add(a: i64, b: i64) -> i64 {
    if a == DYNAMIC || b == DYNAMIC {
        DYNAMIC
    } else {
        a + b
    }
}

/// The static dimensions of Attention, from the operand shapes and the
/// head-count attributes.
#[derive(Clone, Copy, Debug)]
pub struct AttentionDims {
    /// Q, K, V are 3-D `(batch, seq, hidden)` (else 4-D).
    pub three_d: bool,
    pub batch: i64,
    pub q_heads: i64,
    pub kv_heads: i64,
    pub q_seq: i64,
    pub kv_seq: i64,
    /// Past sequence length (0 without a cache).
    pub past_seq: i64,
    pub head_size: i64,
    pub v_head_size: i64,
}

/// Attention's dimensions; `ints(name)` reads an integer attribute.
pub fn attention_dims(
    shapes: &[&[i64]],
    ints: &dyn Fn(&str) -> Option<i64>,
) -> Result<AttentionDims, ShapeError> {
    if shapes.len() < 3 {
        return Err(ShapeError("Attention needs Q, K and V".into()));
    }
    let (q, k, v) = (shapes[0], shapes[1], shapes[2]);
    let rank = q.len();
    if !(rank == 3 || rank == 4) || k.len() != rank || v.len() != rank {
        return Err(ShapeError(
            "Attention needs Q, K and V all 3-D or all 4-D".into(),
        ));
    }
    let past_seq = match shapes.get(4) {
        Some(p) if !is_omitted(p) => {
            if p.len() != 4 {
                return Err(ShapeError("Attention's past_key must be 4-D".into()));
            }
            p[2]
        }
        _ => 0,
    };
    if rank == 3 {
        let (Some(qh), Some(kvh)) = (ints("q_num_heads"), ints("kv_num_heads")) else {
            return Err(ShapeError(
                "Attention with 3-D inputs needs q_num_heads and kv_num_heads".into(),
            ));
        };
        if qh <= 0 || kvh <= 0 {
            return Err(ShapeError(
                "Attention's head counts must be positive".into(),
            ));
        }
        Ok(AttentionDims {
            three_d: true,
            batch: q[0],
            q_heads: qh,
            kv_heads: kvh,
            q_seq: q[1],
            kv_seq: k[1],
            past_seq,
            head_size: div(q[2], qh),
            v_head_size: div(v[2], kvh),
        })
    } else {
        Ok(AttentionDims {
            three_d: false,
            batch: q[0],
            q_heads: q[1],
            kv_heads: k[1],
            q_seq: q[2],
            kv_seq: k[2],
            past_seq,
            head_size: q[3],
            v_head_size: v[3],
        })
    }
}

/// Result shapes and element types of the ops of this module; `None` for
/// other ops.
pub fn infer(
    ctx: &Context,
    op: &str,
    shapes: &[&[i64]],
    elems: &[Type],
    _consts: &[Option<Attr>],
    get: AttrLookup<'_>,
) -> Option<Result<Vec<Inferred>, ShapeError>> {
    let ints = |n: &str| {
        get(n)
            .and_then(|a| ctx.int_value(a))
            .and_then(|v| i64::try_from(v).ok())
    };
    match op {
        "Attention" => Some((|| {
            let d = attention_dims(shapes, &ints)?;
            let total = add(d.kv_seq, d.past_seq);
            let y = if d.three_d {
                let hidden = if d.v_head_size == DYNAMIC {
                    DYNAMIC
                } else {
                    d.q_heads * d.v_head_size
                };
                vec![d.batch, d.q_seq, hidden]
            } else {
                vec![d.batch, d.q_heads, d.q_seq, d.v_head_size]
            };
            Ok(vec![
                (y, elems[0]),
                (vec![d.batch, d.kv_heads, total, d.head_size], elems[1]),
                (vec![d.batch, d.kv_heads, total, d.v_head_size], elems[2]),
                (vec![d.batch, d.q_heads, d.q_seq, total], elems[0]),
            ])
        })()),
        "NegativeLogLikelihoodLoss" | "SoftmaxCrossEntropyLoss" => Some((|| {
            if shapes.len() < 2 {
                return Err(ShapeError(format!("{op} needs an input and a target")));
            }
            let (x, t) = (shapes[0], shapes[1]);
            if x.len() < 2 || t.len() + 1 != x.len() {
                return Err(ShapeError(format!(
                    "{op} needs an input (N, C, d1, ...) and a target (N, d1, ...)"
                )));
            }
            let reduction = get("reduction")
                .and_then(|a| ctx.string_value(a))
                .unwrap_or("mean");
            let loss = match reduction {
                "none" => t.to_vec(),
                "sum" | "mean" => Vec::new(),
                r => return Err(ShapeError(format!("{op} has an unknown reduction '{r}'"))),
            };
            let mut out = vec![(loss, elems[0])];
            if op == "SoftmaxCrossEntropyLoss" {
                out.push((x.to_vec(), elems[0]));
            }
            Ok(out)
        })()),
        "RotaryEmbedding" => Some((|| {
            if shapes.len() < 3 || !(shapes[0].len() == 3 || shapes[0].len() == 4) {
                return Err(ShapeError(
                    "RotaryEmbedding needs a 3-D or 4-D input and two caches".into(),
                ));
            }
            Ok(vec![(shapes[0].to_vec(), elems[0])])
        })()),
        "DeformConv" => Some((|| {
            if shapes.len() < 3 {
                return Err(ShapeError("DeformConv needs X, W and offset".into()));
            }
            let group = ints("group").unwrap_or(1);
            let win = crate::shape::Window {
                kernel: crate::ops::ints_attr(ctx, get, "kernel_shape")?.unwrap_or_default(),
                strides: crate::ops::ints_attr(ctx, get, "strides")?,
                dilations: crate::ops::ints_attr(ctx, get, "dilations")?,
                pads: crate::ops::ints_attr(ctx, get, "pads")?,
                auto_pad: crate::shape::AutoPad::NotSet,
                ceil_mode: false,
            };
            let bias = shapes.get(3).copied().filter(|b| !is_omitted(b));
            let out = crate::shape::conv(shapes[0], shapes[1], bias, group, &win)?;
            let off = shapes[2];
            if off.len() != out.len()
                || off[0] != out[0]
                || off[2..]
                    .iter()
                    .zip(&out[2..])
                    .any(|(&a, &b)| a != DYNAMIC && b != DYNAMIC && a != b)
            {
                return Err(ShapeError(format!(
                    "DeformConv's offset {off:?} must be (N, offset_group * kernel size * {}, output sizes {:?})",
                    out.len() - 2,
                    &out[2..]
                )));
            }
            Ok(vec![(out, elems[0])])
        })()),
        "Col2Im" => Some((|| {
            let ([x, img, blk], [e, ..]) = (shapes, elems) else {
                return Err(ShapeError("Col2Im expects three operands".into()));
            };
            if x.len() != 3 || img.len() != 1 || blk.len() != 1 {
                return Err(ShapeError(
                    "Col2Im needs a 3-D input and 1-D image_shape and block_shape".into(),
                ));
            }
            let c = |k: usize| {
                _consts
                    .get(k)
                    .copied()
                    .flatten()
                    .and_then(|a| crate::const_ints(ctx, a))
            };
            Ok(vec![match (c(1), c(2)) {
                (Some(image), Some(block)) => {
                    let kp: i64 = block.iter().product();
                    if kp <= 0 || image.len() != block.len() {
                        return Err(ShapeError(
                            "Col2Im: invalid image_shape or block_shape".into(),
                        ));
                    }
                    let ch = if x[1] == DYNAMIC { DYNAMIC } else { x[1] / kp };
                    let mut s = vec![x[0], ch];
                    s.extend(image);
                    (s, *e)
                }
                // Known once dl-run specialises the shape operands.
                _ if img[0] >= 0 => (vec![DYNAMIC; 2 + img[0] as usize], *e),
                _ => {
                    return Err(ShapeError(
                        "Col2Im needs a static image_shape length".into(),
                    ));
                }
            }])
        })()),
        "MaxUnpool" => Some((|| {
            let x = shapes
                .first()
                .ok_or_else(|| ShapeError("MaxUnpool needs X".into()))?;
            if shapes.len() > 2 {
                // The given output shape; known at run time only, its
                // length still gives the rank.
                let c = _consts
                    .get(2)
                    .copied()
                    .flatten()
                    .and_then(|a| crate::const_ints(ctx, a));
                return match (c, shapes[2]) {
                    (Some(c), _) => Ok(vec![(c, elems[0])]),
                    (None, [r]) if *r >= 0 => Ok(vec![(vec![DYNAMIC; *r as usize], elems[0])]),
                    _ => Err(ShapeError("MaxUnpool needs a 1-D output_shape".into())),
                };
            }
            let k = get("kernel_shape")
                .and_then(|a| crate::ints_value(ctx, a))
                .ok_or_else(|| ShapeError("MaxUnpool needs 'kernel_shape'".into()))?;
            let n = k.len();
            if x.len() != n + 2 {
                return Err(ShapeError(
                    "MaxUnpool: kernel_shape and input rank differ".into(),
                ));
            }
            let st = get("strides")
                .and_then(|a| crate::ints_value(ctx, a))
                .unwrap_or_else(|| vec![1; n]);
            let pads = get("pads")
                .and_then(|a| crate::ints_value(ctx, a))
                .unwrap_or_else(|| vec![0; 2 * n]);
            if st.len() != n || pads.len() != 2 * n {
                return Err(ShapeError("MaxUnpool: invalid strides or pads".into()));
            }
            let mut out = x[..2].to_vec();
            for d in 0..n {
                out.push(if x[d + 2] == DYNAMIC {
                    DYNAMIC
                } else {
                    (x[d + 2] - 1) * st[d] - pads[d] - pads[n + d] + k[d]
                });
            }
            Ok(vec![(out, elems[0])])
        })()),
        "Det" => Some((|| {
            let [x] = shapes else {
                return Err(ShapeError("Det expects one operand".into()));
            };
            let r = x.len();
            if r < 2 || (x[r - 1] != x[r - 2] && x[r - 1] != DYNAMIC && x[r - 2] != DYNAMIC) {
                return Err(ShapeError(format!(
                    "Det needs square matrices in the last two axes, got {x:?}"
                )));
            }
            Ok(vec![(x[..r - 2].to_vec(), elems[0])])
        })()),
        _ => None,
    }
}
