//! The elementwise ONNX operators beyond the first set: unary math and
//! activations, binary arithmetic, logic, bitwise and comparison ops with
//! multidirectional broadcasting, the variadic Max/Min/Sum/Mean, Where,
//! Clip and Cast. Each is its own op (`onnx.Abs`, `onnx.Equal`, ...) with
//! the ONNX attribute names; [`infer`] gives their result shapes and element
//! types (bool results are `i1`).

use crate::ops::{ANY_TENSOR, AttrLookup, FLOAT_ATTR, INT_ATTR, Inferred, STR_ATTR, verify_op};
use crate::shape::{self, ShapeError};
use dlc_ir::types::{FloatKind, Signedness};
use dlc_ir::{Context, Type, TypeKind};

const COMPUTE_FORMAT: &str = "operands attr-dict `:` functional-type(operands, results)";

macro_rules! ew_ops {
    ($( $ty:ident, $name:literal, $summary:literal,
        [$($oname:ident $([$omark:ident])?),*], [$($aname:ident: $acon:expr),*]; )*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [$($oname $([$omark])?: ANY_TENSOR),*],
                results: [output: ANY_TENSOR],
                attributes: [$($aname[optional]: $acon),*],
                traits: PURE,
                format: COMPUTE_FORMAT,
                verify: verify_op,
            }
        }
    )*
    /// Every op of this module.
    pub const OPS: &[&dlc_ir::OpDef] = &[$(&$ty::DEF),*];
    /// Their op names (`onnx.Abs`, ...).
    pub const OP_NAMES: &[&str] = &[$($name),*];
    };
}

ew_ops! {
    AbsOp, "onnx.Abs", "ONNX Abs", [X], [];
    NegOp, "onnx.Neg", "ONNX Neg", [X], [];
    ExpOp, "onnx.Exp", "ONNX Exp", [X], [];
    LogOp, "onnx.Log", "ONNX Log (natural)", [X], [];
    SqrtOp, "onnx.Sqrt", "ONNX Sqrt", [X], [];
    ReciprocalOp, "onnx.Reciprocal", "ONNX Reciprocal: 1 / x", [X], [];
    FloorOp, "onnx.Floor", "ONNX Floor", [X], [];
    CeilOp, "onnx.Ceil", "ONNX Ceil", [X], [];
    RoundOp, "onnx.Round", "ONNX Round (half to even)", [X], [];
    SignOp, "onnx.Sign", "ONNX Sign", [X], [];
    SinOp, "onnx.Sin", "ONNX Sin", [X], [];
    CosOp, "onnx.Cos", "ONNX Cos", [X], [];
    TanOp, "onnx.Tan", "ONNX Tan", [X], [];
    AsinOp, "onnx.Asin", "ONNX Asin", [X], [];
    AcosOp, "onnx.Acos", "ONNX Acos", [X], [];
    AtanOp, "onnx.Atan", "ONNX Atan", [X], [];
    SinhOp, "onnx.Sinh", "ONNX Sinh", [X], [];
    CoshOp, "onnx.Cosh", "ONNX Cosh", [X], [];
    AsinhOp, "onnx.Asinh", "ONNX Asinh", [X], [];
    AcoshOp, "onnx.Acosh", "ONNX Acosh", [X], [];
    AtanhOp, "onnx.Atanh", "ONNX Atanh", [X], [];
    ErfOp, "onnx.Erf", "ONNX Erf", [X], [];
    SoftplusOp, "onnx.Softplus", "ONNX Softplus: log(1 + exp(x))", [X], [];
    SoftsignOp, "onnx.Softsign", "ONNX Softsign: x / (1 + |x|)", [X], [];
    EluOp, "onnx.Elu", "ONNX Elu", [X], [alpha: FLOAT_ATTR];
    SeluOp, "onnx.Selu", "ONNX Selu", [X], [alpha: FLOAT_ATTR, gamma: FLOAT_ATTR];
    CeluOp, "onnx.Celu", "ONNX Celu", [X], [alpha: FLOAT_ATTR];
    LeakyReluOp, "onnx.LeakyRelu", "ONNX LeakyRelu", [X], [alpha: FLOAT_ATTR];
    ThresholdedReluOp, "onnx.ThresholdedRelu", "ONNX ThresholdedRelu", [X], [alpha: FLOAT_ATTR];
    HardSigmoidOp, "onnx.HardSigmoid", "ONNX HardSigmoid", [X], [alpha: FLOAT_ATTR, beta: FLOAT_ATTR];
    HardSwishOp, "onnx.HardSwish", "ONNX HardSwish: x * HardSigmoid(x; 1/6, 0.5)", [X], [];
    MishOp, "onnx.Mish", "ONNX Mish: x * tanh(softplus(x))", [X], [];
    GeluOp, "onnx.Gelu", "ONNX Gelu (exact or tanh approximation)", [X], [approximate: STR_ATTR];
    ShrinkOp, "onnx.Shrink", "ONNX Shrink", [X], [bias: FLOAT_ATTR, lambd: FLOAT_ATTR];
    NotOp, "onnx.Not", "ONNX Not (bool)", [X], [];
    BitwiseNotOp, "onnx.BitwiseNot", "ONNX BitwiseNot", [X], [];
    IsNaNOp, "onnx.IsNaN", "ONNX IsNaN", [X], [];
    IsInfOp, "onnx.IsInf", "ONNX IsInf", [X], [detect_negative: INT_ATTR, detect_positive: INT_ATTR];
    PowOp, "onnx.Pow", "ONNX Pow (exponent of its own type)", [X, E], [];
    ModOp, "onnx.Mod", "ONNX Mod (sign of divisor, or C fmod with fmod = 1)", [A, B], [fmod: INT_ATTR];
    BitShiftOp, "onnx.BitShift", "ONNX BitShift", [X, S], [direction: STR_ATTR];
    BitwiseAndOp, "onnx.BitwiseAnd", "ONNX BitwiseAnd", [A, B], [];
    BitwiseOrOp, "onnx.BitwiseOr", "ONNX BitwiseOr", [A, B], [];
    BitwiseXorOp, "onnx.BitwiseXor", "ONNX BitwiseXor", [A, B], [];
    AndOp, "onnx.And", "ONNX And (bool)", [A, B], [];
    OrOp, "onnx.Or", "ONNX Or (bool)", [A, B], [];
    XorOp, "onnx.Xor", "ONNX Xor (bool)", [A, B], [];
    EqualOp, "onnx.Equal", "ONNX Equal", [A, B], [];
    LessOp, "onnx.Less", "ONNX Less", [A, B], [];
    GreaterOp, "onnx.Greater", "ONNX Greater", [A, B], [];
    LessOrEqualOp, "onnx.LessOrEqual", "ONNX LessOrEqual", [A, B], [];
    GreaterOrEqualOp, "onnx.GreaterOrEqual", "ONNX GreaterOrEqual", [A, B], [];
    PReluOp, "onnx.PRelu", "ONNX PRelu (slope broadcast to X)", [X, slope], [];
    MaxOp, "onnx.Max", "ONNX Max of one or more inputs", [data_0[variadic]], [];
    MinOp, "onnx.Min", "ONNX Min of one or more inputs", [data_0[variadic]], [];
    SumOp, "onnx.Sum", "ONNX Sum of one or more inputs", [data_0[variadic]], [];
    MeanOp, "onnx.Mean", "ONNX Mean of one or more inputs", [data_0[variadic]], [];
    WhereOp, "onnx.Where", "ONNX Where", [C, X, Y], [];
    ClipOp, "onnx.Clip", "ONNX Clip (bounds as attributes before opset 11, optional inputs after)", [X, bounds[variadic]], [min: FLOAT_ATTR, max: FLOAT_ATTR];
    CastOp, "onnx.Cast", "ONNX Cast to the type of ONNX data type `to`", [X], [to: INT_ATTR, saturate: INT_ATTR];
    CastLikeOp, "onnx.CastLike", "ONNX CastLike", [X, target], [saturate: INT_ATTR];
    BitCastOp, "onnx.BitCast", "ONNX BitCast (same element width)", [X], [to: INT_ATTR];
    SwishOp, "onnx.Swish", "ONNX Swish: x * sigmoid(alpha x)", [X], [alpha: FLOAT_ATTR];
    SwiGLUOp, "onnx.SwiGLU", "ONNX SwiGLU: Swish(A) * B", [A, B], [alpha: FLOAT_ATTR];
}

/// The builtin type of ONNX data type `dt`, if interned (all are, see
/// `Context::new`).
pub fn onnx_elem_type(ctx: &Context, dt: i64) -> Option<Type> {
    let int = |width, signedness| TypeKind::Integer { width, signedness };
    let k = match dt {
        1 => TypeKind::Float(FloatKind::F32),
        2 => int(8, Signedness::Unsigned),
        3 => int(8, Signedness::Signless),
        4 => int(16, Signedness::Unsigned),
        5 => int(16, Signedness::Signless),
        6 => int(32, Signedness::Signless),
        7 => int(64, Signedness::Signless),
        9 => int(1, Signedness::Signless),
        10 => TypeKind::Float(FloatKind::F16),
        11 => TypeKind::Float(FloatKind::F64),
        12 => int(32, Signedness::Unsigned),
        13 => int(64, Signedness::Unsigned),
        16 => TypeKind::Float(FloatKind::BF16),
        _ => return None,
    };
    ctx.lookup_type(&k)
}

fn is_float(ctx: &Context, t: Type) -> bool {
    matches!(ctx.type_kind(t), TypeKind::Float(_))
}

fn is_bool(ctx: &Context, t: Type) -> bool {
    matches!(ctx.type_kind(t), TypeKind::Integer { width: 1, .. })
}

fn is_int(ctx: &Context, t: Type) -> bool {
    matches!(ctx.type_kind(t), TypeKind::Integer { width, .. } if *width > 1)
}

/// Result shapes and element types of the ops of this module; `None` for
/// other ops.
pub fn infer(
    ctx: &Context,
    op: &str,
    shapes: &[&[i64]],
    elems: &[Type],
    _consts: &[Option<dlc_ir::Attr>],
    get: AttrLookup<'_>,
) -> Option<Result<Vec<Inferred>, ShapeError>> {
    if !OP_NAMES.iter().any(|n| n.strip_prefix("onnx.") == Some(op)) {
        return None;
    }
    Some(infer_known(ctx, op, shapes, elems, get))
}

fn err<T>(m: impl Into<String>) -> Result<T, ShapeError> {
    Err(ShapeError(m.into()))
}

fn infer_known(
    ctx: &Context,
    op: &str,
    shapes: &[&[i64]],
    elems: &[Type],
    get: AttrLookup<'_>,
) -> Result<Vec<Inferred>, ShapeError> {
    let i1 = ctx
        .lookup_integer_type(1)
        .ok_or_else(|| ShapeError("i1 is not interned".into()))?;
    let e0 = elems[0];
    let same = |n: usize| -> Result<(), ShapeError> {
        if elems[..n].iter().any(|&e| e != e0) {
            return err(format!("operands of {op} must have the same element type"));
        }
        Ok(())
    };
    let need = |n: usize| -> Result<(), ShapeError> {
        if shapes.len() != n {
            return err(format!("{op} expects {n} operands, got {}", shapes.len()));
        }
        Ok(())
    };
    let want = |ok: bool, what: &str| -> Result<(), ShapeError> {
        if ok {
            Ok(())
        } else {
            err(format!("{op} expects {what} operands"))
        }
    };
    let s0 = shapes[0].to_vec();
    Ok(match op {
        "Not" => {
            need(1)?;
            want(is_bool(ctx, e0), "bool")?;
            vec![(s0, e0)]
        }
        "BitwiseNot" => {
            need(1)?;
            want(is_int(ctx, e0), "integer")?;
            vec![(s0, e0)]
        }
        "Abs" | "Neg" | "Sign" => {
            need(1)?;
            want(!is_bool(ctx, e0), "numeric")?;
            vec![(s0, e0)]
        }
        "IsNaN" | "IsInf" => {
            need(1)?;
            want(is_float(ctx, e0), "floating-point")?;
            vec![(s0, i1)]
        }
        "Cast" => {
            need(1)?;
            let to = get("to")
                .and_then(|a| ctx.int_value(a))
                .ok_or_else(|| ShapeError("Cast requires an integer 'to' attribute".into()))?;
            let t = onnx_elem_type(ctx, to as i64).ok_or_else(|| {
                ShapeError(format!("Cast to ONNX data type {to} is not supported"))
            })?;
            vec![(s0, t)]
        }
        "BitCast" => {
            need(1)?;
            let to = get("to")
                .and_then(|a| ctx.int_value(a))
                .ok_or_else(|| ShapeError("BitCast requires an integer 'to' attribute".into()))?;
            let t = onnx_elem_type(ctx, to as i64).ok_or_else(|| {
                ShapeError(format!("BitCast to ONNX data type {to} is not supported"))
            })?;
            let w = |t| ctx.int_or_float_width(t).unwrap_or(0);
            let bytes = |t| if w(t) == 1 { 8 } else { w(t) };
            if bytes(t) != bytes(e0) {
                return err("BitCast between element types of different widths is not supported");
            }
            vec![(s0, t)]
        }
        "SwiGLU" => {
            need(2)?;
            same(2)?;
            want(is_float(ctx, e0), "floating-point")?;
            if shapes[0] != shapes[1] {
                return err("SwiGLU's A and B must have the same shape");
            }
            vec![(s0, e0)]
        }
        "CastLike" => {
            need(2)?;
            vec![(s0, elems[1])]
        }
        "Pow" => {
            need(2)?;
            want(!is_bool(ctx, e0) && !is_bool(ctx, elems[1]), "numeric")?;
            vec![(shape::broadcast(shapes)?, e0)]
        }
        "BitShift" | "BitwiseAnd" | "BitwiseOr" | "BitwiseXor" => {
            need(2)?;
            same(2)?;
            want(is_int(ctx, e0), "integer")?;
            vec![(shape::broadcast(shapes)?, e0)]
        }
        "And" | "Or" | "Xor" => {
            need(2)?;
            same(2)?;
            want(is_bool(ctx, e0), "bool")?;
            vec![(shape::broadcast(shapes)?, e0)]
        }
        "Equal" | "Less" | "Greater" | "LessOrEqual" | "GreaterOrEqual" => {
            need(2)?;
            same(2)?;
            vec![(shape::broadcast(shapes)?, i1)]
        }
        "Mod" | "PRelu" => {
            need(2)?;
            same(2)?;
            let out = shape::broadcast(shapes)?;
            if op == "PRelu" && out != s0 {
                return err("PRelu's slope must broadcast to the shape of X");
            }
            vec![(out, e0)]
        }
        "Max" | "Min" | "Sum" | "Mean" => {
            if shapes.is_empty() {
                return err(format!("{op} expects at least one operand"));
            }
            same(shapes.len())?;
            vec![(shape::broadcast(shapes)?, e0)]
        }
        "Where" => {
            need(3)?;
            want(is_bool(ctx, e0), "a bool condition and two same-typed")?;
            if elems[1] != elems[2] {
                return err("Where's X and Y must have the same element type");
            }
            vec![(shape::broadcast(shapes)?, elems[1])]
        }
        "Clip" => {
            if shapes.len() > 3 {
                return err("Clip expects at most 3 operands");
            }
            same(shapes.len())?;
            for s in &shapes[1..] {
                if !s.is_empty() {
                    return err("Clip's min and max must be scalars");
                }
            }
            vec![(s0, e0)]
        }
        _ => {
            // Unary float math and activations.
            need(1)?;
            want(is_float(ctx, e0), "floating-point")?;
            vec![(s0, e0)]
        }
    })
}
