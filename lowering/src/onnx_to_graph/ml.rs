//! onnx-to-graph for the `ai.onnx.ml` operators: Binarizer (a comparison
//! cast back to the input type) and ArrayFeatureExtractor (a gather along
//! the last axis with the flattened indices).

use super::nn::{cast, cmp, elem_of, float_const};
use super::{LowerFn, LowerResult, float_attr, reshape, result_shape, shape_of};
use dlc_ir::rewrite::PatternRewriter;
use dlc_ir::{Op, Value};

/// The lowering of onnx op `name`, if it is one of this module's.
pub(crate) fn lowering(name: &str) -> Option<LowerFn> {
    match name {
        "onnx.Binarizer" => Some(lower_binarizer),
        "onnx.ArrayFeatureExtractor" => Some(lower_afe),
        _ => None,
    }
}

fn lower_binarizer(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let e = elem_of(rw, x);
    if !rw.ctx.is_float(e) {
        return Err("supports floating-point inputs".into());
    }
    let t = float_attr(rw.ctx, op, "threshold", 0.0)?;
    let thr = float_const(rw, loc, &[], e, &[t])?;
    let above = cmp(rw, loc, "greater", x, thr)?;
    Ok(vec![cast(rw, loc, above, e)?])
}

fn lower_afe(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let (x, i) = (rw.ctx.operand(op, 0), rw.ctx.operand(op, 1));
    let (sx, si) = (shape_of(rw.ctx, x)?, shape_of(rw.ctx, i)?);
    if si.iter().any(|&d| d < 0) || sx.iter().any(|&d| d < 0) {
        return Err("needs static shapes".into());
    }
    let k: i64 = si.iter().product();
    let i = reshape(rw, loc, i, &[k])?;
    let x = if sx.len() == 1 {
        reshape(rw, loc, x, &[1, sx[0]])?
    } else {
        x
    };
    let rank = shape_of(rw.ctx, x)?.len();
    let rs = result_shape(rw.ctx, op)?;
    let e = elem_of(rw, x);
    let ty = rw.ctx.tensor_type(&rs, e);
    let a = rw.ctx.i64_attr(rank as i64 - 1);
    let g = rw.create_op("graph.gather", loc, &[x, i], &[ty], vec![("axis", a)]);
    Ok(vec![rw.ctx.result(g, 0)])
}
