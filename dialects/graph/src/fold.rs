//! Folders and canonicalization patterns of the graph ops: constant folding
//! of elementwise ops, reshape and transpose on small constants; identity
//! reshape/transpose removal; `transpose(transpose(x))` and
//! `reshape(reshape(x))` composition; and batch-norm folding into a
//! preceding `graph.conv2d` with constant weights (a canonicalization on
//! `graph.batch_norm`, so `--canonicalize` does it).

use crate::ops::ConstantOp;
use dlc_ir::dense::{dense_from_f64, dense_values_f64};
use dlc_ir::rewrite::{FnPattern, InsertPoint, value_constant};
use dlc_ir::{
    Attr, AttrKind, Context, FoldResult, Op, OperationState, PatternRewriter, PatternSet, Type,
    Value,
};

/// Constants with more elements than this are not folded (weights stay shared).
pub const MAX_FOLD_ELEMENTS: usize = 1 << 16;

fn pattern(
    root: &'static str,
    name: &'static str,
    f: fn(Op, &mut PatternRewriter<'_>) -> bool,
) -> FnPattern {
    FnPattern {
        root: Some(root),
        name,
        benefit: 1,
        f,
    }
}

fn shape_of(ctx: &Context, t: Type) -> Vec<i64> {
    ctx.shape(t).unwrap_or(&[]).to_vec()
}

/// Float values of a small dense constant.
fn small_values(ctx: &Context, a: Attr) -> Option<Vec<f64>> {
    let AttrKind::DenseElements { ty, .. } = ctx.attr_kind(a) else {
        return None;
    };
    if !ctx.is_float(ctx.element_type(*ty)) {
        return None;
    }
    let n = crate::shape::num_elements(ctx.shape(*ty)?)?;
    if n as usize > MAX_FOLD_ELEMENTS {
        return None;
    }
    dense_values_f64(ctx, a)
}

/// Float values of a weight constant of any size: dense elements, or an
/// f32 `dense_resource` blob.
fn weight_values(ctx: &Context, a: Attr) -> Option<Vec<f64>> {
    match ctx.attr_kind(a) {
        AttrKind::DenseElements { ty, .. } if ctx.is_float(ctx.element_type(*ty)) => {
            dense_values_f64(ctx, a)
        }
        AttrKind::DenseResource { .. } => Some(
            dlc_ir::dense::f32_values(ctx, a)?
                .into_iter()
                .map(f64::from)
                .collect(),
        ),
        _ => None,
    }
}

/// `vals` as a constant of type `ty`: an f32 tensor larger than
/// [`MAX_FOLD_ELEMENTS`] becomes a new `dense_resource` blob named after
/// `base` (weights stay blobs), anything else dense elements.
fn weight_attr(ctx: &mut Context, ty: Type, vals: &[f64], base: &str) -> Option<Attr> {
    let e = ctx.element_type(ty);
    if vals.len() <= MAX_FOLD_ELEMENTS
        || !(ctx.is_float(e) && ctx.int_or_float_width(e) == Some(32))
    {
        return dense_from_f64(ctx, ty, vals);
    }
    let bytes: Vec<u8> = vals
        .iter()
        .flat_map(|&x| (x as f32).to_le_bytes())
        .collect();
    let name = ctx.add_resource(base, bytes);
    Some(ctx.intern_attr(AttrKind::DenseResource { ty, handle: name }))
}

/// Flat index into `in_shape` for flat output index `flat` under numpy broadcasting.
fn broadcast_index(out_shape: &[i64], in_shape: &[i64], mut flat: usize) -> usize {
    let off = out_shape.len() - in_shape.len();
    let (mut idx, mut stride) = (0usize, 1usize);
    for d in (0..out_shape.len()).rev() {
        let od = out_shape[d] as usize;
        let i = flat % od.max(1);
        flat /= od.max(1);
        if d >= off {
            let id = in_shape[d - off] as usize;
            if id != 1 {
                idx += i * stride;
            }
            stride *= id;
        }
    }
    idx
}

fn unary_fn(name: &str, op_ctx: (&Context, Op)) -> Option<Box<dyn Fn(f64) -> f64>> {
    let (ctx, op) = op_ctx;
    Some(match name {
        "graph.relu" => Box::new(|x: f64| if x > 0.0 { x } else { 0.0 }),
        "graph.sigmoid" => Box::new(|x: f64| 1.0 / (1.0 + (-x).exp())),
        "graph.tanh" => Box::new(f64::tanh),
        "graph.exp" => Box::new(f64::exp),
        "graph.erf" => Box::new(dlc_math::erf64),
        "graph.sqrt" => Box::new(f64::sqrt),
        "graph.clamp" => {
            let lo = ctx
                .attr(op, "min")
                .and_then(|a| ctx.float_value(a))
                .unwrap_or(f64::NEG_INFINITY);
            let hi = ctx
                .attr(op, "max")
                .and_then(|a| ctx.float_value(a))
                .unwrap_or(f64::INFINITY);
            Box::new(move |x: f64| x.max(lo).min(hi))
        }
        _ => return None,
    })
}

fn binary_fn(name: &str) -> Option<fn(f64, f64) -> f64> {
    Some(match name {
        "graph.add" => |a, b| a + b,
        "graph.sub" => |a, b| a - b,
        "graph.mul" => |a, b| a * b,
        "graph.div" => |a, b| a / b,
        "graph.max" => f64::max,
        "graph.min" => f64::min,
        _ => return None,
    })
}

/// The folder shared by the elementwise ops, reshape and transpose.
pub fn fold_op(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
    let name = ctx.op_name_str(op).to_string();
    let rty = ctx.value_type(ctx.result(op, 0));
    let input = ctx.operand(op, 0);
    let ity = ctx.value_type(input);
    match name.as_str() {
        "graph.reshape" => {
            if ity == rty {
                return FoldResult::value(input);
            }
            let data = c
                .first()
                .copied()
                .flatten()
                .map(|a| ctx.attr_kind(a).clone());
            match data {
                Some(AttrKind::DenseElements { data, .. }) => {
                    FoldResult::attr(ctx.dense_attr(rty, data))
                }
                Some(AttrKind::DenseResource { handle, .. }) => {
                    FoldResult::attr(ctx.intern_attr(AttrKind::DenseResource { ty: rty, handle }))
                }
                _ => FoldResult::None,
            }
        }
        "graph.transpose" => {
            let perm = ctx
                .attr(op, "perm")
                .and_then(|a| ctx.dense_int_array(a))
                .unwrap_or_default();
            if perm.iter().enumerate().all(|(i, &p)| p == i as i64) {
                return FoldResult::value(input);
            }
            let Some(vals) = c
                .first()
                .copied()
                .flatten()
                .and_then(|a| small_values(ctx, a))
            else {
                return FoldResult::None;
            };
            let (ishape, oshape) = (shape_of(ctx, ity), shape_of(ctx, rty));
            let mut istrides = vec![1usize; ishape.len()];
            for d in (0..ishape.len().saturating_sub(1)).rev() {
                istrides[d] = istrides[d + 1] * ishape[d + 1] as usize;
            }
            let mut out = Vec::with_capacity(vals.len());
            for flat in 0..vals.len() {
                let (mut rem, mut src) = (flat, 0usize);
                for d in (0..oshape.len()).rev() {
                    let i = rem % (oshape[d] as usize).max(1);
                    rem /= (oshape[d] as usize).max(1);
                    src += i * istrides[perm[d] as usize];
                }
                out.push(vals.get(src).copied().unwrap_or(0.0));
            }
            dense_from_f64(ctx, rty, &out).map_or(FoldResult::None, FoldResult::attr)
        }
        n => {
            if let Some(f) = binary_fn(n) {
                let (Some(a), Some(b)) = (
                    c.first()
                        .copied()
                        .flatten()
                        .and_then(|a| small_values(ctx, a)),
                    c.get(1)
                        .copied()
                        .flatten()
                        .and_then(|a| small_values(ctx, a)),
                ) else {
                    return FoldResult::None;
                };
                let (sa, sb, so) = (
                    shape_of(ctx, ity),
                    shape_of(ctx, ctx.value_type(ctx.operand(op, 1))),
                    shape_of(ctx, rty),
                );
                let Some(n) = crate::shape::num_elements(&so) else {
                    return FoldResult::None;
                };
                if n as usize > MAX_FOLD_ELEMENTS {
                    return FoldResult::None;
                }
                let out: Vec<f64> = (0..n as usize)
                    .map(|i| {
                        let x = a.get(broadcast_index(&so, &sa, i)).copied().unwrap_or(0.0);
                        let y = b.get(broadcast_index(&so, &sb, i)).copied().unwrap_or(0.0);
                        f(x, y)
                    })
                    .collect();
                return dense_from_f64(ctx, rty, &out).map_or(FoldResult::None, FoldResult::attr);
            }
            let Some(vals) = c
                .first()
                .copied()
                .flatten()
                .and_then(|a| small_values(ctx, a))
            else {
                return FoldResult::None;
            };
            let Some(f) = unary_fn(n, (ctx, op)) else {
                return FoldResult::None;
            };
            let out: Vec<f64> = vals.into_iter().map(f).collect();
            dense_from_f64(ctx, rty, &out).map_or(FoldResult::None, FoldResult::attr)
        }
    }
}

/// Builds a `graph.constant` (used by the dialect's constant materialisation).
pub fn build_constant(ctx: &mut Context, value: Attr, ty: Type, loc: Attr) -> Option<Op> {
    if ctx.attr_type(value) != Some(ty)
        || !matches!(
            ctx.attr_kind(value),
            AttrKind::DenseElements { .. } | AttrKind::DenseResource { .. }
        )
    {
        return None;
    }
    let n = ctx.op_name_id(ConstantOp::NAME);
    let mut st = OperationState::new(n, loc);
    let id = ctx.ident("value");
    st.props.push((id, value));
    st.result_types.push(ty);
    Some(ctx.create_op(st))
}

fn insert_constant(
    rw: &mut PatternRewriter<'_>,
    value: Attr,
    ty: Type,
    loc: Attr,
) -> Option<Value> {
    let c = build_constant(rw.ctx, value, ty, loc)?;
    let c = rw.insert(c);
    Some(rw.ctx.result(c, 0))
}

pub fn transpose_patterns(set: &mut PatternSet) {
    set.add(pattern(
        "graph.transpose",
        "compose-transposes",
        |op, rw| {
            let ctx = &*rw.ctx;
            let inner_v = ctx.operand(op, 0);
            let Some(inner) = ctx
                .defining_op(inner_v)
                .filter(|&d| ctx.op_name_str(d) == "graph.transpose")
            else {
                return false;
            };
            let (Some(p1), Some(p2)) = (
                ctx.attr(inner, "perm").and_then(|a| ctx.dense_int_array(a)),
                ctx.attr(op, "perm").and_then(|a| ctx.dense_int_array(a)),
            ) else {
                return false;
            };
            if p1.len() != p2.len() || p2.iter().any(|&i| i < 0 || i as usize >= p1.len()) {
                return false;
            }
            let p: Vec<i64> = p2.iter().map(|&i| p1[i as usize]).collect();
            let x = ctx.operand(inner, 0);
            let (loc, rty) = (ctx.op_loc(op), ctx.value_type(ctx.result(op, 0)));
            let pa = rw.ctx.dense_i64_array(&p);
            rw.set_insertion_point(InsertPoint::Before(op));
            let new = rw.create_op("graph.transpose", loc, &[x], &[rty], vec![("perm", pa)]);
            let r = rw.ctx.result(new, 0);
            rw.replace_op(op, &[r]);
            true
        },
    ));
}

pub fn reshape_patterns(set: &mut PatternSet) {
    set.add(pattern("graph.reshape", "compose-reshapes", |op, rw| {
        let ctx = &*rw.ctx;
        let Some(inner) = ctx
            .defining_op(ctx.operand(op, 0))
            .filter(|&d| ctx.op_name_str(d) == "graph.reshape")
        else {
            return false;
        };
        let x = ctx.operand(inner, 0);
        let shape = ctx.attr(op, "shape");
        // ONNX-style 0 (copy) entries refer to the inner result: keep both.
        if shape
            .and_then(|a| ctx.dense_int_array(a))
            .is_none_or(|v| v.iter().any(|&d| d <= 0))
        {
            return false;
        }
        let (Some(shape), loc, rty) = (shape, ctx.op_loc(op), ctx.value_type(ctx.result(op, 0)))
        else {
            return false;
        };
        rw.set_insertion_point(InsertPoint::Before(op));
        let new = rw.create_op("graph.reshape", loc, &[x], &[rty], vec![("shape", shape)]);
        let r = rw.ctx.result(new, 0);
        rw.replace_op(op, &[r]);
        true
    }));
}

/// Folds `batch_norm(conv2d(x, W, b))` into `conv2d(x, W', b')` when the
/// weights, bias and batch-norm parameters are small dense constants and the
/// convolution has no other user:
/// `s = scale / sqrt(var + eps)`, `W'[o] = W[o] * s[o]`,
/// `b'[o] = (b[o] - mean[o]) * s[o] + bias[o]`.
pub fn batch_norm_patterns(set: &mut PatternSet) {
    set.add(pattern(
        "graph.batch_norm",
        "fold-batch-norm-into-conv2d",
        fold_bn_into_conv,
    ));
}

fn fold_bn_into_conv(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    let ctx = &*rw.ctx;
    let conv_v = ctx.operand(op, 0);
    let Some(conv) = ctx
        .defining_op(conv_v)
        .filter(|&d| ctx.op_name_str(d) == "graph.conv2d")
    else {
        return false;
    };
    if !ctx.has_one_use(conv_v) {
        return false;
    }
    let consts: Option<Vec<Vec<f64>>> = (1..5)
        .map(|i| value_constant(ctx, ctx.operand(op, i)).and_then(|a| weight_values(ctx, a)))
        .collect();
    let Some(consts) = consts else { return false };
    let wv = ctx.operand(conv, 1);
    let wty = ctx.value_type(wv);
    let Some(w) = value_constant(ctx, wv).and_then(|a| weight_values(ctx, a)) else {
        return false;
    };
    let base = match value_constant(ctx, wv).map(|a| ctx.attr_kind(a)) {
        Some(AttrKind::DenseResource { handle, .. }) => format!("{}_bn", ctx.ident_str(*handle)),
        _ => "conv_bn".to_string(),
    };
    let wshape = shape_of(ctx, wty);
    let o = wshape.first().copied().unwrap_or(0) as usize;
    if o == 0 || consts.iter().any(|c| c.len() != o) || w.len() % o != 0 {
        return false;
    }
    let bias = match ctx.num_operands(conv) {
        3 => match value_constant(ctx, ctx.operand(conv, 2)).and_then(|a| weight_values(ctx, a)) {
            Some(b) if b.len() == o => b,
            _ => return false,
        },
        _ => vec![0.0; o],
    };
    let eps = ctx
        .attr(op, "epsilon")
        .and_then(|a| ctx.float_value(a))
        .unwrap_or(1e-5);
    let (scale, shift, mean, var) = (&consts[0], &consts[1], &consts[2], &consts[3]);
    let s: Vec<f64> = (0..o).map(|i| scale[i] / (var[i] + eps).sqrt()).collect();
    let per = w.len() / o;
    let new_w: Vec<f64> = w.iter().enumerate().map(|(i, &x)| x * s[i / per]).collect();
    let new_b: Vec<f64> = (0..o)
        .map(|i| (bias[i] - mean[i]) * s[i] + shift[i])
        .collect();
    let elem = ctx.element_type(wty);
    let (loc, rty, x) = (
        ctx.op_loc(op),
        ctx.value_type(ctx.result(op, 0)),
        ctx.operand(conv, 0),
    );
    let attrs: Vec<(String, Attr)> = ["strides", "padding", "dilations", "groups"]
        .iter()
        .filter_map(|n| ctx.attr(conv, n).map(|a| (n.to_string(), a)))
        .collect();
    let bty = rw.ctx.tensor_type(&[o as i64], elem);
    let (Some(wa), Some(ba)) = (
        weight_attr(rw.ctx, wty, &new_w, &base),
        dense_from_f64(rw.ctx, bty, &new_b),
    ) else {
        return false;
    };
    rw.set_insertion_point(InsertPoint::Before(op));
    let (Some(wc), Some(bc)) = (
        insert_constant(rw, wa, wty, loc),
        insert_constant(rw, ba, bty, loc),
    ) else {
        return false;
    };
    let attrs: Vec<(&str, Attr)> = attrs.iter().map(|(n, a)| (n.as_str(), *a)).collect();
    let new = rw.create_op("graph.conv2d", loc, &[x, wc, bc], &[rty], attrs);
    let r = rw.ctx.result(new, 0);
    rw.replace_op(op, &[r]);
    true
}

#[cfg(test)]
mod tests {
    use super::broadcast_index;

    #[test]
    fn broadcast_indices() {
        // [2,3] <- [3]
        let idx: Vec<usize> = (0..6).map(|i| broadcast_index(&[2, 3], &[3], i)).collect();
        assert_eq!(idx, vec![0, 1, 2, 0, 1, 2]);
        // [2,3] <- [2,1]
        let idx: Vec<usize> = (0..6)
            .map(|i| broadcast_index(&[2, 3], &[2, 1], i))
            .collect();
        assert_eq!(idx, vec![0, 0, 0, 1, 1, 1]);
    }
}
