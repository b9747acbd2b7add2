//! The graph ops: definitions, shape-checking verifiers, result-type
//! inference and fusion pattern kinds.

use crate::shape::{self, Conv2dAttrs, Pool2dAttrs, ShapeError};
use dlc_ir::constraints::*;
use dlc_ir::lexer::Tok;
use dlc_ir::{
    Attr, AttrConstraint, AttrFormat, AttrKind, Context, Diagnostic, Op, OpAsmParser, OpAsmPrinter,
    OperationState, PResult, Type, TypeConstraint, TypeKind,
};

/// A ranked tensor.
pub const TENSOR: TypeConstraint = TypeConstraint {
    desc: "ranked tensor of any type values",
    check: |c, t| matches!(c.type_kind(t), TypeKind::Tensor { .. }),
};

/// A float attribute (printed with its type).
pub const FLOAT_ATTR: AttrConstraint = AttrConstraint {
    desc: "floating-point attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::Float { .. }),
    format: AttrFormat::Plain,
    is_default: None,
};

/// The format every computational graph op uses:
/// `graph.op %a, %b {attrs} : (T0, T1) -> R`.
const COMPUTE_FORMAT: &str = "operands attr-dict `:` functional-type(operands, results)";

macro_rules! unary_ops {
    ($($ty:ident, $name:literal, $summary:literal;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [input: TENSOR],
                results: [result: TENSOR],
                traits: PURE | ELEMENTWISE | SAME_OPERANDS_AND_RESULT_TYPE,
                format: COMPUTE_FORMAT,
                verify: verify_shapes,
                fold: crate::fold::fold_op,
            }
        }
    )*};
}

macro_rules! binary_ops {
    ($($ty:ident, $name:literal, $summary:literal;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [lhs: TENSOR, rhs: TENSOR],
                results: [result: TENSOR],
                traits: PURE | SAME_OPERANDS_AND_RESULT_ELEMENT_TYPE,
                format: COMPUTE_FORMAT,
                verify: verify_shapes,
                fold: crate::fold::fold_op,
            }
        }
    )*};
}

unary_ops! {
    ReluOp, "graph.relu", "rectified linear unit: max(x, 0)";
    SigmoidOp, "graph.sigmoid", "logistic sigmoid: 1 / (1 + exp(-x))";
    TanhOp, "graph.tanh", "hyperbolic tangent";
    ExpOp, "graph.exp", "base-e exponential";
    ErfOp, "graph.erf", "error function";
    SqrtOp, "graph.sqrt", "square root";
}

binary_ops! {
    AddOp, "graph.add", "elementwise addition with numpy broadcasting";
    SubOp, "graph.sub", "elementwise subtraction with numpy broadcasting";
    MulOp, "graph.mul", "elementwise multiplication with numpy broadcasting";
    DivOp, "graph.div", "elementwise division with numpy broadcasting";
    MaxOp, "graph.max", "elementwise maximum with numpy broadcasting";
    MinOp, "graph.min", "elementwise minimum with numpy broadcasting";
}

dlc_ir::define_op! {
    /// A constant tensor: `%w = graph.constant dense<1.0> : tensor<4xf32>`.
    pub struct ConstantOp = "graph.constant" {
        summary: "constant tensor (dense or dense_resource)",
        results: [result: TENSOR],
        attributes: [value: ELEMENTS_ATTR],
        traits: PURE | CONSTANT_LIKE,
        format: "attr-dict $value",
        verify: verify_constant,
        fold: |ctx, op, _| match ctx.attr(op, "value") {
            Some(a) => dlc_ir::FoldResult::attr(a),
            None => dlc_ir::FoldResult::None,
        },
        infer_types: |ctx, st| {
            let v = st.props.iter().chain(&st.attrs).find(|(n, _)| ctx.ident_str(*n) == "value");
            v.and_then(|(_, a)| ctx.attr_type(*a)).map(|t| vec![t]).ok_or_else(|| "expected a typed value".to_string())
        },
    }
}

dlc_ir::define_op! {
    /// 2-D convolution, NCHW input, OIHW weights, optional bias `[O]`.
    pub struct Conv2dOp = "graph.conv2d" {
        summary: "2-D convolution (NCHW, OIHW)",
        operands: [input: TENSOR, weight: TENSOR, bias[optional]: TENSOR],
        results: [result: TENSOR],
        attributes: [
            strides[optional]: DENSE_I64_ARRAY_ATTR,
            padding[optional]: DENSE_I64_ARRAY_ATTR,
            dilations[optional]: DENSE_I64_ARRAY_ATTR,
            groups[optional]: I64_ATTR,
        ],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_shapes,
    }
}

dlc_ir::define_op! {
    /// Batched matrix product `[..., M, K] x [..., K, N]`.
    pub struct MatmulOp = "graph.matmul" {
        summary: "batched matrix multiplication",
        operands: [lhs: TENSOR, rhs: TENSOR],
        results: [result: TENSOR],
        attributes: [transpose_a[optional]: UNIT_ATTR, transpose_b[optional]: UNIT_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_ELEMENT_TYPE,
        format: COMPUTE_FORMAT,
        verify: verify_shapes,
    }
}

dlc_ir::define_op! {
    /// Clamps every element to `[min, max]` (either bound optional).
    pub struct ClampOp = "graph.clamp" {
        summary: "elementwise clamp",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        attributes: [min[optional]: FLOAT_ATTR, max[optional]: FLOAT_ATTR],
        traits: PURE | ELEMENTWISE | SAME_OPERANDS_AND_RESULT_TYPE,
        format: COMPUTE_FORMAT,
        verify: verify_shapes,
        fold: crate::fold::fold_op,
    }
}

dlc_ir::define_op! {
    /// Max pooling over NCHW windows.
    pub struct MaxPool2dOp = "graph.max_pool2d" {
        summary: "2-D max pooling",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        attributes: [
            kernel: DENSE_I64_ARRAY_ATTR,
            strides[optional]: DENSE_I64_ARRAY_ATTR,
            padding[optional]: DENSE_I64_ARRAY_ATTR,
            ceil_mode[optional]: UNIT_ATTR,
        ],
        traits: PURE | SAME_OPERANDS_AND_RESULT_ELEMENT_TYPE,
        format: COMPUTE_FORMAT,
        verify: verify_shapes,
    }
}

dlc_ir::define_op! {
    /// Average pooling over NCHW windows.
    pub struct AvgPool2dOp = "graph.avg_pool2d" {
        summary: "2-D average pooling",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        attributes: [
            kernel: DENSE_I64_ARRAY_ATTR,
            strides[optional]: DENSE_I64_ARRAY_ATTR,
            padding[optional]: DENSE_I64_ARRAY_ATTR,
            ceil_mode[optional]: UNIT_ATTR,
            count_include_pad[optional]: UNIT_ATTR,
        ],
        traits: PURE | SAME_OPERANDS_AND_RESULT_ELEMENT_TYPE,
        format: COMPUTE_FORMAT,
        verify: verify_shapes,
    }
}

dlc_ir::define_op! {
    /// Mean over H and W: NCHW -> NC11.
    pub struct GlobalAvgPool2dOp = "graph.global_avg_pool2d" {
        summary: "global 2-D average pooling",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_ELEMENT_TYPE,
        format: COMPUTE_FORMAT,
        verify: verify_shapes,
    }
}

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
                verify: verify_shapes,
            }
        }
    )*};
}

reduce_ops! {
    ReduceSumOp, "graph.reduce_sum", "sum over axes (all axes when none are given)";
    ReduceMeanOp, "graph.reduce_mean", "mean over axes (all axes when none are given)";
    ReduceMaxOp, "graph.reduce_max", "maximum over axes (all axes when none are given)";
}

dlc_ir::define_op! {
    /// Softmax along `axis` (default -1).
    pub struct SoftmaxOp = "graph.softmax" {
        summary: "softmax along an axis",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        attributes: [axis[optional]: I64_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_TYPE,
        format: COMPUTE_FORMAT,
        verify: verify_shapes,
    }
}

dlc_ir::define_op! {
    /// Reshape to a static shape (same element count).
    pub struct ReshapeOp = "graph.reshape" {
        summary: "reshape to a static shape",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        attributes: [shape: DENSE_I64_ARRAY_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_ELEMENT_TYPE,
        format: COMPUTE_FORMAT,
        verify: verify_shapes,
        fold: crate::fold::fold_op,
        canonicalize: crate::fold::reshape_patterns,
    }
}

dlc_ir::define_op! {
    /// Permutes dimensions: `out.shape[i] = in.shape[perm[i]]`.
    pub struct TransposeOp = "graph.transpose" {
        summary: "permute dimensions",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        attributes: [perm: DENSE_I64_ARRAY_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_ELEMENT_TYPE,
        format: COMPUTE_FORMAT,
        verify: verify_shapes,
        fold: crate::fold::fold_op,
        canonicalize: crate::fold::transpose_patterns,
    }
}

dlc_ir::define_op! {
    /// Concatenation along `axis`.
    pub struct ConcatOp = "graph.concat" {
        summary: "concatenate along an axis",
        operands: [inputs[variadic]: TENSOR],
        results: [result: TENSOR],
        attributes: [axis: I64_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_ELEMENT_TYPE,
        format: COMPUTE_FORMAT,
        verify: verify_shapes,
    }
}

dlc_ir::define_op! {
    /// Broadcasts (numpy rules) to the result type's shape.
    pub struct BroadcastToOp = "graph.broadcast_to" {
        summary: "broadcast to the result shape",
        operands: [input: TENSOR],
        results: [result: TENSOR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_ELEMENT_TYPE,
        format: COMPUTE_FORMAT,
        verify: verify_shapes,
    }
}

dlc_ir::define_op! {
    /// Inference batch normalisation over channel dim 1:
    /// `(x - mean) / sqrt(var + epsilon) * scale + bias`.
    pub struct BatchNormOp = "graph.batch_norm" {
        summary: "inference-mode batch normalisation (channel axis 1)",
        operands: [input: TENSOR, scale: TENSOR, bias: TENSOR, mean: TENSOR, variance: TENSOR],
        results: [result: TENSOR],
        attributes: [epsilon[optional]: FLOAT_ATTR],
        traits: PURE | SAME_OPERANDS_AND_RESULT_ELEMENT_TYPE,
        format: COMPUTE_FORMAT,
        verify: verify_shapes,
        canonicalize: crate::fold::batch_norm_patterns,
    }
}

dlc_ir::define_op! {
    /// A group of fused ops (made by `--fuse-ops`): an isolated single-block
    /// region whose arguments are the group's inputs.
    pub struct FusedOp = "graph.fused" {
        summary: "a fused group of graph ops",
        operands: [inputs[variadic]: ANY_TYPE],
        results: [results[variadic]: ANY_TYPE],
        attributes: [kind: STRING_ATTR],
        regions: [body],
        traits: ISOLATED_FROM_ABOVE | SINGLE_BLOCK | RECURSIVE_MEMORY_EFFECTS,
        parse: parse_fused,
        print: print_fused,
        verify: verify_fused,
    }
}

dlc_ir::define_op! {
    /// Ends a `graph.fused` body: `graph.yield %a, %b : T0, T1`.
    pub struct YieldOp = "graph.yield" {
        summary: "returns the results of a fused group",
        operands: [operands[variadic]: ANY_TYPE],
        traits: PURE | TERMINATOR | RETURN_LIKE,
        format: "attr-dict ($operands^ `:` type($operands))?",
        parents: &["graph.fused"],
    }
}

// ----- pattern kinds ----------------------------------------------------------

/// TVM's operator pattern kinds, ordered so that `max` combines them.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OpPatternKind {
    /// Output element i depends on input element i only (same shapes).
    ElemWise = 0,
    /// Elementwise after broadcasting an input.
    Broadcast = 1,
    /// Any one-to-one index mapping (reshape, transpose, concat, ...).
    Injective = 2,
    /// A commutative reduction.
    CommReduce = 3,
    /// A complex op whose output can take a fused elementwise epilogue.
    OutEWiseFusable = 4,
    /// Never fused.
    Opaque = 8,
}

impl OpPatternKind {
    pub fn name(self) -> &'static str {
        match self {
            OpPatternKind::ElemWise => "elementwise",
            OpPatternKind::Broadcast => "broadcast",
            OpPatternKind::Injective => "injective",
            OpPatternKind::CommReduce => "comm_reduce",
            OpPatternKind::OutEWiseFusable => "out_elementwise_fusable",
            OpPatternKind::Opaque => "opaque",
        }
    }
}

/// The fusion pattern kind of an op (unknown ops are opaque).
pub fn op_pattern_kind(ctx: &Context, op: Op) -> OpPatternKind {
    use OpPatternKind::*;
    match ctx.op_name_str(op) {
        "graph.relu" | "graph.sigmoid" | "graph.tanh" | "graph.exp" | "graph.erf"
        | "graph.sqrt" | "graph.clamp" => ElemWise,
        "graph.add" | "graph.sub" | "graph.mul" | "graph.div" | "graph.max" | "graph.min"
        | "graph.elementwise" => {
            let r = ctx.value_type(ctx.result(op, 0));
            if ctx.operands(op).all(|v| ctx.value_type(v) == r) {
                ElemWise
            } else {
                Broadcast
            }
        }
        "graph.batch_norm" => Broadcast,
        "graph.reshape"
        | "graph.transpose"
        | "graph.concat"
        | "graph.broadcast_to"
        | "graph.slice"
        | "graph.gather"
        | "graph.gather_elements"
        | "graph.gather_nd"
        | "graph.tile"
        | "graph.pad"
        | "graph.trilu"
        | "graph.one_hot" => Injective,
        "graph.einsum" | "graph.conv_transpose2d" | "graph.pool_nd" => OutEWiseFusable,
        "graph.sort_rank"
        | "graph.rank_to_index"
        | "graph.scatter_elements"
        | "graph.scatter_nd" => Opaque,
        "graph.reduce_sum"
        | "graph.reduce_mean"
        | "graph.reduce_max"
        | "graph.reduce_min"
        | "graph.reduce_prod"
        | "graph.argmax"
        | "graph.argmin"
        | "graph.global_avg_pool2d" => CommReduce,
        "graph.conv2d" | "graph.matmul" | "graph.max_pool2d" | "graph.avg_pool2d" => {
            OutEWiseFusable
        }
        _ => Opaque,
    }
}

// ----- shape inference ----------------------------------------------------------

fn ints(
    ctx: &Context,
    a: Option<Attr>,
    default: &[i64],
    name: &str,
    n: usize,
) -> Result<Vec<i64>, ShapeError> {
    match a {
        None => Ok(default.to_vec()),
        Some(a) => {
            let v = ctx
                .dense_int_array(a)
                .ok_or_else(|| ShapeError(format!("'{name}' must be an array<i64>")))?;
            if n != 0 && v.len() != n {
                return Err(ShapeError(format!(
                    "'{name}' must have {n} elements, got {}",
                    v.len()
                )));
            }
            Ok(v)
        }
    }
}

fn int_attr(ctx: &Context, a: Option<Attr>, default: i64) -> Result<i64, ShapeError> {
    match a {
        None => Ok(default),
        Some(a) => ctx
            .int_value(a)
            .and_then(|v| i64::try_from(v).ok())
            .ok_or_else(|| ShapeError("expected an integer attribute".into())),
    }
}

fn arr2(v: &[i64]) -> [i64; 2] {
    [v[0], v[1]]
}
fn arr4(v: &[i64]) -> [i64; 4] {
    [v[0], v[1], v[2], v[3]]
}

/// Infers the result shape and element type of graph op `name` from its
/// operand types and attributes (`attr` looks one up by name). Used by the
/// verifiers and by importers before they build an op. For
/// `graph.broadcast_to` pass the target as `shape` (an `array<i64>`).
pub fn infer_result_shape(
    ctx: &Context,
    name: &str,
    operands: &[Type],
    attr: &dyn Fn(&str) -> Option<Attr>,
) -> Result<(Vec<i64>, Type), ShapeError> {
    let mut shapes = Vec::with_capacity(operands.len());
    for (i, &t) in operands.iter().enumerate() {
        shapes.push(
            ctx.shape(t)
                .filter(|_| matches!(ctx.type_kind(t), TypeKind::Tensor { .. }))
                .ok_or_else(|| ShapeError(format!("operand #{i} must be a ranked tensor")))?
                .to_vec(),
        );
    }
    let Some(first) = operands.first() else {
        return Err(ShapeError("expected at least one operand".into()));
    };
    let elem = ctx.element_type(*first);
    for (i, &t) in operands.iter().enumerate() {
        if ctx.element_type(t) != elem {
            return Err(ShapeError(format!(
                "operand #{i} element type differs from operand #0"
            )));
        }
    }
    let need = |n: usize| -> Result<(), ShapeError> {
        if shapes.len() != n {
            return Err(ShapeError(format!(
                "expected {n} operands, got {}",
                shapes.len()
            )));
        }
        Ok(())
    };
    let short = name.strip_prefix("graph.").unwrap_or(name);
    let shape = match short {
        "relu" | "sigmoid" | "tanh" | "exp" | "erf" | "sqrt" | "clamp" | "softmax" => {
            need(1)?;
            if short == "softmax" {
                shape::normalize_axis(int_attr(ctx, attr("axis"), -1)?, shapes[0].len())?;
            }
            shapes[0].clone()
        }
        "add" | "sub" | "mul" | "div" | "max" | "min" => {
            need(2)?;
            shape::broadcast(&shapes[0], &shapes[1])?
        }
        "conv2d" => {
            if !(2..=3).contains(&shapes.len()) {
                return Err(ShapeError("expected 2 or 3 operands".into()));
            }
            let a = Conv2dAttrs {
                strides: arr2(&ints(ctx, attr("strides"), &[1, 1], "strides", 2)?),
                padding: arr4(&ints(ctx, attr("padding"), &[0; 4], "padding", 4)?),
                dilations: arr2(&ints(ctx, attr("dilations"), &[1, 1], "dilations", 2)?),
                groups: int_attr(ctx, attr("groups"), 1)?,
            };
            shape::conv2d(
                &shapes[0],
                &shapes[1],
                shapes.get(2).map(|s| s.as_slice()),
                &a,
            )?
        }
        "matmul" => {
            need(2)?;
            shape::matmul(
                &shapes[0],
                &shapes[1],
                attr("transpose_a").is_some(),
                attr("transpose_b").is_some(),
            )?
        }
        "max_pool2d" | "avg_pool2d" => {
            need(1)?;
            let kernel = attr("kernel").ok_or_else(|| ShapeError("missing 'kernel'".into()))?;
            let kernel = ints(ctx, Some(kernel), &[], "kernel", 2)?;
            let a = Pool2dAttrs {
                kernel: arr2(&kernel),
                strides: arr2(&ints(ctx, attr("strides"), &[1, 1], "strides", 2)?),
                padding: arr4(&ints(ctx, attr("padding"), &[0; 4], "padding", 4)?),
                ceil_mode: attr("ceil_mode").is_some(),
            };
            shape::pool2d(&shapes[0], &a)?
        }
        "global_avg_pool2d" => {
            need(1)?;
            shape::global_pool2d(&shapes[0])?
        }
        "reduce_sum" | "reduce_mean" | "reduce_max" => {
            need(1)?;
            let axes = ints(ctx, attr("axes"), &[], "axes", 0)?;
            shape::reduce(&shapes[0], &axes, attr("keepdims").is_some())?
        }
        "reshape" => {
            need(1)?;
            let s = attr("shape").ok_or_else(|| ShapeError("missing 'shape'".into()))?;
            shape::reshape(&shapes[0], &ints(ctx, Some(s), &[], "shape", 0)?)?
        }
        "transpose" => {
            need(1)?;
            let p = attr("perm").ok_or_else(|| ShapeError("missing 'perm'".into()))?;
            shape::transpose(&shapes[0], &ints(ctx, Some(p), &[], "perm", 0)?)?
        }
        "concat" => {
            let axis = attr("axis").ok_or_else(|| ShapeError("missing 'axis'".into()))?;
            let refs: Vec<&[i64]> = shapes.iter().map(|s| s.as_slice()).collect();
            shape::concat(&refs, int_attr(ctx, Some(axis), 0)?)?
        }
        "broadcast_to" => {
            need(1)?;
            let s = attr("shape").ok_or_else(|| ShapeError("missing target 'shape'".into()))?;
            let target = ints(ctx, Some(s), &[], "shape", 0)?;
            if !shape::broadcasts_to(&shapes[0], &target) {
                return Err(ShapeError(format!(
                    "cannot broadcast {:?} to {target:?}",
                    shapes[0]
                )));
            }
            target
        }
        "batch_norm" => {
            need(5)?;
            let x = &shapes[0];
            if x.len() < 2 {
                return Err(ShapeError("input must have rank >= 2".into()));
            }
            for (i, s) in shapes[1..].iter().enumerate() {
                if s.as_slice() != [x[1]] {
                    return Err(ShapeError(format!(
                        "operand #{} must have shape [{}], got {s:?}",
                        i + 1,
                        x[1]
                    )));
                }
            }
            x.clone()
        }
        _ => return Err(ShapeError(format!("'{name}' has no shape inference"))),
    };
    Ok((shape, elem))
}

/// Like [`infer_result_shape`], building the result `tensor<...>` type.
pub fn infer_result_type(
    ctx: &mut Context,
    name: &str,
    operands: &[Type],
    attrs: &[(&str, Attr)],
) -> Result<Type, ShapeError> {
    let lookup = |n: &str| attrs.iter().find(|(k, _)| *k == n).map(|(_, a)| *a);
    let (shape, elem) = infer_result_shape(ctx, name, operands, &lookup)?;
    Ok(ctx.tensor_type(&shape, elem))
}

fn verify_shapes(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let name = ctx.op_name_str(op);
    let result = ctx.value_type(ctx.result(op, 0));
    let rshape = ctx.shape(result).unwrap_or(&[]).to_vec();
    let ops = ctx.operand_types(op);
    let lookup = |n: &str| {
        if name == "graph.broadcast_to" && n == "shape" {
            return None;
        }
        ctx.attr(op, n)
    };
    let inferred = if name == "graph.broadcast_to" {
        let s = ctx.shape(ops[0]).unwrap_or(&[]);
        if !shape::broadcasts_to(s, &rshape) {
            return Err(ctx.op_error(
                op,
                format!("operand shape {s:?} does not broadcast to result shape {rshape:?}"),
            ));
        }
        (rshape.clone(), ctx.element_type(ops[0]))
    } else {
        infer_result_shape(ctx, name, &ops, &lookup).map_err(|e| ctx.op_error(op, e.0))?
    };
    if inferred.1 != ctx.element_type(result) {
        return Err(ctx.op_error(
            op,
            "result element type must match the operands' element type",
        ));
    }
    if inferred.0 != rshape {
        return Err(ctx.op_error(
            op,
            format!(
                "result shape {rshape:?} does not match the inferred shape {:?}",
                inferred.0
            ),
        ));
    }
    Ok(())
}

fn verify_constant(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let r = ctx.value_type(ctx.result(op, 0));
    match ctx.attr(op, "value").and_then(|a| ctx.attr_type(a)) {
        Some(t) if t == r => Ok(()),
        _ => Err(ctx.op_error(op, "value type must match the result type")),
    }
}

fn verify_fused(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(b) = ctx
        .regions(op)
        .first()
        .and_then(|&r| ctx.region_first_block(r))
    else {
        return Err(ctx.op_error(op, "expects a non-empty body"));
    };
    if ctx.block_arg_types(b) != ctx.operand_types(op) {
        return Err(ctx.op_error(op, "body argument types must match the operand types"));
    }
    if let Some(t) = ctx.terminator(b)
        && YieldOp::cast(ctx, t).is_some()
        && ctx.operand_types(t) != ctx.result_types(op)
    {
        return Err(ctx.op_error(op, "yielded types must match the result types"));
    }
    Ok(())
}

/// `graph.fused <kind> (%arg0 = %x, %arg1 = %w) {attrs} : (T0, T1) -> R { body }`
fn parse_fused(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let kind = p.parse_keyword()?;
    let k = p.ctx.string_attr(kind);
    let id = p.ctx.ident("kind");
    st.props.push((id, k));
    let (mut names, vals) = p.parse_bound_operands("fused")?;
    // An argument without a location takes its name's.
    for (name, loc) in &mut names {
        if loc.is_none() {
            *loc = Some(p.loc_of(name.tok));
        }
    }
    p.parse_optional_attr_dict(&mut st.attrs)?;
    p.expect(Tok::Colon, "before the fused signature")?;
    let tok = p.token();
    let ins = p.parse_paren_type_list()?;
    p.expect(Tok::Arrow, "in the fused signature")?;
    let outs = p.parse_function_result_types()?;
    if ins.len() != vals.len() {
        return Err(p.error_at(
            tok,
            format!("expected {} input types, got {}", vals.len(), ins.len()),
        ));
    }
    for (v, &t) in vals.iter().zip(&ins) {
        let r = p.resolve_operand(v, t)?;
        st.operands.push(r);
    }
    st.result_types = outs;
    p.parse_isolated_body(st, names, &ins)
}

fn print_fused(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    let kind = ctx
        .attr(op, "kind")
        .and_then(|a| ctx.string_value(a))
        .unwrap_or("opaque");
    pr.write(" ");
    pr.write(kind);
    let r = ctx.region(op, 0);
    let args: Vec<dlc_ir::Value> = ctx
        .region_first_block(r)
        .map(|b| ctx.block_args(b).to_vec())
        .unwrap_or_default();
    pr.print_bound_operands(op, &args);
    pr.print_optional_attr_dict(op, &["kind"]);
    pr.write(" : ");
    let ins = ctx.operand_types(op);
    let outs = ctx.result_types(op);
    pr.print_function_sig(&ins, &outs);
    pr.write(" ");
    pr.print_region_with_default_dialect(r, None, false);
}
