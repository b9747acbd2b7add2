//! The onnx ops: definitions (generic form, attributes named as in the ONNX
//! specification), result-shape inference shared by the importer and the
//! verifiers, and cheap constant folders.

use crate::shape::{self, AutoPad, ShapeError, Window};
use dlc_ir::constraints::*;
use dlc_ir::dense::{ScalarKind, elem_layout};
use dlc_ir::types::DYNAMIC;
use dlc_ir::{
    Attr, AttrConstraint, AttrFormat, AttrKind, Context, Diagnostic, FoldResult, Op,
    OperationState, Type, TypeConstraint, TypeKind,
};

/// A tensor (ranked or unranked).
pub const ANY_TENSOR: TypeConstraint = TypeConstraint {
    desc: "tensor of any type values",
    check: |c, t| {
        matches!(
            c.type_kind(t),
            TypeKind::Tensor { .. } | TypeKind::UnrankedTensor { .. }
        )
    },
};

/// ONNX `INT`: a 64-bit integer attribute.
pub const INT_ATTR: AttrConstraint = I64_ATTR;

/// ONNX `FLOAT`: a 32-bit float attribute.
pub const FLOAT_ATTR: AttrConstraint = AttrConstraint {
    desc: "32-bit float attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::Float { ty, .. } if matches!(c.type_kind(*ty), TypeKind::Float(dlc_ir::types::FloatKind::F32))),
    format: AttrFormat::Plain,
    is_default: None,
};

/// ONNX `INTS`: an array of 64-bit integer attributes (`[1, 1]`).
pub const INTS_ATTR: AttrConstraint = AttrConstraint {
    desc: "64-bit integer array attribute",
    check: |c, a| {
        match c.attr_kind(a) {
        AttrKind::Array(e) => e.iter().all(|x| {
            matches!(c.attr_kind(*x), AttrKind::Integer { ty, .. } if matches!(c.type_kind(*ty), TypeKind::Integer { width: 64, .. }))
        }),
        _ => false,
    }
    },
    format: AttrFormat::Plain,
    is_default: None,
};

/// The assembly of every computational onnx op:
/// `onnx.Op %a, %b {attrs} : (T0, T1) -> R`.
const COMPUTE_FORMAT: &str = "operands attr-dict `:` functional-type(operands, results)";

/// ONNX `STRING`.
pub const STR_ATTR: AttrConstraint = STRING_ATTR;

macro_rules! unary_ops {
    ($($ty:ident, $name:literal, $summary:literal;)*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [X: ANY_TENSOR],
                results: [Y: ANY_TENSOR],
                traits: PURE | ELEMENTWISE,
                format: COMPUTE_FORMAT,
                verify: verify_op,
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
                operands: [A: ANY_TENSOR, B: ANY_TENSOR],
                results: [C: ANY_TENSOR],
                traits: PURE,
                format: COMPUTE_FORMAT,
                verify: verify_op,
            }
        }
    )*};
}

unary_ops! {
    ReluOp, "onnx.Relu", "ONNX Relu: max(x, 0)";
    SigmoidOp, "onnx.Sigmoid", "ONNX Sigmoid: 1 / (1 + exp(-x))";
    TanhOp, "onnx.Tanh", "ONNX Tanh";
}

binary_ops! {
    AddOp, "onnx.Add", "ONNX Add with multidirectional broadcasting";
    SubOp, "onnx.Sub", "ONNX Sub with multidirectional broadcasting";
    MulOp, "onnx.Mul", "ONNX Mul with multidirectional broadcasting";
    DivOp, "onnx.Div", "ONNX Div with multidirectional broadcasting";
}

dlc_ir::define_op! {
    /// A constant tensor; weights are `dense_resource<name>` blobs.
    pub struct ConstantOp = "onnx.Constant" {
        summary: "ONNX Constant",
        results: [output: ANY_TENSOR],
        attributes: [value: ELEMENTS_ATTR],
        traits: PURE | CONSTANT_LIKE,
        format: "attr-dict $value",
        verify: verify_op,
        fold: |ctx, op, _| match ctx.attr(op, "value") {
            Some(a) => FoldResult::attr(a),
            None => FoldResult::None,
        },
        infer_types: |ctx, st| {
            let v = st.props.iter().chain(&st.attrs).find(|(n, _)| ctx.ident_str(*n) == "value");
            v.and_then(|(_, a)| ctx.attr_type(*a))
                .map(|t| vec![t])
                .ok_or_else(|| "expected a typed elements attribute".to_string())
        },
    }
}

dlc_ir::define_op! {
    /// Returns its input.
    pub struct IdentityOp = "onnx.Identity" {
        summary: "ONNX Identity",
        operands: [input: ANY_TENSOR],
        results: [output: ANY_TENSOR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
        fold: |ctx, op, _| FoldResult::value(ctx.operand(op, 0)),
    }
}

dlc_ir::define_op! {
    /// numpy-style matrix product.
    pub struct MatMulOp = "onnx.MatMul" {
        summary: "ONNX MatMul",
        operands: [A: ANY_TENSOR, B: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// `alpha * A' B' + beta * C`.
    pub struct GemmOp = "onnx.Gemm" {
        summary: "ONNX Gemm",
        operands: [A: ANY_TENSOR, B: ANY_TENSOR, C[optional]: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        attributes: [alpha[optional]: FLOAT_ATTR, beta[optional]: FLOAT_ATTR, transA[optional]: INT_ATTR, transB[optional]: INT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// Softmax along `axis` (default -1 since opset 13).
    pub struct SoftmaxOp = "onnx.Softmax" {
        summary: "ONNX Softmax",
        operands: [input: ANY_TENSOR],
        results: [output: ANY_TENSOR],
        attributes: [axis[optional]: INT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// Reshape to the shape given by the second operand (0 copies, -1 infers).
    pub struct ReshapeOp = "onnx.Reshape" {
        summary: "ONNX Reshape",
        operands: [data: ANY_TENSOR, shape: ANY_TENSOR],
        results: [reshaped: ANY_TENSOR],
        attributes: [allowzero[optional]: INT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
        fold: fold_retype,
    }
}

dlc_ir::define_op! {
    /// Flattens to 2-D around `axis` (default 1).
    pub struct FlattenOp = "onnx.Flatten" {
        summary: "ONNX Flatten",
        operands: [input: ANY_TENSOR],
        results: [output: ANY_TENSOR],
        attributes: [axis[optional]: INT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
        fold: fold_retype,
    }
}

dlc_ir::define_op! {
    /// Permutes dimensions (`perm` defaults to reversing them).
    pub struct TransposeOp = "onnx.Transpose" {
        summary: "ONNX Transpose",
        operands: [data: ANY_TENSOR],
        results: [transposed: ANY_TENSOR],
        attributes: [perm[optional]: INTS_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
        fold: fold_transpose,
    }
}

dlc_ir::define_op! {
    /// N-D convolution, `X [N, C, D...]`, `W [M, C/group, k...]`, `B [M]`.
    pub struct ConvOp = "onnx.Conv" {
        summary: "ONNX Conv",
        operands: [X: ANY_TENSOR, W: ANY_TENSOR, B[optional]: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        attributes: [
            auto_pad[optional]: STR_ATTR,
            dilations[optional]: INTS_ATTR,
            group[optional]: INT_ATTR,
            kernel_shape[optional]: INTS_ATTR,
            pads[optional]: INTS_ATTR,
            strides[optional]: INTS_ATTR,
        ],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// Max pooling; the optional second result holds flat indices.
    pub struct MaxPoolOp = "onnx.MaxPool" {
        summary: "ONNX MaxPool",
        operands: [X: ANY_TENSOR],
        results: [Y: ANY_TENSOR, Indices[optional]: ANY_TENSOR],
        attributes: [
            auto_pad[optional]: STR_ATTR,
            ceil_mode[optional]: INT_ATTR,
            dilations[optional]: INTS_ATTR,
            kernel_shape: INTS_ATTR,
            pads[optional]: INTS_ATTR,
            storage_order[optional]: INT_ATTR,
            strides[optional]: INTS_ATTR,
        ],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// Average pooling.
    pub struct AveragePoolOp = "onnx.AveragePool" {
        summary: "ONNX AveragePool",
        operands: [X: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        attributes: [
            auto_pad[optional]: STR_ATTR,
            ceil_mode[optional]: INT_ATTR,
            count_include_pad[optional]: INT_ATTR,
            dilations[optional]: INTS_ATTR,
            kernel_shape: INTS_ATTR,
            pads[optional]: INTS_ATTR,
            strides[optional]: INTS_ATTR,
        ],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// Mean over all spatial dimensions.
    pub struct GlobalAveragePoolOp = "onnx.GlobalAveragePool" {
        summary: "ONNX GlobalAveragePool",
        operands: [X: ANY_TENSOR],
        results: [Y: ANY_TENSOR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// Batch normalisation over channel axis 1: Y, and with
    /// `training_mode = 1` the optional running mean and variance.
    pub struct BatchNormalizationOp = "onnx.BatchNormalization" {
        summary: "ONNX BatchNormalization",
        operands: [X: ANY_TENSOR, scale: ANY_TENSOR, B: ANY_TENSOR, input_mean: ANY_TENSOR, input_var: ANY_TENSOR],
        results: [outputs[variadic]: ANY_TENSOR],
        attributes: [epsilon[optional]: FLOAT_ATTR, momentum[optional]: FLOAT_ATTR, training_mode[optional]: INT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

dlc_ir::define_op! {
    /// Concatenation along `axis`.
    pub struct ConcatOp = "onnx.Concat" {
        summary: "ONNX Concat",
        operands: [inputs[variadic]: ANY_TENSOR],
        results: [concat_result: ANY_TENSOR],
        attributes: [axis: INT_ATTR],
        traits: PURE,
        format: COMPUTE_FORMAT,
        verify: verify_op,
    }
}

// ----- attribute access --------------------------------------------------------

/// Looks up an attribute by name (an op's, or one being built).
pub type AttrLookup<'a> = &'a dyn Fn(&str) -> Option<Attr>;

pub(crate) fn int_attr(
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

/// The integers of an ONNX `INTS` attribute (an array of integers).
pub fn ints_value(ctx: &Context, a: Attr) -> Option<Vec<i64>> {
    ctx.array_value(a)?
        .iter()
        .map(|x| ctx.int_value(*x).and_then(|v| i64::try_from(v).ok()))
        .collect()
}

pub(crate) fn ints_attr(
    ctx: &Context,
    get: AttrLookup<'_>,
    name: &str,
) -> Result<Option<Vec<i64>>, ShapeError> {
    match get(name) {
        None => Ok(None),
        Some(a) => ints_value(ctx, a)
            .map(Some)
            .ok_or_else(|| ShapeError(format!("attribute '{name}' must be an array of integers"))),
    }
}

fn window(ctx: &Context, get: AttrLookup<'_>, with_ceil: bool) -> Result<Window, ShapeError> {
    let auto_pad = match get("auto_pad") {
        None => AutoPad::NotSet,
        Some(a) => AutoPad::parse(
            ctx.string_value(a)
                .ok_or_else(|| ShapeError("attribute 'auto_pad' must be a string".into()))?,
        )?,
    };
    Ok(Window {
        kernel: ints_attr(ctx, get, "kernel_shape")?.unwrap_or_default(),
        strides: ints_attr(ctx, get, "strides")?,
        dilations: ints_attr(ctx, get, "dilations")?,
        pads: ints_attr(ctx, get, "pads")?,
        auto_pad,
        ceil_mode: with_ceil && int_attr(ctx, get, "ceil_mode", 0)? != 0,
    })
}

/// The integer values of a constant (`dense<...>` or `dense_resource<...>`)
/// of integer element type.
pub fn const_ints(ctx: &Context, a: Attr) -> Option<Vec<i64>> {
    match ctx.attr_kind(a) {
        AttrKind::DenseElements { .. } => dlc_ir::dense::dense_values_i128(ctx, a)
            .map(|v| v.into_iter().map(|x| x as i64).collect()),
        AttrKind::DenseResource { ty, handle } => {
            let layout = elem_layout(ctx, *ty)?;
            let ScalarKind::Int { .. } = layout.scalar else {
                return None;
            };
            let blob = ctx.resources.get(handle)?;
            let eb = layout.bytes();
            if eb > 8 {
                return None;
            }
            let n = dlc_ir::dense::num_elements(ctx.shape(*ty)?)?;
            if blob.data.len() != n * eb {
                return None;
            }
            Some(
                blob.data
                    .chunks(eb)
                    .map(|c| {
                        let mut b = [0u8; 8];
                        b[..eb].copy_from_slice(c);
                        let v = i64::from_le_bytes(b);
                        // Sign-extend narrower integers.
                        let sh = 64 - 8 * eb as u32;
                        (v << sh) >> sh
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

// ----- shape inference ---------------------------------------------------------

/// The largest rank shape inference produces from a shape operand alone.
const MAX_RANK: i64 = 1 << 16;

/// An inferred result: its shape and element type.
pub type Inferred = (Vec<i64>, Type);

fn ranked(ctx: &Context, t: Type) -> Option<(&[i64], Type)> {
    match ctx.type_kind(t) {
        TypeKind::Tensor { shape, elem, .. } => Some((shape, *elem)),
        _ => None,
    }
}

/// Infers the result shapes and element types of the onnx op `name` from
/// its operand types, the constant values of its operands (where known) and
/// its attributes. Returns `Ok(None)` when an operand is unranked.
pub fn infer_shapes(
    ctx: &Context,
    name: &str,
    operands: &[Type],
    consts: &[Option<Attr>],
    get: AttrLookup<'_>,
    num_results: usize,
) -> Result<Option<Vec<Inferred>>, ShapeError> {
    if name == ConstantOp::NAME {
        let Some(v) = get("value") else {
            return Err(ShapeError("requires a 'value' attribute".into()));
        };
        let Some(t) = ctx.attr_type(v) else {
            return Err(ShapeError(
                "'value' must be a typed elements attribute".into(),
            ));
        };
        return Ok(ranked(ctx, t).map(|(s, e)| vec![(s.to_vec(), e)]));
    }
    let mut shapes: Vec<&[i64]> = Vec::with_capacity(operands.len());
    let mut elems = Vec::with_capacity(operands.len());
    for &t in operands {
        match ranked(ctx, t) {
            Some((s, e)) => {
                shapes.push(s);
                elems.push(e);
            }
            None => return Ok(None),
        }
    }
    let need = |n: usize| -> Result<(), ShapeError> {
        if shapes.len() < n {
            Err(ShapeError(format!("expects at least {n} operands")))
        } else {
            Ok(())
        }
    };
    need(1)?;
    let same_elems = |what: &str| -> Result<(), ShapeError> {
        if elems.iter().any(|e| *e != elems[0]) {
            return Err(ShapeError(format!(
                "{what} operands must have the same element type"
            )));
        }
        Ok(())
    };
    let e0 = elems[0];
    let one = |s: Vec<i64>| Ok(Some(vec![(s, e0)]));
    let op = name.strip_prefix("onnx.").unwrap_or(name);
    match op {
        "Identity" | "Relu" | "Sigmoid" | "Tanh" => one(shapes[0].to_vec()),
        "Softmax" => {
            let axis = int_attr(ctx, get, "axis", -1)?;
            shape::norm_axis(axis, shapes[0].len(), false)?;
            one(shapes[0].to_vec())
        }
        "Add" | "Sub" | "Mul" | "Div" => {
            need(2)?;
            same_elems(op)?;
            one(shape::broadcast(&shapes)?)
        }
        "MatMul" => {
            need(2)?;
            same_elems(op)?;
            one(shape::matmul(shapes[0], shapes[1])?)
        }
        "Gemm" => {
            need(2)?;
            same_elems(op)?;
            let ta = int_attr(ctx, get, "transA", 0)? != 0;
            let tb = int_attr(ctx, get, "transB", 0)? != 0;
            one(shape::gemm(
                shapes[0],
                shapes[1],
                shapes.get(2).copied(),
                ta,
                tb,
            )?)
        }
        "Reshape" => {
            need(2)?;
            let allowzero = int_attr(ctx, get, "allowzero", 0)? != 0;
            if shapes[1].len() != 1 {
                return Err(ShapeError("the shape operand must be 1-D".into()));
            }
            match consts
                .get(1)
                .copied()
                .flatten()
                .and_then(|a| const_ints(ctx, a))
            {
                Some(target) => one(shape::reshape(shapes[0], &target, allowzero)?),
                None if shapes[1][0] != DYNAMIC => {
                    if shapes[1][0] > MAX_RANK {
                        return Err(ShapeError(format!(
                            "Reshape to rank {} is not supported",
                            shapes[1][0]
                        )));
                    }
                    one(vec![DYNAMIC; shapes[1][0] as usize])
                }
                None => Ok(None),
            }
        }
        "Flatten" => {
            let axis = int_attr(ctx, get, "axis", 1)?;
            one(shape::flatten(shapes[0], axis)?)
        }
        "Transpose" => {
            let perm = ints_attr(ctx, get, "perm")?;
            one(shape::transpose(shapes[0], perm.as_deref())?)
        }
        "Concat" => {
            same_elems(op)?;
            let Some(axis) = get("axis") else {
                return Err(ShapeError("requires an 'axis' attribute".into()));
            };
            let axis = ctx
                .int_value(axis)
                .ok_or_else(|| ShapeError("'axis' must be an integer".into()))?;
            one(shape::concat(&shapes, axis as i64)?)
        }
        "Conv" => {
            need(2)?;
            same_elems(op)?;
            let group = int_attr(ctx, get, "group", 1)?;
            let w = window(ctx, get, false)?;
            one(shape::conv(
                shapes[0],
                shapes[1],
                shapes.get(2).copied(),
                group,
                &w,
            )?)
        }
        "MaxPool" | "AveragePool" | "LpPool" => {
            let w = window(ctx, get, true)?;
            if w.kernel.is_empty() {
                return Err(ShapeError("requires a 'kernel_shape' attribute".into()));
            }
            let s = shape::pool(shapes[0], &w)?;
            let mut out = vec![(s.clone(), e0)];
            if op == "MaxPool" && num_results > 1 {
                // Element type i64; set by `infer_result_types`.
                out.push((s, e0));
            }
            Ok(Some(out))
        }
        "GlobalAveragePool" => one(shape::global_pool(shapes[0])?),
        "RNN" | "GRU" | "LSTM" => crate::rnn::infer(ctx, op, &shapes, &elems, get, num_results)
            .unwrap_or_else(|| Ok(Vec::new()))
            .map(Some),
        "Split" | "Dropout" => {
            crate::shape_ops::infer_multi(ctx, op, &shapes, &elems, consts, get, num_results)
                .map(Some)
        }
        "BatchNormalization" => {
            need(5)?;
            let y = shape::batch_norm(shapes[0], &shapes[1..5])?;
            // Training mode: Y, running_mean, running_var (shaped like the
            // input statistics).
            let mut out = vec![(y, e0)];
            for k in 1..num_results.clamp(1, 3) {
                out.push((shapes[2 + k].to_vec(), elems[2 + k]));
            }
            Ok(Some(out))
        }
        _ => {
            for infer in FAMILY_INFERS {
                if let Some(r) = infer(ctx, op, &shapes, &elems, consts, get) {
                    return r.map(Some);
                }
            }
            Ok(None)
        }
    }
}

/// Shape and type inference of one group of ops (a module of this crate):
/// `None` when `op` (the ONNX op type) is not one of the group's.
pub type FamilyInfer = fn(
    &Context,
    &str,
    &[&[i64]],
    &[Type],
    &[Option<Attr>],
    AttrLookup<'_>,
) -> Option<Result<Vec<Inferred>, ShapeError>>;

/// The groups tried after the ops above.
const FAMILY_INFERS: &[FamilyInfer] = &[
    crate::elementwise::infer,
    crate::reduce::infer,
    crate::shape_ops::infer,
    crate::nn::infer,
    crate::quant::infer,
    crate::text::infer,
    crate::ml::infer,
];

/// Infers the result types of an op being built (for importers); `None` if
/// an operand is unranked.
pub fn infer_result_types(
    ctx: &mut Context,
    name: &str,
    operands: &[Type],
    consts: &[Option<Attr>],
    get: AttrLookup<'_>,
    num_results: usize,
) -> Result<Option<Vec<Type>>, ShapeError> {
    let Some(inf) = infer_shapes(ctx, name, operands, consts, get, num_results)? else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(inf.len());
    for (i, (s, e)) in inf.into_iter().enumerate() {
        let e = if i == 1 && name == MaxPoolOp::NAME {
            ctx.i64()
        } else {
            e
        };
        out.push(ctx.tensor_type(&s, e));
    }
    Ok(Some(out))
}

/// The constant value feeding `v`, if it is defined by an `onnx.Constant`.
pub fn constant_value(ctx: &Context, v: dlc_ir::Value) -> Option<Attr> {
    let d = ctx.defining_op(v)?;
    if ctx.op_name_str(d) != ConstantOp::NAME {
        return None;
    }
    ctx.attr(d, "value")
}

fn shape_str(s: &[i64]) -> String {
    s.iter()
        .map(|&d| {
            if d == DYNAMIC {
                "?".to_string()
            } else {
                d.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("x")
}

/// Re-runs shape inference and checks the declared result types agree
/// (dynamic dimensions are compatible with anything).
pub(crate) fn verify_op(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let name = ctx.op_name_str(op).to_string();
    let operands = ctx.operand_types(op);
    let consts: Vec<Option<Attr>> = ctx.operands(op).map(|v| constant_value(ctx, v)).collect();
    let get = |n: &str| ctx.attr(op, n);
    let inferred = infer_shapes(ctx, &name, &operands, &consts, &get, ctx.num_results(op))
        .map_err(|e| ctx.op_error(op, e.0))?;
    let Some(inferred) = inferred else {
        return Ok(());
    };
    for (i, (shape, elem)) in inferred.iter().enumerate() {
        if i >= ctx.num_results(op) {
            break;
        }
        let rt = ctx.value_type(ctx.result(op, i));
        let Some((rs, re)) = ranked(ctx, rt) else {
            continue;
        };
        let elem_ok = if i == 1 && name == MaxPoolOp::NAME {
            matches!(ctx.type_kind(re), TypeKind::Integer { width: 64, .. })
        } else {
            re == *elem
        };
        let shape_ok = rs.len() == shape.len()
            && rs
                .iter()
                .zip(shape)
                .all(|(a, b)| *a == DYNAMIC || *b == DYNAMIC || a == b);
        if !elem_ok || !shape_ok {
            let mut want = String::new();
            dlc_ir::printer::print_type_to(ctx, *elem, &mut want);
            return Err(ctx.op_error(
                op,
                format!(
                    "result #{i} has shape {} but the inferred shape is {} of {want}",
                    shape_str(rs),
                    shape_str(shape)
                ),
            ));
        }
    }
    Ok(())
}

// ----- folding -----------------------------------------------------------------

/// The same data under another (static) type: reshapes share the blob.
fn retyped(ctx: &mut Context, a: Attr, ty: Type) -> Option<Attr> {
    if dlc_ir::dense::num_elements(ctx.shape(ty)?)?
        != dlc_ir::dense::num_elements(ctx.shape(ctx.attr_type(a)?)?)?
    {
        return None;
    }
    match ctx.attr_kind(a).clone() {
        AttrKind::DenseElements { data, .. } => Some(ctx.dense_attr(ty, data)),
        AttrKind::DenseResource { handle, .. } => {
            Some(ctx.intern_attr(AttrKind::DenseResource { ty, handle }))
        }
        _ => None,
    }
}

/// Reshape/Flatten of a constant: the constant under the result type.
fn fold_retype(ctx: &mut Context, op: Op, consts: &[Option<Attr>]) -> FoldResult {
    let ty = ctx.value_type(ctx.result(op, 0));
    let in_ty = ctx.value_type(ctx.operand(op, 0));
    if ty == in_ty {
        return FoldResult::value(ctx.operand(op, 0));
    }
    match consts
        .first()
        .copied()
        .flatten()
        .and_then(|a| retyped(ctx, a, ty))
    {
        Some(a) => FoldResult::attr(a),
        None => FoldResult::None,
    }
}

/// Most elements a transpose is folded for (the data is copied).
const TRANSPOSE_FOLD_LIMIT: usize = 1 << 20;

/// Transpose of a constant: splats are retyped, small dense constants
/// permuted.
fn fold_transpose(ctx: &mut Context, op: Op, consts: &[Option<Attr>]) -> FoldResult {
    let Some(a) = consts.first().copied().flatten() else {
        return FoldResult::None;
    };
    let ty = ctx.value_type(ctx.result(op, 0));
    let AttrKind::DenseElements { ty: in_ty, data } = ctx.attr_kind(a).clone() else {
        return FoldResult::None;
    };
    if data.splat {
        return match retyped(ctx, a, ty) {
            Some(a) => FoldResult::attr(a),
            None => FoldResult::None,
        };
    }
    let (Some(in_shape), Some(layout)) = (
        ctx.shape(in_ty).map(|s| s.to_vec()),
        elem_layout(ctx, in_ty),
    ) else {
        return FoldResult::None;
    };
    let perm = ctx.attr(op, "perm").and_then(|p| ints_value(ctx, p));
    let Ok(perm) = shape::checked_perm(in_shape.len(), perm.as_deref()) else {
        return FoldResult::None;
    };
    let Some(n) = dlc_ir::dense::num_elements(&in_shape) else {
        return FoldResult::None;
    };
    let eb = layout.bytes();
    if n > TRANSPOSE_FOLD_LIMIT || data.bytes.len() != n * eb {
        return FoldResult::None;
    }
    let out_shape: Vec<usize> = perm.iter().map(|&p| in_shape[p] as usize).collect();
    let mut in_strides = vec![1usize; in_shape.len()];
    for i in (0..in_shape.len().saturating_sub(1)).rev() {
        in_strides[i] = in_strides[i + 1] * in_shape[i + 1] as usize;
    }
    let mut out = Vec::with_capacity(n * eb);
    let mut idx = vec![0usize; out_shape.len()];
    for _ in 0..n {
        let src: usize = idx.iter().zip(&perm).map(|(i, &p)| i * in_strides[p]).sum();
        out.extend_from_slice(&data.bytes[src * eb..(src + 1) * eb]);
        for d in (0..idx.len()).rev() {
            idx[d] += 1;
            if idx[d] < out_shape[d] {
                break;
            }
            idx[d] = 0;
        }
    }
    let data = dlc_ir::attrs::DenseData {
        splat: false,
        bytes: out.into(),
    };
    FoldResult::attr(ctx.dense_attr(ty, data))
}

/// Builds a detached `onnx.Constant` holding `value` (for folding).
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
