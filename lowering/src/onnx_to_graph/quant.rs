//! onnx-to-graph for the quant operators: every one decomposes into graph
//! ops, no new graph op is needed.
//!
//! - QuantizeLinear: `x / scale` (in the inputs' float type, as the ONNX
//!   reference), round half to even, `+ zero_point`, clamp to the integer
//!   range, cast. DequantizeLinear: `(x - zero_point) * scale`, cast.
//!   Per-axis parameters are reshaped to broadcast along `axis`; blocked
//!   ones (`block_size`) are expanded along `axis` by a `graph.gather` of
//!   constant indices `i / block_size`.
//! - DynamicQuantizeLinear: min/max reductions (including 0), the uint8
//!   scale and zero point as rank-0 tensors, then QuantizeLinear.
//! - MatMulInteger/ConvInteger: operands cast to i32 minus their zero
//!   points, then `graph.matmul`/`graph.conv2d` on i32 (i32 accumulation).
//! - QLinearMatMul/QLinearConv: the same, then requantised in f64 (the
//!   reference multiplies the i32 result by `a_scale * b_scale / y_scale`
//!   in double precision): multiply, add the zero point, round, clamp, cast.

use super::nn::{cast, ew};
use super::{
    LowerFn, LowerResult, build, int_attr, ints_attr, is_static, operands, reshape, result_shape,
    shape_of,
};
use dlc_ir::rewrite::PatternRewriter;
use dlc_ir::types::{FloatKind, Signedness};
use dlc_ir::{Attr, Context, Op, Type, TypeKind, Value};
use dlc_onnx::shape::{AutoPad, Window, window_output};

/// The lowering of onnx op `name`, if it is one of this module's.
pub(crate) fn lowering(name: &str) -> Option<LowerFn> {
    Some(match name.strip_prefix("onnx.")? {
        "QuantizeLinear" => lower_quantize,
        "DequantizeLinear" => lower_dequantize,
        "DynamicQuantizeLinear" => lower_dynamic_quantize,
        "MatMulInteger" => lower_matmul_integer,
        "QLinearMatMul" => lower_qlinear_matmul,
        "ConvInteger" => lower_conv_integer,
        "QLinearConv" => lower_qlinear_conv,
        _ => return None,
    })
}

// ----- helpers ----------------------------------------------------------------------

fn elem(ctx: &Context, v: Value) -> Type {
    ctx.element_type(ctx.value_type(v))
}

fn float_width(ctx: &Context, t: Type) -> Option<u32> {
    match ctx.type_kind(t) {
        TypeKind::Float(FloatKind::F64) => Some(64),
        TypeKind::Float(FloatKind::F32) => Some(32),
        TypeKind::Float(_) => Some(16),
        _ => None,
    }
}

fn num_elements(s: &[i64]) -> i64 {
    s.iter().product()
}

/// A rank-0 `graph.constant` of element type `e` (float or integer).
fn scalar(rw: &mut PatternRewriter<'_>, loc: Attr, e: Type, v: f64) -> LowerResult<Value> {
    let ty = rw.ctx.tensor_type(&[], e);
    let a = if rw.ctx.is_float(e) {
        dlc_ir::dense::dense_from_f64(rw.ctx, ty, &[v])
    } else {
        dlc_ir::dense::dense_from_i128(rw.ctx, ty, &[v as i128])
    }
    .ok_or("cannot build a scalar constant")?;
    let op = rw.create_op("graph.constant", loc, &[], &[ty], vec![("value", a)]);
    Ok(rw.ctx.result(op, 0))
}

fn bin(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    name: &str,
    a: Value,
    b: Value,
) -> LowerResult<Value> {
    build(rw, loc, name, &[a, b], vec![])
}

/// `min(max(v, lo), hi)` with scalar bounds of `v`'s element type.
fn clamp(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    v: Value,
    lo: f64,
    hi: f64,
) -> LowerResult<Value> {
    let e = elem(rw.ctx, v);
    let l = scalar(rw, loc, e, lo)?;
    let h = scalar(rw, loc, e, hi)?;
    let m = bin(rw, loc, "graph.max", v, l)?;
    bin(rw, loc, "graph.min", m, h)
}

/// The value range of integer type `t`.
fn int_range(ctx: &Context, t: Type) -> LowerResult<(f64, f64)> {
    match *ctx.type_kind(t) {
        TypeKind::Integer {
            width: w @ (8 | 16 | 32),
            signedness,
        } => Ok(if signedness == Signedness::Unsigned {
            (0.0, ((1u64 << w) - 1) as f64)
        } else {
            (-((1u64 << (w - 1)) as f64), ((1u64 << (w - 1)) - 1) as f64)
        }),
        _ => Err(format!(
            "quantised type {} is not supported (8-, 16- and 32-bit integers are)",
            super::type_str(ctx, t)
        )),
    }
}

/// A scale or zero point `p` made broadcastable to `x` (shape `xs`): one
/// element becomes a scalar, a 1-D tensor lies along `axis`, a blocked one
/// (`block` > 0) is repeated `block` times along `axis` and cut to `xs`.
fn align(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    p: Value,
    xs: &[i64],
    axis: i64,
    block: i64,
) -> LowerResult<Value> {
    let ps = shape_of(rw.ctx, p)?;
    if !is_static(&ps) || !is_static(xs) {
        return Err("needs static shapes".into());
    }
    if num_elements(&ps) == 1 {
        return reshape(rw, loc, p, &[]);
    }
    let a = super::norm_axis(axis, xs.len())? as usize;
    if block <= 0 {
        if ps.len() != 1 {
            return Err(format!("a per-axis parameter must be 1-D, got {ps:?}"));
        }
        let mut dims = vec![1; xs.len()];
        dims[a] = ps[0];
        return reshape(rw, loc, p, &dims);
    }
    if ps.len() != xs.len() {
        return Err(format!("a blocked parameter must have rank {}", xs.len()));
    }
    if ps[a] == 1 && block >= xs[a] {
        return Ok(p);
    }
    let idx: Vec<i128> = (0..xs[a]).map(|i| i128::from(i / block)).collect();
    let i64t = rw.ctx.i64();
    let it = rw.ctx.tensor_type(&[xs[a]], i64t);
    let ia = dlc_ir::dense::dense_from_i128(rw.ctx, it, &idx).ok_or("bad gather indices")?;
    let iop = rw.create_op("graph.constant", loc, &[], &[it], vec![("value", ia)]);
    let iv = rw.ctx.result(iop, 0);
    let mut gs = ps.clone();
    gs[a] = xs[a];
    let e = elem(rw.ctx, p);
    let gt = rw.ctx.tensor_type(&gs, e);
    let ax = rw.ctx.i64_attr(a as i64);
    let g = rw.create_op("graph.gather", loc, &[p, iv], &[gt], vec![("axis", ax)]);
    Ok(rw.ctx.result(g, 0))
}

/// `round(v) + zp` (or `round(v + zp)` with `zp_first`, the order of the
/// QLinear references; they differ for odd zero points at halves),
/// clamped to the range of `out` and cast to it; `v` of float type.
fn saturate_cast(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    v: Value,
    zp: Option<Value>,
    zp_first: bool,
    out: Type,
) -> LowerResult<Value> {
    let ct = elem(rw.ctx, v);
    let (lo, hi) = int_range(rw.ctx, out)?;
    let mut r = v;
    if !zp_first {
        r = ew(rw, loc, "round", &[r], ct)?;
    }
    if let Some(z) = zp {
        let z = cast(rw, loc, z, ct)?;
        r = bin(rw, loc, "graph.add", r, z)?;
    }
    if zp_first {
        r = ew(rw, loc, "round", &[r], ct)?;
    }
    // The largest integer below 2^31 that f32 holds, for i32 in f32.
    let hi = if float_width(rw.ctx, ct) == Some(32) && hi > 16_777_216.0 {
        2_147_483_520.0
    } else {
        hi
    };
    let c = clamp(rw, loc, r, lo, hi)?;
    cast(rw, loc, c, out)
}

// ----- QuantizeLinear / DequantizeLinear ----------------------------------------------

fn lower_quantize(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let (x, s) = (ins[0], ins[1]);
    let xs = shape_of(rw.ctx, x)?;
    let axis = int_attr(rw.ctx, op, "axis", 1)?;
    let block = int_attr(rw.ctx, op, "block_size", 0)?;
    let out = elem(rw.ctx, rw.ctx.result(op, 0));
    let (xe, se) = (elem(rw.ctx, x), elem(rw.ctx, s));
    // x / scale in `precision` (opset 23), else in the inputs' type when
    // they agree (as the reference).
    let precision = int_attr(rw.ctx, op, "precision", 0)?;
    let qe = if precision != 0 {
        dlc_onnx::elementwise::onnx_elem_type(rw.ctx, precision)
            .filter(|&t| rw.ctx.is_float(t))
            .ok_or_else(|| format!("precision {precision} is not a supported float type"))?
    } else if xe == se {
        xe
    } else if float_width(rw.ctx, xe) == Some(64) || float_width(rw.ctx, se) == Some(64) {
        rw.ctx.f64()
    } else {
        rw.ctx.f32()
    };
    let wide = float_width(rw.ctx, qe) == Some(64) || int_range(rw.ctx, out)?.1 > 65535.0;
    let ct = if wide { rw.ctx.f64() } else { rw.ctx.f32() };
    let sa = align(rw, loc, s, &xs, axis, block)?;
    let (xq, sq) = (cast(rw, loc, x, qe)?, cast(rw, loc, sa, qe)?);
    let q = bin(rw, loc, "graph.div", xq, sq)?;
    let q = cast(rw, loc, q, ct)?;
    let zp = match ins.get(2) {
        Some(&z) => {
            let zc = cast(rw, loc, z, ct)?;
            Some(align(rw, loc, zc, &xs, axis, block)?)
        }
        None => None,
    };
    Ok(vec![saturate_cast(rw, loc, q, zp, false, out)?])
}

fn lower_dequantize(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let (x, s) = (ins[0], ins[1]);
    let xs = shape_of(rw.ctx, x)?;
    let axis = int_attr(rw.ctx, op, "axis", 1)?;
    let block = int_attr(rw.ctx, op, "block_size", 0)?;
    let out = elem(rw.ctx, rw.ctx.result(op, 0));
    let f32t = rw.ctx.f32();
    // The reference converts x to f32; 32-bit zero points then promote
    // the difference to f64.
    let wide = rw.ctx.int_or_float_width(elem(rw.ctx, x)) == Some(32);
    let ct = if wide { rw.ctx.f64() } else { f32t };
    let xf = cast(rw, loc, x, f32t)?;
    let mut d = cast(rw, loc, xf, ct)?;
    if let Some(&z) = ins.get(2) {
        let zc = cast(rw, loc, z, ct)?;
        let za = align(rw, loc, zc, &xs, axis, block)?;
        d = bin(rw, loc, "graph.sub", d, za)?;
    }
    let sc = cast(rw, loc, s, ct)?;
    let sa = align(rw, loc, sc, &xs, axis, block)?;
    let y = bin(rw, loc, "graph.mul", d, sa)?;
    Ok(vec![cast(rw, loc, y, out)?])
}

// ----- DynamicQuantizeLinear ------------------------------------------------------------

fn lower_dynamic_quantize(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let xs = shape_of(rw.ctx, x)?;
    if !is_static(&xs) {
        return Err("needs a static input shape".into());
    }
    let xe = elem(rw.ctx, x);
    let f32t = rw.ctx.f32();
    let ui8 = elem(rw.ctx, rw.ctx.result(op, 0));
    let xf = cast(rw, loc, x, f32t)?;
    let reduce = |rw: &mut PatternRewriter<'_>, name: &str| -> LowerResult<Value> {
        if xs.is_empty() {
            return Ok(xf);
        }
        let axes: Vec<i64> = (0..xs.len() as i64).collect();
        let a = rw.ctx.dense_i64_array(&axes);
        let rt = rw.ctx.tensor_type(&[], f32t);
        let r = rw.create_op(name, loc, &[xf], &[rt], vec![("axes", a)]);
        Ok(rw.ctx.result(r, 0))
    };
    let zero = scalar(rw, loc, f32t, 0.0)?;
    let mx = reduce(rw, "graph.reduce_max")?;
    let mx = bin(rw, loc, "graph.max", mx, zero)?;
    let mn = reduce(rw, "graph.reduce_min")?;
    let mn = bin(rw, loc, "graph.min", mn, zero)?;
    // scale = (max == min ? 1 : max - min) / 255
    let i1 = rw.ctx.i1();
    let eq = ew(rw, loc, "equal", &[mx, mn], i1)?;
    let one = scalar(rw, loc, f32t, 1.0)?;
    let range = bin(rw, loc, "graph.sub", mx, mn)?;
    let range = ew(rw, loc, "select", &[eq, one, range], f32t)?;
    let q = scalar(rw, loc, f32t, 255.0)?;
    let scale = bin(rw, loc, "graph.div", range, q)?;
    // zero point = round(clamp(0 - min / scale, 0, 255))
    let m = bin(rw, loc, "graph.div", mn, scale)?;
    let izp = bin(rw, loc, "graph.sub", zero, m)?;
    let zp = clamp(rw, loc, izp, 0.0, 255.0)?;
    let zp = ew(rw, loc, "round", &[zp], f32t)?;
    let y = bin(rw, loc, "graph.div", xf, scale)?;
    let y = saturate_cast(rw, loc, y, Some(zp), false, ui8)?;
    let scale_out = cast(rw, loc, scale, xe)?;
    let zp_out = cast(rw, loc, zp, ui8)?;
    Ok(vec![y, scale_out, zp_out])
}

// ----- MatMulInteger / QLinearMatMul -----------------------------------------------------

/// Which operand of a matmul a zero point or scale belongs to: per-row
/// parameters of A (1-D of `M`) broadcast as `[M, 1]`, per-column ones of
/// B (1-D of `N`) as `[N]`; one element becomes a scalar.
fn align_matmul(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    p: Value,
    operand_shape: &[i64],
    is_a: bool,
) -> LowerResult<Value> {
    let ps = shape_of(rw.ctx, p)?;
    if num_elements(&ps) == 1 {
        return reshape(rw, loc, p, &[]);
    }
    if ps.len() == 1 && is_a && operand_shape.len() >= 2 {
        return reshape(rw, loc, p, &[ps[0], 1]);
    }
    Ok(p)
}

/// `(A - a_zp) x (B - b_zp)` in i32 with numpy's 1-D rules; the result has
/// shape `out`.
fn int_matmul(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    (a, azp): (Value, Option<Value>),
    (b, bzp): (Value, Option<Value>),
    out: &[i64],
) -> LowerResult<Value> {
    let i32t = rw.ctx.integer_type(32);
    let (sa, sb) = (shape_of(rw.ctx, a)?, shape_of(rw.ctx, b)?);
    if sa.is_empty() || sb.is_empty() {
        return Err("matmul operands must have rank >= 1".into());
    }
    let mut shifted = Vec::new();
    for (v, zp, s, is_a) in [(a, azp, &sa, true), (b, bzp, &sb, false)] {
        let mut v32 = cast(rw, loc, v, i32t)?;
        if let Some(z) = zp {
            let z32 = cast(rw, loc, z, i32t)?;
            let za = align_matmul(rw, loc, z32, s, is_a)?;
            v32 = bin(rw, loc, "graph.sub", v32, za)?;
        }
        shifted.push(v32);
    }
    let a2 = if sa.len() == 1 {
        reshape(rw, loc, shifted[0], &[1, sa[0]])?
    } else {
        shifted[0]
    };
    let b2 = if sb.len() == 1 {
        reshape(rw, loc, shifted[1], &[sb[0], 1])?
    } else {
        shifted[1]
    };
    let m = build(rw, loc, "graph.matmul", &[a2, b2], vec![])?;
    reshape(rw, loc, m, out)
}

fn lower_matmul_integer(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let out = result_shape(rw.ctx, op)?;
    let y = int_matmul(
        rw,
        loc,
        (ins[0], ins.get(2).copied()),
        (ins[1], ins.get(3).copied()),
        &out,
    )?;
    Ok(vec![y])
}

/// `round(acc * mult + zp)` in f64, clamped and cast to `out` (the
/// reference's double-precision requantisation).
fn requantize(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    acc: Value,
    mult: Value,
    zp: Value,
    out: Type,
) -> LowerResult<Value> {
    let f64t = rw.ctx.f64();
    let accf = cast(rw, loc, acc, f64t)?;
    let mf = cast(rw, loc, mult, f64t)?;
    let d = bin(rw, loc, "graph.mul", accf, mf)?;
    saturate_cast(rw, loc, d, Some(zp), true, out)
}

fn lower_qlinear_matmul(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let out = result_shape(rw.ctx, op)?;
    let out_elem = elem(rw.ctx, rw.ctx.result(op, 0));
    let (a, b) = (ins[0], ins[3]);
    let (sa, sb) = (shape_of(rw.ctx, a)?, shape_of(rw.ctx, b)?);
    let acc = int_matmul(rw, loc, (a, Some(ins[2])), (b, Some(ins[5])), &out)?;
    // a_scale * b_scale / y_scale in the scales' type.
    let a_s = align_matmul(rw, loc, ins[1], &sa, true)?;
    let b_s = align_matmul(rw, loc, ins[4], &sb, false)?;
    let y_s = align_matmul(rw, loc, ins[6], &out, false)?;
    let se = elem(rw.ctx, a_s);
    let b_s = cast(rw, loc, b_s, se)?;
    let y_s = cast(rw, loc, y_s, se)?;
    let ab = bin(rw, loc, "graph.mul", a_s, b_s)?;
    let mult = bin(rw, loc, "graph.div", ab, y_s)?;
    let y_zp = align_matmul(rw, loc, ins[7], &out, false)?;
    Ok(vec![requantize(rw, loc, acc, mult, y_zp, out_elem)?])
}

// ----- ConvInteger / QLinearConv ---------------------------------------------------------

/// `graph.conv2d` of i32 `x` and `w` (and i32 `bias`) with `op`'s window
/// attributes; 1-D convolution is 2-D with a height of 1.
fn int_conv(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    x: Value,
    w: Value,
    bias: Option<Value>,
) -> LowerResult<Value> {
    let loc = rw.ctx.op_loc(op);
    let (sx, sw) = (shape_of(rw.ctx, x)?, shape_of(rw.ctx, w)?);
    let one_d = sx.len() == 3 && sw.len() == 3;
    let two_d = sx.len() == 4 && sw.len() == 4;
    if !one_d && !two_d {
        return Err(format!(
            "only 1-D and 2-D convolution lower to graph.conv2d, got rank {}",
            sx.len()
        ));
    }
    if !is_static(&sx) || !is_static(&sw) {
        return Err("needs static input and weight shapes".into());
    }
    let auto_pad = match rw.ctx.attr(op, "auto_pad") {
        None => AutoPad::NotSet,
        Some(a) => AutoPad::parse(
            rw.ctx
                .string_value(a)
                .ok_or("'auto_pad' must be a string")?,
        )
        .map_err(|e| e.0)?,
    };
    let win = Window {
        kernel: ints_attr(rw.ctx, op, "kernel_shape")?.unwrap_or_else(|| sw[2..].to_vec()),
        strides: ints_attr(rw.ctx, op, "strides")?,
        dilations: ints_attr(rw.ctx, op, "dilations")?,
        pads: ints_attr(rw.ctx, op, "pads")?,
        auto_pad,
        ceil_mode: false,
    };
    let n = sx.len() - 2;
    let (_, pads) = window_output(&sx[2..], &win).map_err(|e| e.0)?;
    let strides = win.strides.unwrap_or_else(|| vec![1; n]);
    let dilations = win.dilations.unwrap_or_else(|| vec![1; n]);
    let (x, w, strides, dilations, pads) = if one_d {
        (
            reshape(rw, loc, x, &[sx[0], sx[1], 1, sx[2]])?,
            reshape(rw, loc, w, &[sw[0], sw[1], 1, sw[2]])?,
            vec![1, strides[0]],
            vec![1, dilations[0]],
            vec![0, pads[0], 0, pads[1]],
        )
    } else {
        (x, w, strides, dilations, pads)
    };
    let mut attrs = Vec::new();
    if strides.iter().any(|&s| s != 1) {
        attrs.push(("strides", rw.ctx.dense_i64_array(&strides)));
    }
    if pads.iter().any(|&p| p != 0) {
        attrs.push(("padding", rw.ctx.dense_i64_array(&pads)));
    }
    if dilations.iter().any(|&d| d != 1) {
        attrs.push(("dilations", rw.ctx.dense_i64_array(&dilations)));
    }
    let group = int_attr(rw.ctx, op, "group", 1)?;
    if group != 1 {
        attrs.push(("groups", rw.ctx.i64_attr(group)));
    }
    let mut ins = vec![x, w];
    ins.extend(bias);
    let y = build(rw, loc, "graph.conv2d", &ins, attrs)?;
    if one_d {
        let ys = shape_of(rw.ctx, y)?;
        return reshape(rw, loc, y, &[ys[0], ys[1], ys[3]]);
    }
    Ok(y)
}

/// `v - zp` in i32, a 1-D zero point of more than one element lying along
/// axis 0 (W's output channels).
fn shifted_i32(
    rw: &mut PatternRewriter<'_>,
    loc: Attr,
    v: Value,
    zp: Option<Value>,
) -> LowerResult<Value> {
    let i32t = rw.ctx.integer_type(32);
    let v32 = cast(rw, loc, v, i32t)?;
    let Some(z) = zp else {
        return Ok(v32);
    };
    let vs = shape_of(rw.ctx, v)?;
    let z32 = cast(rw, loc, z, i32t)?;
    let za = align(rw, loc, z32, &vs, 0, 0)?;
    bin(rw, loc, "graph.sub", v32, za)
}

fn lower_conv_integer(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let x = shifted_i32(rw, loc, ins[0], ins.get(2).copied())?;
    let w = shifted_i32(rw, loc, ins[1], ins.get(3).copied())?;
    Ok(vec![int_conv(rw, op, x, w, None)?])
}

fn lower_qlinear_conv(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let ins = operands(rw.ctx, op);
    let out = result_shape(rw.ctx, op)?;
    let out_elem = elem(rw.ctx, rw.ctx.result(op, 0));
    let x = shifted_i32(rw, loc, ins[0], Some(ins[2]))?;
    let w = shifted_i32(rw, loc, ins[3], Some(ins[5]))?;
    let acc = int_conv(rw, op, x, w, ins.get(8).copied())?;
    // x_scale * w_scale / y_scale, w_scale per output channel (axis 1).
    let x_s = align(rw, loc, ins[1], &out, 1, 0)?;
    let w_s = align(rw, loc, ins[4], &out, 1, 0)?;
    let y_s = align(rw, loc, ins[6], &out, 1, 0)?;
    let se = elem(rw.ctx, x_s);
    let w_s = cast(rw, loc, w_s, se)?;
    let y_s = cast(rw, loc, y_s, se)?;
    let xw = bin(rw, loc, "graph.mul", x_s, w_s)?;
    let mult = bin(rw, loc, "graph.div", xw, y_s)?;
    let y_zp = align(rw, loc, ins[7], &out, 1, 0)?;
    Ok(vec![requantize(rw, loc, acc, mult, y_zp, out_elem)?])
}
