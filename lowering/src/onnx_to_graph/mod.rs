//! `--lower-onnx-to-graph`: the first lowering of the pipeline
//! (docs/LOWERING.md), from one op per ONNX operator to the small orthogonal
//! graph op set that fusion and the te level consume.
//!
//! Each onnx op is rewritten by one pattern ([`populate_onnx_to_graph_patterns`])
//! into graph ops carrying the onnx op's location. ONNX conventions are
//! normalised on the way: `auto_pad` becomes explicit padding, optional
//! attributes become explicit values where the graph op has no matching
//! default, 1-D MatMul operands are reshaped to matrices, Gemm's
//! `alpha`/`beta` become multiplications by scalar constants, and
//! `Reshape`/`Flatten` become static `graph.reshape`s. Constants keep their
//! (shared, interned) `dense`/`dense_resource` attribute, so weights are
//! never copied. The pass fails, located at the op, naming every onnx op it
//! could not lower and why.

mod ml;
mod nn;
mod quant;
mod reduce;
mod rnn;
mod shape_ops;
mod text;

use dlc_graph::ops as gops;
use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::rewrite::{
    FrozenPatterns, GreedyConfig, InsertPoint, PatternRewriter, PatternSet, RegionSimplify,
    RewriteEvent, RewritePattern, apply_patterns_greedily,
};
use dlc_ir::types::DYNAMIC;
use dlc_ir::{Attr, Context, Diagnostic, Op, Type, TypeKind, Value};
use dlc_onnx::shape::{AutoPad, Window, window_output};

/// Why an op could not be lowered.
pub(crate) type LowerResult<T> = Result<T, String>;

/// Lowers one onnx op: builds graph ops at the rewriter's insertion point and
/// returns the values replacing the op's results (without replacing them).
pub(crate) type LowerFn = fn(&mut PatternRewriter<'_>, Op) -> LowerResult<Vec<Value>>;

/// Every onnx op name with its lowering.
const LOWERINGS: &[(&str, LowerFn)] = &[
    (dlc_onnx::ConstantOp::NAME, lower_constant),
    (dlc_onnx::IdentityOp::NAME, lower_identity),
    (dlc_onnx::AddOp::NAME, lower_binary),
    (dlc_onnx::SubOp::NAME, lower_binary),
    (dlc_onnx::MulOp::NAME, lower_binary),
    (dlc_onnx::DivOp::NAME, lower_binary),
    (dlc_onnx::ReluOp::NAME, lower_unary),
    (dlc_onnx::SigmoidOp::NAME, lower_unary),
    (dlc_onnx::TanhOp::NAME, lower_unary),
    (dlc_onnx::SoftmaxOp::NAME, lower_softmax),
    (dlc_onnx::ReshapeOp::NAME, lower_reshape),
    (dlc_onnx::FlattenOp::NAME, lower_reshape),
    (dlc_onnx::TransposeOp::NAME, lower_transpose),
    (dlc_onnx::ConcatOp::NAME, lower_concat),
    (dlc_onnx::MatMulOp::NAME, lower_matmul),
    (dlc_onnx::GemmOp::NAME, lower_gemm),
    (dlc_onnx::ConvOp::NAME, lower_conv),
    (dlc_onnx::MaxPoolOp::NAME, lower_pool),
    (dlc_onnx::AveragePoolOp::NAME, lower_pool),
    (
        dlc_onnx::GlobalAveragePoolOp::NAME,
        lower_global_average_pool,
    ),
    (dlc_onnx::BatchNormalizationOp::NAME, lower_batch_norm),
    (dlc_onnx::elementwise::MaxOp::NAME, lower_variadic),
    (dlc_onnx::elementwise::MinOp::NAME, lower_variadic),
    (dlc_onnx::elementwise::SumOp::NAME, lower_variadic),
    (dlc_onnx::elementwise::MeanOp::NAME, lower_variadic),
    (dlc_onnx::elementwise::ClipOp::NAME, lower_clip),
];

/// The lowerings of a group of onnx ops (a module of this directory):
/// the lowering of op `name` (`onnx.X`), or `None` if it is not the group's.
pub(crate) type FamilyLowerings = fn(&str) -> Option<LowerFn>;

/// The groups tried after [`LOWERINGS`].
const FAMILIES: &[FamilyLowerings] = &[
    |name| {
        dlc_onnx::elementwise::OP_NAMES
            .contains(&name)
            .then_some(lower_elementwise as LowerFn)
    },
    reduce::lowering,
    shape_ops::lowering,
    nn::lowering,
    quant::lowering,
    rnn::lowering,
    text::lowering,
    ml::lowering,
];

/// The lowering of an onnx op: from [`LOWERINGS`], else from a group.
fn lowering_of(name: &str) -> Option<LowerFn> {
    LOWERINGS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .or_else(|| FAMILIES.iter().find_map(|f| f(name)))
}

fn lowering_for(name: &str) -> Option<LowerFn> {
    lowering_of(name)
}

/// The pattern lowering one onnx op kind.
struct OnnxToGraphPattern {
    root: &'static str,
    lower: LowerFn,
}

impl RewritePattern for OnnxToGraphPattern {
    fn root(&self) -> Option<&'static str> {
        Some(self.root)
    }
    fn name(&self) -> &'static str {
        "onnx-to-graph"
    }
    fn match_and_rewrite(&self, op: Op, rw: &mut PatternRewriter<'_>) -> bool {
        try_lower(rw, op, self.lower).is_ok()
    }
}

/// Adds one pattern per onnx op to `set`.
pub fn populate_onnx_to_graph_patterns(set: &mut PatternSet) {
    for def in dlc_onnx::DIALECT.ops {
        if let Some(lower) = lowering_of(def.name) {
            set.add(OnnxToGraphPattern {
                root: def.name,
                lower,
            });
        }
    }
}

/// Runs `lower` on `op` and replaces it; on failure, erases whatever was
/// built so the IR is unchanged.
fn try_lower(rw: &mut PatternRewriter<'_>, op: Op, lower: LowerFn) -> LowerResult<()> {
    let mark = rw.events.len();
    rw.set_insertion_point(InsertPoint::Before(op));
    let result = lower(rw, op).and_then(|vals| {
        if vals.len() != rw.ctx.num_results(op) {
            return Err("internal error: wrong number of lowered values".into());
        }
        for (i, v) in vals.iter().enumerate() {
            let want = rw.ctx.value_type(rw.ctx.result(op, i));
            if rw.ctx.value_type(*v) != want {
                return Err(format!(
                    "result #{i} would lower to type {} instead of {}",
                    type_str(rw.ctx, rw.ctx.value_type(*v)),
                    type_str(rw.ctx, want)
                ));
            }
        }
        Ok(vals)
    });
    match result {
        Ok(vals) => {
            rw.replace_op(op, &vals);
            Ok(())
        }
        Err(e) => {
            let built: Vec<Op> = rw.events[mark..]
                .iter()
                .filter_map(|e| match e {
                    RewriteEvent::Inserted(o) => Some(*o),
                    _ => None,
                })
                .collect();
            for o in built.into_iter().rev() {
                rw.ctx.erase_op(o);
            }
            rw.events.truncate(mark);
            Err(e)
        }
    }
}

pub(crate) fn type_str(ctx: &Context, t: Type) -> String {
    let mut s = String::new();
    dlc_ir::printer::print_type_to(ctx, t, &mut s);
    s
}

// ----- helpers ------------------------------------------------------------------

/// The static-or-dynamic shape of a ranked tensor value.
pub(crate) fn shape_of(ctx: &Context, v: Value) -> LowerResult<Vec<i64>> {
    let t = ctx.value_type(v);
    match ctx.type_kind(t) {
        TypeKind::Tensor { shape, .. } => Ok(shape.to_vec()),
        _ => Err(format!(
            "needs ranked tensor operands, got {}",
            type_str(ctx, t)
        )),
    }
}

pub(crate) fn result_shape(ctx: &Context, op: Op) -> LowerResult<Vec<i64>> {
    shape_of(ctx, ctx.result(op, 0))
}

/// The elements attribute of `v` if an onnx or graph constant defines it.
pub(crate) fn constant_attr(ctx: &Context, v: Value) -> Option<Attr> {
    let d = ctx.defining_op(v)?;
    match ctx.op_name_str(d) {
        "onnx.Constant" | "graph.constant" => ctx.attr(d, "value"),
        _ => None,
    }
}

/// The integers of `v` if an onnx or graph constant defines it.
pub(crate) fn constant_ints(ctx: &Context, v: Value) -> Option<Vec<i64>> {
    constant_attr(ctx, v).and_then(|a| dlc_onnx::const_ints(ctx, a))
}

pub(crate) fn is_static(s: &[i64]) -> bool {
    s.iter().all(|&d| d != DYNAMIC && d >= 0)
}

pub(crate) fn int_attr(ctx: &Context, op: Op, name: &str, default: i64) -> LowerResult<i64> {
    match ctx.attr(op, name) {
        None => Ok(default),
        Some(a) => ctx
            .int_value(a)
            .and_then(|v| i64::try_from(v).ok())
            .ok_or_else(|| format!("attribute '{name}' must be an integer")),
    }
}

pub(crate) fn float_attr(ctx: &Context, op: Op, name: &str, default: f64) -> LowerResult<f64> {
    match ctx.attr(op, name) {
        None => Ok(default),
        Some(a) => ctx
            .float_value(a)
            .ok_or_else(|| format!("attribute '{name}' must be a float")),
    }
}

pub(crate) fn ints_attr(ctx: &Context, op: Op, name: &str) -> LowerResult<Option<Vec<i64>>> {
    match ctx.attr(op, name) {
        None => Ok(None),
        Some(a) => dlc_onnx::ints_value(ctx, a)
            .map(Some)
            .ok_or_else(|| format!("attribute '{name}' must be an array of integers")),
    }
}

pub(crate) fn norm_axis(axis: i64, rank: usize) -> LowerResult<i64> {
    let r = rank as i64;
    if axis < -r || axis >= r {
        return Err(format!("axis {axis} is out of range for rank {rank}"));
    }
    Ok(if axis < 0 { axis + r } else { axis })
}

/// Builds graph op `name` with one result whose type is inferred.
pub(crate) fn build(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    name: &str,
    operands: &[Value],
    attrs: Vec<(&str, Attr)>,
) -> LowerResult<Value> {
    let tys: Vec<Type> = operands.iter().map(|&v| rw.ctx.value_type(v)).collect();
    let ty = gops::infer_result_type(rw.ctx, name, &tys, &attrs)
        .map_err(|e| format!("cannot build '{name}': {e}"))?;
    let op = rw.create_op(name, loc, operands, &[ty], attrs);
    Ok(rw.ctx.result(op, 0))
}

/// `graph.reshape` of `v` to the static `shape` (or `v` itself).
pub(crate) fn reshape(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    v: Value,
    shape: &[i64],
) -> LowerResult<Value> {
    if !is_static(shape) {
        // One run-time extent is the element count divided by the others:
        // ONNX's -1 in graph.reshape's shape.
        if shape.iter().filter(|&&d| d == DYNAMIC).count() == 1
            && shape.iter().all(|&d| d == DYNAMIC || d > 0)
        {
            let spec: Vec<i64> = shape
                .iter()
                .map(|&d| if d == DYNAMIC { -1 } else { d })
                .collect();
            let s = rw.ctx.dense_i64_array(&spec);
            return build(rw, loc, "graph.reshape", &[v], vec![("shape", s)]);
        }
        return Err(format!(
            "needs a static shape to reshape to, or one with a single run-time dimension, got {shape:?}"
        ));
    }
    if shape_of(rw.ctx, v)? == shape {
        return Ok(v);
    }
    let s = rw.ctx.dense_i64_array(shape);
    build(rw, loc, "graph.reshape", &[v], vec![("shape", s)])
}

/// A `graph.constant` rank-0 tensor holding `value` of element type `elem`.
pub(crate) fn scalar_constant(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    elem: Type,
    value: f64,
) -> LowerResult<Value> {
    let ty = rw.ctx.tensor_type(&[], elem);
    let a = dlc_ir::dense::dense_from_f64(rw.ctx, ty, &[value])
        .ok_or_else(|| format!("cannot scale by {value} with a non-float element type"))?;
    let op = rw.create_op("graph.constant", loc, &[], &[ty], vec![("value", a)]);
    Ok(rw.ctx.result(op, 0))
}

pub(crate) fn operands(ctx: &Context, op: Op) -> Vec<Value> {
    ctx.operands(op).collect()
}

// ----- lowerings ----------------------------------------------------------------

fn lower_constant(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let value = rw
        .ctx
        .attr(op, "value")
        .ok_or("needs a 'value' attribute")?;
    let ty = rw.ctx.value_type(rw.ctx.result(op, 0));
    if !matches!(rw.ctx.type_kind(ty), TypeKind::Tensor { .. }) {
        return Err("needs a ranked tensor result".into());
    }
    // The attribute is interned: the graph constant shares the blob.
    let c = rw.create_op("graph.constant", loc, &[], &[ty], vec![("value", value)]);
    Ok(vec![rw.ctx.result(c, 0)])
}

fn lower_identity(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    Ok(vec![rw.ctx.operand(op, 0)])
}

fn lower_unary(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let name = match rw.ctx.op_name_str(op) {
        "onnx.Relu" => "graph.relu",
        "onnx.Sigmoid" => "graph.sigmoid",
        _ => "graph.tanh",
    };
    let x = rw.ctx.operand(op, 0);
    shape_of(rw.ctx, x)?;
    Ok(vec![build(rw, loc, name, &[x], vec![])?])
}

fn lower_binary(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let name = match rw.ctx.op_name_str(op) {
        "onnx.Add" => "graph.add",
        "onnx.Sub" => "graph.sub",
        "onnx.Mul" => "graph.mul",
        _ => "graph.div",
    };
    let ops = operands(rw.ctx, op);
    Ok(vec![build(rw, loc, name, &ops, vec![])?])
}

fn lower_softmax(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    // The importer rewrites opset < 13 Softmax (2-D coercion) into
    // Flatten + Softmax + Reshape, so `axis` here has opset-13 meaning.
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let rank = shape_of(rw.ctx, x)?.len();
    let axis = norm_axis(int_attr(rw.ctx, op, "axis", -1)?, rank)?;
    let a = rw.ctx.i64_attr(axis);
    Ok(vec![build(
        rw,
        loc,
        "graph.softmax",
        &[x],
        vec![("axis", a)],
    )?])
}

/// Reshape and Flatten: the importer inferred the (static) result shape.
fn lower_reshape(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let target = result_shape(rw.ctx, op)?;
    // Static, or one run-time extent (the remaining element count): no
    // need to look at the shape operand (Flatten has none).
    if is_static(&target) || target.iter().filter(|&&d| d == DYNAMIC).count() == 1 {
        return Ok(vec![reshape(rw, loc, x, &target)?]);
    }
    // Run-time extents: a constant shape whose `0`s (copy) and `-1`
    // (inferred) stay in `graph.reshape`'s `shape` for the dynamic ones.
    let spec = rw
        .ctx
        .operands(op)
        .nth(1)
        .and_then(|v| constant_ints(rw.ctx, v))
        .ok_or("with run-time dimensions needs a constant shape operand (a shape computed at run time is not supported yet)")?;
    if rw
        .ctx
        .attr(op, "allowzero")
        .and_then(|a| rw.ctx.int_value(a))
        == Some(1)
    {
        return Err("with run-time dimensions and allowzero=1 is not supported".into());
    }
    if spec.len() != target.len() {
        return Err("shape operand and result rank differ".into());
    }
    let attr: Vec<i64> = target
        .iter()
        .zip(&spec)
        .map(|(&t, &s)| if t == DYNAMIC { s } else { t })
        .collect();
    let s = rw.ctx.dense_i64_array(&attr);
    Ok(vec![build(
        rw,
        loc,
        "graph.reshape",
        &[x],
        vec![("shape", s)],
    )?])
}

fn lower_transpose(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let rank = shape_of(rw.ctx, x)?.len();
    let perm = match ints_attr(rw.ctx, op, "perm")? {
        Some(p) => p,
        None => (0..rank as i64).rev().collect(),
    };
    let p = rw.ctx.dense_i64_array(&perm);
    Ok(vec![build(
        rw,
        loc,
        "graph.transpose",
        &[x],
        vec![("perm", p)],
    )?])
}

fn lower_concat(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let Some(&first) = ins.first() else {
        return Err("needs at least one input".into());
    };
    if ins.len() == 1 {
        return Ok(vec![first]);
    }
    let rank = shape_of(rw.ctx, first)?.len();
    let axis = rw.ctx.attr(op, "axis").ok_or("needs an 'axis' attribute")?;
    let axis = rw
        .ctx
        .int_value(axis)
        .and_then(|v| i64::try_from(v).ok())
        .ok_or("'axis' must be an integer")?;
    let a = rw.ctx.i64_attr(norm_axis(axis, rank)?);
    Ok(vec![build(
        rw,
        loc,
        "graph.concat",
        &ins,
        vec![("axis", a)],
    )?])
}

/// numpy matmul: a 1-D `A` gets a leading 1, a 1-D `B` a trailing 1, and the
/// added dimension is dropped from the result.
fn lower_matmul(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let (a, b) = (rw.ctx.operand(op, 0), rw.ctx.operand(op, 1));
    let (sa, sb) = (shape_of(rw.ctx, a)?, shape_of(rw.ctx, b)?);
    if sa.is_empty() || sb.is_empty() {
        return Err("MatMul operands must have rank >= 1".into());
    }
    let out = result_shape(rw.ctx, op)?;
    let a2 = if sa.len() == 1 {
        reshape(rw, loc, a, &[1, sa[0]])?
    } else {
        a
    };
    let b2 = if sb.len() == 1 {
        reshape(rw, loc, b, &[sb[0], 1])?
    } else {
        b
    };
    let m = build(rw, loc, "graph.matmul", &[a2, b2], vec![])?;
    if sa.len() == 1 || sb.len() == 1 {
        return Ok(vec![reshape(rw, loc, m, &out)?]);
    }
    Ok(vec![m])
}

/// `alpha * A' B' + beta * C`: transposes become matmul flags, scalings
/// multiplications by constants (only when not 1), C a broadcasting add.
fn lower_gemm(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    if ins.len() < 2 {
        return Err("needs operands A and B".into());
    }
    let alpha = float_attr(rw.ctx, op, "alpha", 1.0)?;
    let beta = float_attr(rw.ctx, op, "beta", 1.0)?;
    let ta = int_attr(rw.ctx, op, "transA", 0)? != 0;
    let tb = int_attr(rw.ctx, op, "transB", 0)? != 0;
    for &v in &ins {
        shape_of(rw.ctx, v)?;
    }
    let elem = rw.ctx.element_type(rw.ctx.value_type(ins[0]));
    if (alpha != 1.0 || (beta != 1.0 && ins.len() > 2)) && !rw.ctx.is_float(elem) {
        return Err("alpha/beta scaling needs a float element type".into());
    }
    let mut attrs = Vec::new();
    if ta {
        attrs.push(("transpose_a", rw.ctx.unit_attr()));
    }
    if tb {
        attrs.push(("transpose_b", rw.ctx.unit_attr()));
    }
    let mut y = build(rw, loc, "graph.matmul", &ins[..2], attrs)?;
    if alpha != 1.0 {
        let k = scalar_constant(rw, loc, elem, alpha)?;
        y = build(rw, loc, "graph.mul", &[y, k], vec![])?;
    }
    if let Some(&c) = ins.get(2)
        && beta != 0.0
    {
        let c = if beta != 1.0 {
            let k = scalar_constant(rw, loc, elem, beta)?;
            build(rw, loc, "graph.mul", &[c, k], vec![])?
        } else {
            c
        };
        y = build(rw, loc, "graph.add", &[y, c], vec![])?;
    }
    Ok(vec![y])
}

/// The window attributes of a Conv/pool op with `auto_pad` resolved:
/// `(strides, dilations, pads [top, left, bottom, right])`.
fn resolve_window(
    ctx: &Context,
    op: Op,
    spatial: &[i64],
    kernel: Vec<i64>,
) -> LowerResult<(Vec<i64>, Vec<i64>, Vec<i64>)> {
    let auto_pad = match ctx.attr(op, "auto_pad") {
        None => AutoPad::NotSet,
        Some(a) => AutoPad::parse(ctx.string_value(a).ok_or("'auto_pad' must be a string")?)
            .map_err(|e| e.0)?,
    };
    if matches!(auto_pad, AutoPad::SameUpper | AutoPad::SameLower) && !is_static(spatial) {
        return Err("auto_pad SAME_* needs static spatial dimensions".into());
    }
    let n = spatial.len();
    let win = Window {
        kernel,
        strides: ints_attr(ctx, op, "strides")?,
        dilations: ints_attr(ctx, op, "dilations")?,
        pads: ints_attr(ctx, op, "pads")?,
        auto_pad,
        ceil_mode: int_attr(ctx, op, "ceil_mode", 0)? != 0,
    };
    let (_, pads) = window_output(spatial, &win).map_err(|e| e.0)?;
    let strides = win.strides.unwrap_or_else(|| vec![1; n]);
    let dilations = win.dilations.unwrap_or_else(|| vec![1; n]);
    Ok((strides, dilations, pads))
}

/// Window attributes in graph form, omitting defaults.
fn window_attrs(
    ctx: &mut Context,
    strides: &[i64],
    dilations: Option<&[i64]>,
    pads: &[i64],
) -> Vec<(&'static str, Attr)> {
    let mut attrs = Vec::new();
    if strides.iter().any(|&s| s != 1) {
        attrs.push(("strides", ctx.dense_i64_array(strides)));
    }
    if pads.iter().any(|&p| p != 0) {
        attrs.push(("padding", ctx.dense_i64_array(pads)));
    }
    if let Some(d) = dilations
        && d.iter().any(|&x| x != 1)
    {
        attrs.push(("dilations", ctx.dense_i64_array(d)));
    }
    attrs
}

fn lower_conv(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    if ins.len() < 2 {
        return Err("needs operands X and W".into());
    }
    let (sx, sw) = (shape_of(rw.ctx, ins[0])?, shape_of(rw.ctx, ins[1])?);
    let one_d = sx.len() == 3 && sw.len() == 3;
    let two_d = sx.len() == 4 && sw.len() == 4;
    if !one_d && !two_d {
        return Err(format!(
            "only 1-D and 2-D convolution (rank-3 or rank-4 X and W) lower to graph.conv2d, got rank {}",
            sx.len()
        ));
    }
    let kernel = match ints_attr(rw.ctx, op, "kernel_shape")? {
        Some(k) => k,
        None => sw[2..].to_vec(),
    };
    if !is_static(&kernel) || !is_static(&sx[1..]) {
        return Err("needs a static kernel and static channel and spatial dimensions (only the batch may be known at run time)".into());
    }
    let (strides, dilations, pads) = resolve_window(rw.ctx, op, &sx[2..], kernel)?;
    // 1-D is 2-D with a height of 1.
    let (strides, dilations, pads, ins) = if one_d {
        let x = reshape(rw, loc, ins[0], &[sx[0], sx[1], 1, sx[2]])?;
        let w = reshape(rw, loc, ins[1], &[sw[0], sw[1], 1, sw[2]])?;
        let mut v = vec![x, w];
        v.extend_from_slice(&ins[2..]);
        (
            vec![1, strides[0]],
            vec![1, dilations[0]],
            vec![0, pads[0], 0, pads[1]],
            v,
        )
    } else {
        (strides, dilations, pads, ins)
    };
    let mut attrs = window_attrs(rw.ctx, &strides, Some(&dilations), &pads);
    let group = int_attr(rw.ctx, op, "group", 1)?;
    if group != 1 {
        attrs.push(("groups", rw.ctx.i64_attr(group)));
    }
    let y = build(rw, loc, "graph.conv2d", &ins, attrs)?;
    if one_d {
        let ys = shape_of(rw.ctx, y)?;
        return Ok(vec![reshape(rw, loc, y, &[ys[0], ys[1], ys[3]])?]);
    }
    Ok(vec![y])
}

fn lower_pool(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let is_max = rw.ctx.op_name_str(op) == dlc_onnx::MaxPoolOp::NAME;
    let x = rw.ctx.operand(op, 0);
    let cip = !is_max && int_attr(rw.ctx, op, "count_include_pad", 0)? != 0;
    let m = pool(rw, op, x, is_max, cip)?;
    if rw.ctx.num_results(op) > 1 {
        let idx = max_pool_indices(rw, op, x, m)?;
        return Ok(vec![m, idx]);
    }
    Ok(vec![m])
}

/// MaxPool's Indices (2-D): the flat position in `x` (row-major, or
/// column-major in each H x W plane with `storage_order = 1`) of the first
/// maximum of each window, in window scan order. For each kernel offset the
/// strided slice of the -inf-padded input is compared with the maxima;
/// selecting from the last offset to the first leaves the first match.
fn max_pool_indices(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    x: Value,
    m: Value,
) -> LowerResult<Value> {
    let loc = rw.ctx.op_loc(op);
    let (sx, sm) = (shape_of(rw.ctx, x)?, shape_of(rw.ctx, m)?);
    if sx.len() != 4 || !is_static(&sx) || !is_static(&sm) {
        return Err("the Indices result needs a static 4-D input".into());
    }
    let kernel = ints_attr(rw.ctx, op, "kernel_shape")?.ok_or("needs 'kernel_shape'")?;
    let (st, dl, pads) = resolve_window(rw.ctx, op, &sx[2..], kernel.clone())?;
    let column_major = int_attr(rw.ctx, op, "storage_order", 0)? == 1;
    let (n, c, h, w) = (sx[0], sx[1], sx[2], sx[3]);
    let (oh, ow) = (sm[2], sm[3]);
    let (pt, pl) = (pads[0], pads[1]);
    let need_h = (oh - 1) * st[0] + (kernel[0] - 1) * dl[0] + 1;
    let need_w = (ow - 1) * st[1] + (kernel[1] - 1) * dl[1] + 1;
    let (ph, pw) = ((need_h - pt).max(h) + pt, (need_w - pl).max(w) + pl);
    let e = rw.ctx.element_type(rw.ctx.value_type(x));
    let low = if rw.ctx.is_float(e) {
        f64::NEG_INFINITY
    } else {
        -(2f64.powi(rw.ctx.int_or_float_width(e).unwrap_or(32) as i32 - 1))
    };
    let pv = scalar_constant(rw, loc, e, low)?;
    let pty = rw.ctx.tensor_type(&[n, c, ph, pw], e);
    let low_a = rw.ctx.dense_i64_array(&[0, 0, pt, pl]);
    let mode = rw.ctx.string_attr("constant");
    let xp = rw.create_op(
        "graph.pad",
        loc,
        &[x, pv],
        &[pty],
        vec![("low", low_a), ("mode", mode)],
    );
    let xp = rw.ctx.result(xp, 0);
    let i64t = rw.ctx.i64();
    // (n C + c) H W, broadcast over the window positions.
    let base: Vec<i128> = (0..n * c).map(|k| i128::from(k * h * w)).collect();
    let bty = rw.ctx.tensor_type(&[n, c, 1, 1], i64t);
    let ba = dlc_ir::dense::dense_from_i128(rw.ctx, bty, &base).ok_or("index table")?;
    let base = rw.create_op("graph.constant", loc, &[], &[bty], vec![("value", ba)]);
    let base = rw.ctx.result(base, 0);
    let i1 = rw.ctx.i1();
    let rty = rw.ctx.tensor_type(&sm, i64t);
    let mut acc = {
        let a = dlc_ir::dense::dense_from_i128(rw.ctx, rty, &[-1]).ok_or("index table")?;
        let k = rw.create_op("graph.constant", loc, &[], &[rty], vec![("value", a)]);
        rw.ctx.result(k, 0)
    };
    let offsets: Vec<(i64, i64)> = (0..kernel[0])
        .flat_map(|a| (0..kernel[1]).map(move |b| (a, b)))
        .collect();
    for &(a, b) in offsets.iter().rev() {
        let starts = rw.ctx.dense_i64_array(&[0, 0, a * dl[0], b * dl[1]]);
        let steps = rw.ctx.dense_i64_array(&[1, 1, st[0], st[1]]);
        let xty = rw.ctx.tensor_type(&sm, e);
        let xk = rw.create_op(
            "graph.slice",
            loc,
            &[xp],
            &[xty],
            vec![("starts", starts), ("steps", steps)],
        );
        let xk = rw.ctx.result(xk, 0);
        let eq_ty = rw.ctx.tensor_type(&sm, i1);
        let kind = rw.ctx.string_attr("equal");
        let eq = rw.create_op(
            dlc_graph::elementwise::ElementwiseOp::NAME,
            loc,
            &[xk, m],
            &[eq_ty],
            vec![("kind", kind)],
        );
        let eq = rw.ctx.result(eq, 0);
        // The in-plane position of this offset for every output position.
        let mut plane = Vec::with_capacity((oh * ow) as usize);
        for i in 0..oh {
            for j in 0..ow {
                let y = i * st[0] - pt + a * dl[0];
                let z = j * st[1] - pl + b * dl[1];
                let p = if column_major { z * h + y } else { y * w + z };
                plane.push(i128::from(p));
            }
        }
        let pty = rw.ctx.tensor_type(&[1, 1, oh, ow], i64t);
        let pa = dlc_ir::dense::dense_from_i128(rw.ctx, pty, &plane).ok_or("index table")?;
        let pc = rw.create_op("graph.constant", loc, &[], &[pty], vec![("value", pa)]);
        let pc = rw.ctx.result(pc, 0);
        let idx = build(rw, loc, "graph.add", &[base, pc], vec![])?;
        let kind = rw.ctx.string_attr("select");
        let sel = rw.create_op(
            dlc_graph::elementwise::ElementwiseOp::NAME,
            loc,
            &[eq, idx, acc],
            &[rty],
            vec![("kind", kind)],
        );
        acc = rw.ctx.result(sel, 0);
    }
    Ok(acc)
}

/// A max or average pooling of `x` with `op`'s window attributes
/// (kernel_shape, strides, pads/auto_pad, ceil_mode), 1-D or 2-D.
pub(crate) fn pool(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    x: Value,
    is_max: bool,
    count_include_pad: bool,
) -> LowerResult<Value> {
    let loc = rw.ctx.op_loc(op);
    let sx = shape_of(rw.ctx, x)?;
    let one_d = sx.len() == 3;
    {
        // 3-D windows and dilated ones: graph.pool_nd.
        let kernel = ints_attr(rw.ctx, op, "kernel_shape")?.ok_or("needs 'kernel_shape'")?;
        let dil = ints_attr(rw.ctx, op, "dilations")?.unwrap_or_default();
        if sx.len() >= 5 || dil.iter().any(|&d| d != 1) {
            if !is_static(&sx) {
                return Err("needs a static input shape".into());
            }
            let (strides, dilations, pads) = resolve_window(rw.ctx, op, &sx[2..], kernel.clone())?;
            let rs = shape_of(rw.ctx, rw.ctx.result(op, 0))?;
            let elem = rw.ctx.element_type(rw.ctx.value_type(x));
            let rt = rw.ctx.tensor_type(&rs, elem);
            let mut attrs = vec![
                (
                    "kind",
                    rw.ctx.string_attr(if is_max { "max" } else { "avg" }),
                ),
                ("kernel", rw.ctx.dense_i64_array(&kernel)),
                ("strides", rw.ctx.dense_i64_array(&strides)),
                ("dilations", rw.ctx.dense_i64_array(&dilations)),
                ("pads", rw.ctx.dense_i64_array(&pads)),
            ];
            if count_include_pad {
                attrs.push(("count_include_pad", rw.ctx.unit_attr()));
            }
            let p = rw.create_op("graph.pool_nd", loc, &[x], &[rt], attrs);
            return Ok(rw.ctx.result(p, 0));
        }
    }
    if sx.len() != 4 && !one_d {
        return Err(format!(
            "only 1-D and 2-D pooling (rank-3 or rank-4 input) lower to graph pools, got rank {}",
            sx.len()
        ));
    }
    if one_d && !is_static(&sx) {
        return Err("needs a static input shape".into());
    }
    let kernel = ints_attr(rw.ctx, op, "kernel_shape")?.ok_or("needs 'kernel_shape'")?;
    let (strides, dilations, pads) = resolve_window(rw.ctx, op, &sx[2..], kernel.clone())?;
    // 1-D is 2-D with a height of 1.
    let (x, kernel, strides, dilations, pads) = if one_d {
        (
            reshape(rw, loc, x, &[sx[0], sx[1], 1, sx[2]])?,
            vec![1, kernel[0]],
            vec![1, strides[0]],
            vec![1, dilations[0]],
            vec![0, pads[0], 0, pads[1]],
        )
    } else {
        (x, kernel, strides, dilations, pads)
    };
    if dilations.iter().any(|&d| d != 1) {
        return Err("dilated pooling is not supported by the graph dialect".into());
    }
    let mut attrs = vec![("kernel", rw.ctx.dense_i64_array(&kernel))];
    attrs.extend(window_attrs(rw.ctx, &strides, None, &pads));
    if int_attr(rw.ctx, op, "ceil_mode", 0)? != 0 {
        attrs.push(("ceil_mode", rw.ctx.unit_attr()));
    }
    let name = if is_max {
        "graph.max_pool2d"
    } else {
        if count_include_pad {
            attrs.push(("count_include_pad", rw.ctx.unit_attr()));
        }
        "graph.avg_pool2d"
    };
    let y = build(rw, loc, name, &[x], attrs)?;
    if one_d {
        let ys = shape_of(rw.ctx, y)?;
        return reshape(rw, loc, y, &[ys[0], ys[1], ys[3]]);
    }
    Ok(y)
}

fn lower_global_average_pool(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let rank = shape_of(rw.ctx, x)?.len();
    if rank == 4 {
        return Ok(vec![build(
            rw,
            loc,
            "graph.global_avg_pool2d",
            &[x],
            vec![],
        )?]);
    }
    if rank < 3 {
        return Err(format!("needs an input of rank >= 3, got rank {rank}"));
    }
    let axes: Vec<i64> = (2..rank as i64).collect();
    let attrs = vec![
        ("axes", rw.ctx.dense_i64_array(&axes)),
        ("keepdims", rw.ctx.unit_attr()),
    ];
    Ok(vec![build(rw, loc, "graph.reduce_mean", &[x], attrs)?])
}

fn lower_batch_norm(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    if ins.len() != 5 {
        return Err("needs 5 operands".into());
    }
    if int_attr(rw.ctx, op, "training_mode", 0)? != 0 {
        return lower_batch_norm_training(rw, op, &ins);
    }
    if rw.ctx.num_results(op) > 1 {
        return Err("running mean and variance outputs need training_mode = 1".into());
    }
    let mut attrs = Vec::new();
    if let Some(e) = rw.ctx.attr(op, "epsilon") {
        attrs.push(("epsilon", e));
    }
    Ok(vec![build(rw, loc, "graph.batch_norm", &ins, attrs)?])
}

/// BatchNormalization with `training_mode = 1` (the reference's
/// `_batchnorm_training_mode`): Y is normalised with the batch mean and
/// (population) variance over every axis but 1; the running statistics are
/// `input * momentum + batch * (1 - momentum)`.
fn lower_batch_norm_training(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    ins: &[Value],
) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = ins[0];
    let sx = shape_of(rw.ctx, x)?;
    if sx.len() < 2 || !is_static(&sx) {
        return Err("training mode needs a static input of rank >= 2".into());
    }
    let e = rw.ctx.element_type(rw.ctx.value_type(x));
    let eps = float_attr(rw.ctx, op, "epsilon", 1e-5)?;
    let momentum = float_attr(rw.ctx, op, "momentum", 0.9)?;
    let axes: Vec<i64> = (0..sx.len() as i64).filter(|&a| a != 1).collect();
    let axes_a = rw.ctx.dense_i64_array(&axes);
    let keep = rw.ctx.unit_attr();
    let mean_k = build(
        rw,
        loc,
        "graph.reduce_mean",
        &[x],
        vec![("axes", axes_a), ("keepdims", keep)],
    )?;
    let d = build(rw, loc, "graph.sub", &[x, mean_k], vec![])?;
    let sq = build(rw, loc, "graph.mul", &[d, d], vec![])?;
    let axes_a = rw.ctx.dense_i64_array(&axes);
    let keep = rw.ctx.unit_attr();
    let var_k = build(
        rw,
        loc,
        "graph.reduce_mean",
        &[sq],
        vec![("axes", axes_a), ("keepdims", keep)],
    )?;
    let epsv = scalar_constant(rw, loc, e, eps)?;
    let ve = build(rw, loc, "graph.add", &[var_k, epsv], vec![])?;
    let sd = build(rw, loc, "graph.sqrt", &[ve], vec![])?;
    let xn = build(rw, loc, "graph.div", &[d, sd], vec![])?;
    // scale and B are per channel: [C] -> [1, C, 1, ...].
    let mut cs = vec![1i64; sx.len()];
    cs[1] = sx[1];
    let scale = reshape(rw, loc, ins[1], &cs)?;
    let bias = reshape(rw, loc, ins[2], &cs)?;
    let ys = build(rw, loc, "graph.mul", &[xn, scale], vec![])?;
    let y = build(rw, loc, "graph.add", &[ys, bias], vec![])?;
    let mut outs = vec![y];
    if rw.ctx.num_results(op) > 1 {
        let m = scalar_constant(rw, loc, e, momentum)?;
        let m1 = scalar_constant(rw, loc, e, 1.0 - momentum)?;
        for (stat, running) in [(mean_k, ins[3]), (var_k, ins[4])] {
            let s = reshape(rw, loc, stat, &[sx[1]])?;
            let a = build(rw, loc, "graph.mul", &[running, m], vec![])?;
            let b = build(rw, loc, "graph.mul", &[s, m1], vec![])?;
            outs.push(build(rw, loc, "graph.add", &[a, b], vec![])?);
        }
        outs.truncate(rw.ctx.num_results(op));
    }
    Ok(outs)
}

// ----- the pass -----------------------------------------------------------------

/// `--lower-onnx-to-graph`: rewrites every onnx op nested in the op it runs
/// on into graph ops; fails naming each onnx op left over.
#[derive(Default)]
pub struct LowerOnnxToGraph;

impl Pass for LowerOnnxToGraph {
    fn argument(&self) -> &'static str {
        "lower-onnx-to-graph"
    }
    fn display_name(&self) -> &'static str {
        "LowerOnnxToGraph"
    }
    fn run(&mut self, ctx: &mut Context, root: Op) -> Result<(), Diagnostic> {
        // Shapes computed in the graph become constants first, so shape
        // operands are constant and result types static where they can be.
        let funcs: Vec<Op> = std::iter::once(root)
            .chain(ctx.nested_ops(root))
            .filter(|&o| ctx.op_name_str(o) == "func.func")
            .collect();
        for f in funcs {
            if let Some(entry) = ctx
                .regions(f)
                .first()
                .and_then(|&r| ctx.region_first_block(r))
            {
                dlc_onnx::propagate::propagate(ctx, f, entry)?;
            }
        }
        let mut set = PatternSet::new();
        populate_onnx_to_graph_patterns(&mut set);
        let frozen = FrozenPatterns::new(ctx, set);
        let config = GreedyConfig {
            fold: false,
            region_simplify: RegionSimplify::Disabled,
            ..GreedyConfig::default()
        };
        apply_patterns_greedily(ctx, root, &frozen, &config);
        // Whatever is left either failed (ask again for the reason) or was
        // beyond the driver's iteration bound (lowered now).
        let left: Vec<Op> = ctx
            .nested_ops(root)
            .into_iter()
            .filter(|&o| o != root && ctx.op_name_str(o).starts_with("onnx."))
            .collect();
        let mut errors: Vec<Diagnostic> = Vec::new();
        for op in left {
            let name = ctx.op_name_str(op).to_string();
            let reason = match lowering_for(&name) {
                Some(f) => {
                    let mut rw = PatternRewriter::new(ctx);
                    match try_lower(&mut rw, op, f) {
                        Ok(()) => continue,
                        Err(e) => e,
                    }
                }
                None => "has no lowering to the graph dialect".to_string(),
            };
            errors.push(ctx.op_error(op, format!("failed to lower to graph: {reason}")));
        }
        let mut it = errors.into_iter();
        match it.next() {
            None => Ok(()),
            Some(mut first) => {
                for d in it {
                    first.add_note(d.loc, d.message);
                }
                Err(first)
            }
        }
    }
}

/// Registers `lower-onnx-to-graph`.
pub(crate) fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "lower-onnx-to-graph",
        description: "Lower onnx dialect ops to graph dialect ops (static shapes; weights stay shared)",
        options: &[],
        create: || Box::new(LowerOnnxToGraph),
    });
}

// ----- the elementwise long tail (dlc_onnx::elementwise) --------------------------

/// The `graph.elementwise` kind of an onnx op, with its attributes made
/// explicit (ONNX defaults filled in).
fn elementwise_kind(
    rw: &mut PatternRewriter<'_>,
    op: Op,
) -> LowerResult<(&'static str, Vec<(&'static str, Attr)>)> {
    let ctx = &*rw.ctx;
    let ty = ctx.op_name_str(op).strip_prefix("onnx.").unwrap_or("");
    let f = |name: &'static str, default: f64| -> LowerResult<(&'static str, f64)> {
        Ok((name, float_attr(ctx, op, name, default)?))
    };
    let mut floats: Vec<(&'static str, f64)> = Vec::new();
    let mut ints: Vec<(&'static str, i64)> = Vec::new();
    let mut strs: Vec<(&'static str, String)> = Vec::new();
    let kind = match ty {
        "Abs" => "abs",
        "Neg" => "neg",
        "Sign" => "sign",
        "Exp" => "exp",
        "Log" => "log",
        "Sqrt" => "sqrt",
        "Reciprocal" => "reciprocal",
        "Floor" => "floor",
        "Ceil" => "ceil",
        "Round" => "round",
        "Sin" => "sin",
        "Cos" => "cos",
        "Tan" => "tan",
        "Asin" => "asin",
        "Acos" => "acos",
        "Atan" => "atan",
        "Sinh" => "sinh",
        "Cosh" => "cosh",
        "Asinh" => "asinh",
        "Acosh" => "acosh",
        "Atanh" => "atanh",
        "Erf" => "erf",
        "Softplus" => "softplus",
        "Softsign" => "softsign",
        "Elu" => {
            floats.push(f("alpha", 1.0)?);
            "elu"
        }
        "Selu" => {
            floats.push(f("alpha", 1.673_263_192_176_818_8)?);
            floats.push(f("gamma", 1.050_701_022_148_132_3)?);
            "selu"
        }
        "Celu" => {
            floats.push(f("alpha", 1.0)?);
            "celu"
        }
        "LeakyRelu" => {
            floats.push(f("alpha", 0.01)?);
            "leaky_relu"
        }
        "ThresholdedRelu" => {
            floats.push(f("alpha", 1.0)?);
            "thresholded_relu"
        }
        "HardSigmoid" => {
            floats.push(f("alpha", 0.2)?);
            floats.push(f("beta", 0.5)?);
            "hard_sigmoid"
        }
        "HardSwish" => "hard_swish",
        "Mish" => "mish",
        "Gelu" => {
            let a = ctx
                .attr(op, "approximate")
                .and_then(|a| ctx.string_value(a))
                .unwrap_or("none")
                .to_string();
            if a != "none" && a != "tanh" {
                return Err(format!("has an unknown 'approximate' value '{a}'"));
            }
            strs.push(("approximate", a));
            "gelu"
        }
        "Shrink" => {
            floats.push(f("bias", 0.0)?);
            floats.push(f("lambd", 0.5)?);
            "shrink"
        }
        "Not" => "not",
        "BitwiseNot" => "bitwise_not",
        "IsNaN" => "isnan",
        "IsInf" => {
            ints.push(("detect_negative", int_attr(ctx, op, "detect_negative", 1)?));
            ints.push(("detect_positive", int_attr(ctx, op, "detect_positive", 1)?));
            "isinf"
        }
        "Cast" | "CastLike" => "cast",
        "BitCast" => "bitcast",
        "Swish" => {
            floats.push(f("alpha", 1.0)?);
            "swish"
        }
        "Pow" => "pow",
        "Mod" => {
            ints.push(("fmod", int_attr(ctx, op, "fmod", 0)?));
            "mod"
        }
        "BitShift" => {
            let d = ctx
                .attr(op, "direction")
                .and_then(|a| ctx.string_value(a))
                .unwrap_or("")
                .to_string();
            if d != "LEFT" && d != "RIGHT" {
                return Err(format!("needs 'direction' LEFT or RIGHT, got '{d}'"));
            }
            strs.push(("direction", d));
            "bitshift"
        }
        "BitwiseAnd" => "bitwise_and",
        "BitwiseOr" => "bitwise_or",
        "BitwiseXor" => "bitwise_xor",
        "And" => "and",
        "Or" => "or",
        "Xor" => "xor",
        "Equal" => "equal",
        "Less" => "less",
        "Greater" => "greater",
        "LessOrEqual" => "less_equal",
        "GreaterOrEqual" => "greater_equal",
        "PRelu" => "prelu",
        "Where" => "select",
        "SwiGLU" => {
            floats.push(f("alpha", 1.0)?);
            "swiglu"
        }
        other => return Err(format!("no graph.elementwise kind for '{other}'")),
    };
    let mut attrs = Vec::new();
    let f32t = rw.ctx.f32();
    let i64t = rw.ctx.i64();
    for (n, v) in floats {
        attrs.push((n, rw.ctx.float_attr(f32t, v)));
    }
    for (n, v) in ints {
        attrs.push((n, rw.ctx.int_attr(i64t, i128::from(v))));
    }
    for (n, v) in strs {
        attrs.push((n, rw.ctx.string_attr(&v)));
    }
    Ok((kind, attrs))
}

fn lower_elementwise(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let (kind, mut attrs) = elementwise_kind(rw, op)?;
    if kind == "swiglu" {
        // Swish(A) * B.
        let (a, b) = (rw.ctx.operand(op, 0), rw.ctx.operand(op, 1));
        let at = rw.ctx.value_type(a);
        let k = rw.ctx.string_attr("swish");
        attrs.insert(0, ("kind", k));
        let s = rw.create_op(
            dlc_graph::elementwise::ElementwiseOp::NAME,
            loc,
            &[a],
            &[at],
            attrs,
        );
        let s = rw.ctx.result(s, 0);
        return Ok(vec![build(rw, loc, "graph.mul", &[s, b], vec![])?]);
    }
    let mut ins = operands(rw.ctx, op);
    if kind == "cast" {
        ins.truncate(1);
    }
    let rt = rw.ctx.value_type(rw.ctx.result(op, 0));
    let k = rw.ctx.string_attr(kind);
    attrs.insert(0, ("kind", k));
    let e = rw.create_op(
        dlc_graph::elementwise::ElementwiseOp::NAME,
        loc,
        &ins,
        &[rt],
        attrs,
    );
    Ok(vec![rw.ctx.result(e, 0)])
}

/// Max, Min, Sum, Mean: a chain of broadcasting binary graph ops.
fn lower_variadic(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ty = rw.ctx.op_name_str(op).to_string();
    let ins = operands(rw.ctx, op);
    let Some((&first, rest)) = ins.split_first() else {
        return Err("needs at least one operand".into());
    };
    let bin = match ty.as_str() {
        "onnx.Max" => "graph.max",
        "onnx.Min" => "graph.min",
        _ => "graph.add",
    };
    let mut acc = first;
    for &v in rest {
        acc = build(rw, loc, bin, &[acc, v], vec![])?;
    }
    let rt = rw.ctx.value_type(rw.ctx.result(op, 0));
    if ty == "onnx.Mean" && ins.len() > 1 {
        let elem = rw.ctx.element_type(rt);
        let n = scalar_constant(rw, loc, elem, ins.len() as f64)?;
        acc = build(rw, loc, "graph.div", &[acc, n], vec![])?;
    }
    Ok(vec![acc])
}

/// Clip: bounds from attributes (before opset 11) or from optional
/// operands; max then min, like the ONNX reference.
fn lower_clip(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let x = ins[0];
    let rt = rw.ctx.value_type(x);
    let elem = rw.ctx.element_type(rt);
    let mut lo = ins.get(1).copied();
    let mut hi = ins.get(2).copied();
    if ins.len() == 1 {
        if let Some(v) = rw.ctx.attr(op, "min").and_then(|a| rw.ctx.float_value(a)) {
            lo = Some(scalar_constant(rw, loc, elem, v)?);
        }
        if let Some(v) = rw.ctx.attr(op, "max").and_then(|a| rw.ctx.float_value(a)) {
            hi = Some(scalar_constant(rw, loc, elem, v)?);
        }
    }
    let mut acc = x;
    if let Some(l) = lo {
        acc = build(rw, loc, "graph.max", &[acc, l], vec![])?;
    }
    if let Some(h) = hi {
        acc = build(rw, loc, "graph.min", &[acc, h], vec![])?;
    }
    // No bounds: the identity.
    Ok(vec![acc])
}
