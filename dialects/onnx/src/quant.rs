//! The quantisation operators of the onnx dialect: QuantizeLinear and
//! DequantizeLinear (per tensor, per axis, blocked), DynamicQuantizeLinear,
//! QLinearMatMul, QLinearConv, MatMulInteger and ConvInteger. Quantised
//! element types are the 8-, 16- and 32-bit integers; float8, int4, int2
//! and float4 have no builtin type here (the importer rejects them).

use crate::elementwise::onnx_elem_type;
use crate::ops::{
    ANY_TENSOR, AttrLookup, INT_ATTR, INTS_ATTR, Inferred, STR_ATTR, int_attr, ints_attr, verify_op,
};
use crate::shape::{self, AutoPad, ShapeError, Window};
use dlc_ir::types::DYNAMIC;
use dlc_ir::{Attr, Context, Type, TypeKind};

const COMPUTE_FORMAT: &str = "operands attr-dict `:` functional-type(operands, results)";

macro_rules! quant_ops {
    ($( $ty:ident, $name:literal, $summary:literal,
        [$($oname:ident $([$omark:ident])?),*], [$($rname:ident),*],
        [$($aname:ident: $acon:expr),*]; )*) => {$(
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                operands: [$($oname $([$omark])?: ANY_TENSOR),*],
                results: [$($rname: ANY_TENSOR),*],
                attributes: [$($aname[optional]: $acon),*],
                traits: PURE,
                format: COMPUTE_FORMAT,
                verify: verify_op,
            }
        }
    )*
    /// Every op of this module.
    pub const OPS: &[&dlc_ir::OpDef] = &[$(&$ty::DEF),*];
    /// Their op names (`onnx.QuantizeLinear`, ...).
    pub const OP_NAMES: &[&str] = &[$($name),*];
    };
}

quant_ops! {
    QuantizeLinearOp, "onnx.QuantizeLinear", "ONNX QuantizeLinear: saturate(round(x / y_scale) + y_zero_point)",
        [x, y_scale, y_zero_point[variadic]], [y],
        [axis: INT_ATTR, saturate: INT_ATTR, block_size: INT_ATTR, output_dtype: INT_ATTR, precision: INT_ATTR];
    DequantizeLinearOp, "onnx.DequantizeLinear", "ONNX DequantizeLinear: (x - x_zero_point) * x_scale",
        [x, x_scale, x_zero_point[variadic]], [y],
        [axis: INT_ATTR, block_size: INT_ATTR, output_dtype: INT_ATTR];
    DynamicQuantizeLinearOp, "onnx.DynamicQuantizeLinear", "ONNX DynamicQuantizeLinear (uint8; y, y_scale, y_zero_point)",
        [x], [y, y_scale, y_zero_point], [];
    QLinearMatMulOp, "onnx.QLinearMatMul", "ONNX QLinearMatMul",
        [a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point], [y], [];
    QLinearConvOp, "onnx.QLinearConv", "ONNX QLinearConv (optional int32 bias B)",
        [x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B[variadic]], [y],
        [auto_pad: STR_ATTR, dilations: INTS_ATTR, group: INT_ATTR, kernel_shape: INTS_ATTR, pads: INTS_ATTR, strides: INTS_ATTR];
    MatMulIntegerOp, "onnx.MatMulInteger", "ONNX MatMulInteger (int32 result)",
        [A, B, zero_points[variadic]], [Y], [];
    ConvIntegerOp, "onnx.ConvInteger", "ONNX ConvInteger (int32 result)",
        [x, w, zero_points[variadic]], [y],
        [auto_pad: STR_ATTR, dilations: INTS_ATTR, group: INT_ATTR, kernel_shape: INTS_ATTR, pads: INTS_ATTR, strides: INTS_ATTR];
}

fn err<T>(m: impl Into<String>) -> Result<T, ShapeError> {
    Err(ShapeError(m.into()))
}

/// Whether `t` is a quantised element type: an 8-, 16- or 32-bit integer.
pub fn is_quant_int(ctx: &Context, t: Type) -> bool {
    matches!(
        ctx.type_kind(t),
        TypeKind::Integer {
            width: 8 | 16 | 32,
            ..
        }
    )
}

fn is_float(ctx: &Context, t: Type) -> bool {
    matches!(ctx.type_kind(t), TypeKind::Float(_))
}

fn ty_str(ctx: &Context, t: Type) -> String {
    let mut s = String::new();
    dlc_ir::printer::print_type_to(ctx, t, &mut s);
    s
}

/// Checks a scale or zero point against `x`: a scalar (or one element),
/// a 1-D tensor of `x[axis]` elements, or (with `block_size`) `x`'s shape
/// with `ceil(x[axis] / block_size)` at `axis`.
pub fn check_quant_param(
    what: &str,
    p: &[i64],
    x: &[i64],
    axis: i64,
    block_size: i64,
) -> Result<(), ShapeError> {
    // One element applies to the whole tensor (as in the reference).
    if p.iter().all(|&d| d == 1) {
        return Ok(());
    }
    let r = x.len() as i64;
    if axis < -r || axis >= r {
        return err(format!("axis {axis} is out of range for rank {r}"));
    }
    let a = if axis < 0 { axis + r } else { axis } as usize;
    let ok = |d: i64, want: i64| d == DYNAMIC || want == DYNAMIC || d == want;
    if block_size == 0 {
        if p.len() != 1 || !ok(p[0], x[a]) {
            return err(format!(
                "{what} must be a scalar or have {} elements along axis {a}, got shape {p:?}",
                x[a]
            ));
        }
        return Ok(());
    }
    if block_size < 0 {
        return err("block_size must be positive");
    }
    let blocks = |d: i64| {
        if d == DYNAMIC {
            DYNAMIC
        } else {
            (d + block_size - 1) / block_size
        }
    };
    if p.len() != x.len()
        || p.iter()
            .zip(x)
            .enumerate()
            .any(|(i, (&d, &xd))| !ok(d, if i == a { blocks(xd) } else { xd }))
    {
        return err(format!(
            "{what} of shape {p:?} does not block {x:?} by {block_size} along axis {a}"
        ));
    }
    Ok(())
}

fn conv_window(ctx: &Context, get: AttrLookup<'_>, w: &[i64]) -> Result<Window, ShapeError> {
    let auto_pad = match get("auto_pad") {
        None => AutoPad::NotSet,
        Some(a) => AutoPad::parse(
            ctx.string_value(a)
                .ok_or_else(|| ShapeError("attribute 'auto_pad' must be a string".into()))?,
        )?,
    };
    Ok(Window {
        kernel: ints_attr(ctx, get, "kernel_shape")?
            .unwrap_or_else(|| w.get(2..).unwrap_or_default().to_vec()),
        strides: ints_attr(ctx, get, "strides")?,
        dilations: ints_attr(ctx, get, "dilations")?,
        pads: ints_attr(ctx, get, "pads")?,
        auto_pad,
        ceil_mode: false,
    })
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
    if !OP_NAMES.iter().any(|n| n.strip_prefix("onnx.") == Some(op)) {
        return None;
    }
    Some(infer_known(ctx, op, shapes, elems, get))
}

fn infer_known(
    ctx: &Context,
    op: &str,
    shapes: &[&[i64]],
    elems: &[Type],
    get: AttrLookup<'_>,
) -> Result<Vec<Inferred>, ShapeError> {
    let n = shapes.len();
    let arity = |lo: usize, hi: usize| -> Result<(), ShapeError> {
        if n < lo || n > hi {
            return err(format!("{op} expects {lo} to {hi} operands, got {n}"));
        }
        Ok(())
    };
    let quant = |i: usize, what: &str| -> Result<(), ShapeError> {
        if !is_quant_int(ctx, elems[i]) {
            return err(format!(
                "{op}'s {what} must be an 8-, 16- or 32-bit integer tensor, got {}",
                ty_str(ctx, elems[i])
            ));
        }
        Ok(())
    };
    let float = |i: usize, what: &str| -> Result<(), ShapeError> {
        if !is_float(ctx, elems[i]) {
            return err(format!("{op}'s {what} must be a float tensor"));
        }
        Ok(())
    };
    let same = |i: usize, j: usize, what: &str| -> Result<(), ShapeError> {
        if elems[i] != elems[j] {
            return err(format!("{op}'s {what} must have the same element type"));
        }
        Ok(())
    };
    let i32t = ctx
        .lookup_integer_type(32)
        .ok_or_else(|| ShapeError("i32 is not interned".into()))?;
    let ui8 = onnx_elem_type(ctx, 2).ok_or_else(|| ShapeError("ui8 is not interned".into()))?;
    let s0 = shapes[0].to_vec();
    Ok(match op {
        "QuantizeLinear" | "DequantizeLinear" => {
            arity(2, 3)?;
            let axis = int_attr(ctx, get, "axis", 1)?;
            let block = int_attr(ctx, get, "block_size", 0)?;
            float(1, "scale")?;
            check_quant_param("the scale", shapes[1], shapes[0], axis, block)?;
            if n == 3 {
                check_quant_param("the zero point", shapes[2], shapes[0], axis, block)?;
            }
            let out_dtype = int_attr(ctx, get, "output_dtype", 0)?;
            let dtype = |d: i64| {
                onnx_elem_type(ctx, d).ok_or_else(|| {
                    ShapeError(format!("{op} to ONNX data type {d} is not supported"))
                })
            };
            if op == "QuantizeLinear" {
                float(0, "input")?;
                let t = if n == 3 {
                    quant(2, "zero point")?;
                    if out_dtype != 0 && dtype(out_dtype)? != elems[2] {
                        return err("QuantizeLinear's output_dtype must match the zero point");
                    }
                    elems[2]
                } else if out_dtype != 0 {
                    dtype(out_dtype)?
                } else {
                    ui8
                };
                if !is_quant_int(ctx, t) {
                    return err(format!(
                        "QuantizeLinear to {} is not supported",
                        ty_str(ctx, t)
                    ));
                }
                vec![(s0, t)]
            } else {
                quant(0, "input")?;
                if n == 3 {
                    same(0, 2, "input and zero point")?;
                }
                let t = if out_dtype != 0 {
                    dtype(out_dtype)?
                } else {
                    elems[1]
                };
                if !is_float(ctx, t) {
                    return err("DequantizeLinear's output must be a float type");
                }
                vec![(s0, t)]
            }
        }
        "DynamicQuantizeLinear" => {
            arity(1, 1)?;
            float(0, "input")?;
            vec![(s0, ui8), (vec![], elems[0]), (vec![], ui8)]
        }
        "MatMulInteger" => {
            arity(2, 4)?;
            quant(0, "A")?;
            quant(1, "B")?;
            for i in 2..n {
                same(i - 2, i, "operands and their zero points")?;
            }
            vec![(shape::matmul(shapes[0], shapes[1])?, i32t)]
        }
        "QLinearMatMul" => {
            arity(8, 8)?;
            for (i, w) in [(0, "a"), (3, "b"), (7, "y_zero_point")] {
                quant(i, w)?;
            }
            same(0, 2, "a and a_zero_point")?;
            same(3, 5, "b and b_zero_point")?;
            for (i, w) in [(1, "a_scale"), (4, "b_scale"), (6, "y_scale")] {
                float(i, w)?;
            }
            vec![(shape::matmul(shapes[0], shapes[3])?, elems[7])]
        }
        "ConvInteger" | "QLinearConv" => {
            let q = op == "QLinearConv";
            if q {
                arity(8, 9)?
            } else {
                arity(2, 4)?
            }
            let wi = if q { 3 } else { 1 };
            quant(0, "x")?;
            quant(wi, "w")?;
            if q {
                same(0, 2, "x and x_zero_point")?;
                same(3, 5, "w and w_zero_point")?;
                quant(7, "y_zero_point")?;
                if n == 9 && elems[8] != i32t {
                    return err("QLinearConv's bias must be int32");
                }
            } else {
                for i in 2..n {
                    same(i - 2, i, "operands and their zero points")?;
                }
            }
            let group = int_attr(ctx, get, "group", 1)?;
            let win = conv_window(ctx, get, shapes[wi])?;
            let bias = if q && n == 9 { Some(shapes[8]) } else { None };
            let s = shape::conv(shapes[0], shapes[wi], bias, group, &win)?;
            vec![(s, if q { elems[7] } else { i32t })]
        }
        _ => return err(format!("{op} has no shape inference")),
    })
}
