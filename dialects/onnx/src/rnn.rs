//! The recurrent operators of the onnx dialect: RNN, GRU and LSTM (layouts
//! 0 and 1, forward, reverse and bidirectional). Optional inputs omitted
//! before a present one are empty tensors (the importer's convention).

use crate::ops::{
    ANY_TENSOR, AttrLookup, FLOAT_ATTR, INT_ATTR, Inferred, STR_ATTR, int_attr, verify_op,
};
use crate::shape::ShapeError;
use dlc_ir::constraints::ARRAY_ATTR;
use dlc_ir::types::DYNAMIC;
use dlc_ir::{Context, Type};

const COMPUTE_FORMAT: &str = "operands attr-dict `:` functional-type(operands, results)";

macro_rules! rnn_ops {
    ($($ty:ident, $name:literal, $summary:literal;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [X: ANY_TENSOR, W: ANY_TENSOR, R: ANY_TENSOR, optional_inputs[variadic]: ANY_TENSOR],
                results: [outputs[variadic]: ANY_TENSOR],
                attributes: [activation_alpha[optional]: ARRAY_ATTR, activation_beta[optional]: ARRAY_ATTR,
                    activations[optional]: ARRAY_ATTR, clip[optional]: FLOAT_ATTR, direction[optional]: STR_ATTR,
                    hidden_size[optional]: INT_ATTR, layout[optional]: INT_ATTR,
                    linear_before_reset[optional]: INT_ATTR, input_forget[optional]: INT_ATTR],
                traits: PURE,
                format: COMPUTE_FORMAT,
                verify: verify_op,
            }
        }
    )*
    /// Every op of this module.
    pub const OPS: &[&dlc_ir::OpDef] = &[$(&$ty::DEF),*];
    };
}

rnn_ops! {
    RNNOp, "onnx.RNN", "ONNX RNN";
    GRUOp, "onnx.GRU", "ONNX GRU";
    LSTMOp, "onnx.LSTM", "ONNX LSTM";
}

/// The gate count of an op: 1 (RNN), 3 (GRU) or 4 (LSTM).
pub fn gates(op: &str) -> Option<i64> {
    match op {
        "RNN" => Some(1),
        "GRU" => Some(3),
        "LSTM" => Some(4),
        _ => None,
    }
}

/// Result types: Y, Y_h (and Y_c for LSTM), `num_results` of them.
pub fn infer(
    ctx: &Context,
    op: &str,
    shapes: &[&[i64]],
    elems: &[Type],
    get: AttrLookup<'_>,
    num_results: usize,
) -> Option<Result<Vec<Inferred>, ShapeError>> {
    let g = gates(op)?;
    Some((|| {
        if shapes.len() < 3 || shapes[0].len() != 3 || shapes[1].len() != 3 {
            return Err(ShapeError(format!("{op} needs 3-D X and W")));
        }
        let layout = int_attr(ctx, get, "layout", 0)?;
        let (seq, batch) = if layout == 0 {
            (shapes[0][0], shapes[0][1])
        } else {
            (shapes[0][1], shapes[0][0])
        };
        let dirs = shapes[1][0];
        let hidden = match get("hidden_size").and_then(|a| ctx.int_value(a)) {
            Some(h) => h as i64,
            None if shapes[1][1] != DYNAMIC => shapes[1][1] / g,
            None => DYNAMIC,
        };
        let e = elems[0];
        let (y, yh) = if layout == 0 {
            (vec![seq, dirs, batch, hidden], vec![dirs, batch, hidden])
        } else {
            (vec![batch, seq, dirs, hidden], vec![batch, dirs, hidden])
        };
        let mut out = vec![(y, e), (yh.clone(), e)];
        if op == "LSTM" {
            out.push((yh, e));
        }
        out.truncate(num_results.max(1));
        Ok(out)
    })())
}
