//! Dense elements attributes: building them from parsed literals, printing
//! them exactly as `mlir-opt` does, and reading their values back (for
//! folders and lowerings).
//!
//! Storage ([`DenseData`]): each element little-endian in a whole number of
//! bytes (i1 takes one byte, complex elements are two scalars), or a single
//! element when the attribute is a splat. A literal whose elements are all
//! equal is stored as a splat, as MLIR does.

use crate::attrs::{Attr, AttrKind, DenseData};
use crate::context::Context;
use crate::float::{bits_to_f64, f64_to_bits, print_float, storage_bits};
use crate::sublang::{DenseElem, DenseLiteral, DenseScalar, ScalarValue};
use crate::types::{DYNAMIC, FloatKind, Signedness, Type, TypeKind};
use std::sync::Arc;

/// Non-splat attributes with more elements than this print as a hex blob.
const HEX_THRESHOLD: usize = 100;

/// The scalar kind of a dense element.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ScalarKind {
    Int { width: u32, signedness: Signedness },
    Index,
    Float(FloatKind),
}

impl ScalarKind {
    /// Bytes one scalar takes in storage.
    pub fn bytes(self) -> usize {
        match self {
            ScalarKind::Int { width, .. } => (width as usize).div_ceil(8).max(1),
            ScalarKind::Index => 8,
            ScalarKind::Float(k) => (storage_bits(k) as usize).div_ceil(8),
        }
    }
}

/// Element layout of a dense attribute: a scalar kind, and whether each
/// element is a complex pair.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ElemLayout {
    pub scalar: ScalarKind,
    pub complex: bool,
}

impl ElemLayout {
    pub fn bytes(self) -> usize {
        self.scalar.bytes() * if self.complex { 2 } else { 1 }
    }
}

fn scalar_kind(ctx: &Context, t: Type) -> Option<ScalarKind> {
    match ctx.type_kind(t) {
        TypeKind::Integer { width, signedness } => Some(ScalarKind::Int {
            width: *width,
            signedness: *signedness,
        }),
        TypeKind::Index => Some(ScalarKind::Index),
        TypeKind::Float(k) => Some(ScalarKind::Float(*k)),
        _ => None,
    }
}

/// The element layout of a shaped type's element type.
pub fn elem_layout(ctx: &Context, shaped: Type) -> Option<ElemLayout> {
    let e = ctx.element_type(shaped);
    if let TypeKind::Complex(inner) = ctx.type_kind(e) {
        return Some(ElemLayout {
            scalar: scalar_kind(ctx, *inner)?,
            complex: true,
        });
    }
    Some(ElemLayout {
        scalar: scalar_kind(ctx, e)?,
        complex: false,
    })
}

/// Number of elements of a static shape (None if dynamic or overflowing).
pub fn num_elements(shape: &[i64]) -> Option<usize> {
    shape.iter().try_fold(1usize, |acc, &d| {
        if d == DYNAMIC || d < 0 {
            None
        } else {
            acc.checked_mul(d as usize)
        }
    })
}

fn type_str(ctx: &Context, t: Type) -> String {
    let mut s = String::new();
    crate::printer::print_type_to(ctx, t, &mut s);
    s
}

fn shape_str(shape: &[i64]) -> String {
    let v: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("[{}]", v.join(", "))
}

/// Converts a parsed literal (`None` for `dense<>`) into the storage of a
/// dense attribute of type `ty` (a tensor or vector type).
pub fn build_dense(
    ctx: &mut Context,
    lit: Option<&DenseLiteral>,
    ty: Type,
) -> Result<DenseData, String> {
    let Some(shape) = ctx.shape(ty).map(|s| s.to_vec()) else {
        return Err("elements literal must be a ranked shaped type".into());
    };
    let Some(n) = num_elements(&shape) else {
        return Err("elements literal type must have static shape".into());
    };
    let elem_ty = ctx.element_type(ty);
    let Some(layout) = elem_layout(ctx, elem_ty) else {
        return Err(format!(
            "invalid element type for dense elements: '{}'",
            type_str(ctx, elem_ty)
        ));
    };
    let Some(lit) = lit else {
        if n != 0 {
            return Err(format!(
                "parsed zero elements, but type ('{}') expected at least 1",
                type_str(ctx, ty)
            ));
        }
        return Ok(DenseData {
            splat: false,
            bytes: Arc::from(&[][..]),
        });
    };
    match lit {
        DenseLiteral::Hex { bytes } => build_from_hex(ctx, ty, layout, n, bytes),
        DenseLiteral::Elements {
            shape: lit_shape,
            elems,
        } => {
            let is_splat_lit = lit_shape.is_empty();
            if !is_splat_lit && *lit_shape != shape {
                return Err(format!(
                    "inferred shape of elements literal ({}) does not match type ({})",
                    shape_str(lit_shape),
                    shape_str(&shape)
                ));
            }
            let eb = layout.bytes();
            let mut bytes = Vec::with_capacity(elems.len() * eb);
            for e in elems {
                encode_elem(ctx, elem_ty, layout, e, &mut bytes)?;
            }
            Ok(finish(bytes, eb, is_splat_lit || n == 1))
        }
    }
}

/// Detects all-equal elements and stores them as a splat.
fn finish(bytes: Vec<u8>, eb: usize, splat: bool) -> DenseData {
    if bytes.is_empty() {
        return DenseData {
            splat: false,
            bytes: Arc::from(bytes),
        };
    }
    let all_equal = splat || bytes.chunks(eb).all(|c| c == &bytes[..eb]);
    if all_equal {
        return DenseData {
            splat: true,
            bytes: Arc::from(&bytes[..eb]),
        };
    }
    DenseData {
        splat: false,
        bytes: Arc::from(bytes),
    }
}

fn build_from_hex(
    ctx: &Context,
    ty: Type,
    layout: ElemLayout,
    n: usize,
    raw: &[u8],
) -> Result<DenseData, String> {
    let bad = || {
        format!(
            "elements hex data size is invalid for provided type: '{}'",
            type_str(ctx, ty)
        )
    };
    let eb = layout.bytes();
    if let ScalarKind::Int { width: 1, .. } = layout.scalar
        && !layout.complex
    {
        // i1 data is bit-packed; a single 0x00/0xFF byte is a splat.
        if raw.len() == 1 && (raw[0] == 0 || raw[0] == 0xFF) {
            return Ok(finish(vec![raw[0] & 1], 1, true));
        }
        if raw.len() != n.div_ceil(8) {
            return Err(bad());
        }
        let bytes: Vec<u8> = (0..n).map(|i| (raw[i / 8] >> (i % 8)) & 1).collect();
        return Ok(finish(bytes, 1, n == 1));
    }
    if raw.len() == eb {
        return Ok(finish(raw.to_vec(), eb, true));
    }
    if Some(raw.len()) != n.checked_mul(eb) {
        return Err(bad());
    }
    Ok(finish(raw.to_vec(), eb, n == 1))
}

fn encode_elem(
    ctx: &Context,
    elem_ty: Type,
    layout: ElemLayout,
    e: &DenseElem,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    match (e, layout.complex) {
        (DenseElem::Scalar(s), false) => encode_scalar(layout.scalar, s, out),
        (DenseElem::Complex(re, im), true) => {
            encode_scalar(layout.scalar, re, out)?;
            encode_scalar(layout.scalar, im, out)
        }
        (DenseElem::Scalar(_), true) => Err(format!(
            "parsed 1 elements, but type ('{}') expected 2 elements",
            type_str(ctx, elem_ty)
        )),
        (DenseElem::Complex(..), false) => Err(format!(
            "complex element literal for non-complex element type '{}'",
            type_str(ctx, elem_ty)
        )),
    }
}

fn push_le(v: u128, nbytes: usize, out: &mut Vec<u8>) {
    out.extend_from_slice(&v.to_le_bytes()[..nbytes.min(16)]);
}

fn encode_scalar(k: ScalarKind, s: &DenseScalar, out: &mut Vec<u8>) -> Result<(), String> {
    let nbytes = k.bytes();
    match (k, &s.value) {
        (ScalarKind::Int { width, .. }, ScalarValue::Bool(b)) => {
            if width != 1 {
                return Err("expected i1 type for 'true' or 'false' values".into());
            }
            out.push(*b as u8);
            Ok(())
        }
        (ScalarKind::Index, ScalarValue::Bool(_)) => {
            Err("expected i1 type for 'true' or 'false' values".into())
        }
        (ScalarKind::Int { .. } | ScalarKind::Index, ScalarValue::Float { .. }) => {
            Err("expected integer elements, but parsed floating-point".into())
        }
        (
            ScalarKind::Int { .. } | ScalarKind::Index,
            ScalarValue::Int {
                negative,
                magnitude,
                ..
            },
        ) => {
            let (width, signedness) = match k {
                ScalarKind::Int { width, signedness } => (width, signedness),
                _ => (64, Signedness::Signless),
            };
            if *negative && signedness == Signedness::Unsigned {
                return Err("expected unsigned integer elements, but parsed negative value".into());
            }
            let range = || "integer constant out of range for type".to_string();
            let mag = magnitude.ok_or_else(range)?;
            let fits = if width >= 128 {
                if *negative {
                    mag <= 1u128 << 127
                } else {
                    signedness == Signedness::Unsigned
                        || signedness == Signedness::Signless
                        || mag < 1u128 << 127
                }
            } else {
                let umax = (1u128 << width) - 1;
                let smax = umax >> 1;
                match (signedness, *negative) {
                    (Signedness::Unsigned, _) => mag <= umax,
                    (Signedness::Signed, false) => mag <= smax,
                    (Signedness::Signless, false) => mag <= umax,
                    (_, true) => mag <= smax + 1,
                }
            };
            if !fits {
                return Err(range());
            }
            let v = if *negative {
                (mag as i128).wrapping_neg() as u128
            } else {
                mag
            };
            push_le(v, nbytes, out);
            Ok(())
        }
        (ScalarKind::Float(_), ScalarValue::Bool(_)) => {
            Err("expected floating point literal, but parsed 'true' or 'false'".into())
        }
        (
            ScalarKind::Float(fk),
            ScalarValue::Int {
                negative,
                magnitude,
                hex,
            },
        ) => {
            if !hex {
                return Err("unexpected decimal integer literal for a floating point value".into());
            }
            if *negative {
                return Err("hexadecimal float literal should not have a leading minus".into());
            }
            let bits = storage_bits(fk);
            match magnitude {
                Some(m) if bits >= 128 || *m >> bits == 0 => {
                    push_le(*m, nbytes, out);
                    Ok(())
                }
                _ => Err("hexadecimal float constant out of range for type".into()),
            }
        }
        (ScalarKind::Float(fk), ScalarValue::Float { f64, f32 }) => {
            let bits = if fk == FloatKind::F32 {
                f32.to_bits() as u128
            } else {
                f64_to_bits(fk, *f64)
            };
            push_le(bits, nbytes, out);
            Ok(())
        }
    }
}

// ----- reading values ---------------------------------------------------------

fn read_le(b: &[u8]) -> u128 {
    let mut buf = [0u8; 16];
    buf[..b.len()].copy_from_slice(b);
    u128::from_le_bytes(buf)
}

/// The integer value of one stored scalar, sign- or zero-extended as its
/// type says (i1 reads as 0/1).
fn int_of(k: ScalarKind, b: &[u8]) -> i128 {
    let raw = read_le(b);
    let (width, signedness) = match k {
        ScalarKind::Int { width, signedness } => (width, signedness),
        ScalarKind::Index => (64, Signedness::Signless),
        ScalarKind::Float(_) => return raw as i128,
    };
    if width >= 128 {
        return raw as i128;
    }
    let v = raw & ((1u128 << width) - 1);
    if width == 1 || signedness == Signedness::Unsigned {
        v as i128
    } else if (v >> (width - 1)) & 1 == 1 {
        v as i128 - (1i128 << width)
    } else {
        v as i128
    }
}

/// Storage of a dense elements attribute: `(type, layout, data)`.
fn parts(ctx: &Context, a: Attr) -> Option<(Type, ElemLayout, &DenseData)> {
    match ctx.attr_kind(a) {
        AttrKind::DenseElements { ty, data } => Some((*ty, elem_layout(ctx, *ty)?, data)),
        _ => None,
    }
}

/// Whether a dense elements attribute is a splat.
pub fn is_splat(ctx: &Context, a: Attr) -> bool {
    matches!(ctx.attr_kind(a), AttrKind::DenseElements { data, .. } if data.splat)
}

/// Number of elements of a dense elements attribute's type.
pub fn dense_num_elements(ctx: &Context, a: Attr) -> Option<usize> {
    let (ty, _, _) = parts(ctx, a)?;
    num_elements(ctx.shape(ty)?)
}

/// The raw bit patterns of every scalar (complex elements give two each),
/// expanded from a splat.
pub fn dense_raw_bits(ctx: &Context, a: Attr) -> Option<Vec<u128>> {
    let (ty, layout, data) = parts(ctx, a)?;
    let n = num_elements(ctx.shape(ty)?)?;
    let sb = layout.scalar.bytes();
    let per = if layout.complex { 2 } else { 1 };
    let one: Vec<u128> = data.bytes.chunks(sb).map(read_le).collect();
    Some(if data.splat {
        one.iter().copied().cycle().take(n * per).collect()
    } else {
        one
    })
}

/// The values of an integer/index/i1 dense attribute, expanded from a splat.
pub fn dense_values_i128(ctx: &Context, a: Attr) -> Option<Vec<i128>> {
    let (ty, layout, data) = parts(ctx, a)?;
    if matches!(layout.scalar, ScalarKind::Float(_)) || layout.complex {
        return None;
    }
    let n = num_elements(ctx.shape(ty)?)?;
    let sb = layout.scalar.bytes();
    let vals: Vec<i128> = data
        .bytes
        .chunks(sb)
        .map(|c| int_of(layout.scalar, c))
        .collect();
    Some(if data.splat {
        vec![vals.first().copied().unwrap_or(0); n]
    } else {
        vals
    })
}

/// The values of a float elements attribute as f32: dense elements of any
/// float type (splats expanded), or an f32 `dense_resource` blob whose size
/// matches its type.
pub fn f32_values(ctx: &Context, a: Attr) -> Option<Vec<f32>> {
    match ctx.attr_kind(a) {
        AttrKind::DenseResource { ty, handle } => {
            let e = ctx.element_type(*ty);
            if !(ctx.is_float(e) && ctx.int_or_float_width(e) == Some(32)) {
                return None;
            }
            let blob = ctx.resources.get(handle)?;
            let n = num_elements(ctx.shape(*ty)?)?;
            (blob.data.len() == n * 4).then(|| {
                blob.data
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect()
            })
        }
        _ => Some(
            dense_values_f64(ctx, a)?
                .into_iter()
                .map(|x| x as f32)
                .collect(),
        ),
    }
}

/// The values of a float dense attribute widened to f64, expanded from a
/// splat.
pub fn dense_values_f64(ctx: &Context, a: Attr) -> Option<Vec<f64>> {
    let (ty, layout, data) = parts(ctx, a)?;
    let ScalarKind::Float(k) = layout.scalar else {
        return None;
    };
    if layout.complex {
        return None;
    }
    let n = num_elements(ctx.shape(ty)?)?;
    let sb = layout.scalar.bytes();
    let vals: Vec<f64> = data
        .bytes
        .chunks(sb)
        .map(|c| bits_to_f64(k, read_le(c)))
        .collect();
    Some(if data.splat {
        vec![vals.first().copied().unwrap_or(0.0); n]
    } else {
        vals
    })
}

/// A dense attribute of integer (or index, or i1) element type from values
/// (one value makes a splat). Values are truncated to the element width.
pub fn dense_from_i128(ctx: &mut Context, ty: Type, vals: &[i128]) -> Option<Attr> {
    let layout = elem_layout(ctx, ty)?;
    if matches!(layout.scalar, ScalarKind::Float(_)) || layout.complex {
        return None;
    }
    let n = num_elements(ctx.shape(ty)?)?;
    if vals.len() != n && vals.len() != 1 {
        return None;
    }
    let eb = layout.bytes();
    let mut bytes = Vec::with_capacity(vals.len() * eb);
    for &v in vals {
        let v = if matches!(layout.scalar, ScalarKind::Int { width: 1, .. }) {
            v & 1
        } else {
            v
        };
        push_le(v as u128, eb, &mut bytes);
    }
    let data = finish(bytes, eb, vals.len() == 1);
    Some(ctx.dense_attr(ty, data))
}

/// A dense attribute of float element type from values (one value makes a
/// splat), each rounded to the element format.
pub fn dense_from_f64(ctx: &mut Context, ty: Type, vals: &[f64]) -> Option<Attr> {
    let layout = elem_layout(ctx, ty)?;
    let ScalarKind::Float(k) = layout.scalar else {
        return None;
    };
    if layout.complex {
        return None;
    }
    let n = num_elements(ctx.shape(ty)?)?;
    if vals.len() != n && vals.len() != 1 {
        return None;
    }
    let eb = layout.bytes();
    let mut bytes = Vec::with_capacity(vals.len() * eb);
    for &v in vals {
        push_le(f64_to_bits(k, v), eb, &mut bytes);
    }
    let data = finish(bytes, eb, vals.len() == 1);
    Some(ctx.dense_attr(ty, data))
}

// ----- printing ---------------------------------------------------------------

fn print_scalar(k: ScalarKind, b: &[u8], out: &mut String) {
    match k {
        ScalarKind::Int { width: 1, .. } => {
            out.push_str(if b[0] & 1 == 1 { "true" } else { "false" })
        }
        ScalarKind::Int { .. } | ScalarKind::Index => out.push_str(&int_of(k, b).to_string()),
        ScalarKind::Float(fk) => print_float(fk, read_le(b), out),
    }
}

fn print_elem(layout: ElemLayout, b: &[u8], out: &mut String) {
    if layout.complex {
        let sb = layout.scalar.bytes();
        out.push('(');
        print_scalar(layout.scalar, &b[..sb], out);
        out.push(',');
        print_scalar(layout.scalar, &b[sb..], out);
        out.push(')');
    } else {
        print_scalar(layout.scalar, b, out);
    }
}

/// Prints `dense<...>` (without the trailing `: type`), or
/// `dense_resource<__elided__>` when `elide` is set and the attribute has
/// more elements than it (splats are never elided).
pub fn print_dense(
    ctx: &Context,
    ty: Type,
    data: &DenseData,
    out: &mut String,
    elide: Option<usize>,
) {
    let shape = ctx.shape(ty).unwrap_or(&[]);
    let n = num_elements(shape).unwrap_or(0);
    let Some(layout) = elem_layout(ctx, ty) else {
        out.push_str("dense<>");
        return;
    };
    if let Some(limit) = elide
        && !data.splat
        && n > limit
    {
        out.push_str("dense_resource<__elided__>");
        return;
    }
    let eb = layout.bytes();
    out.push_str("dense<");
    if n == 0 || data.bytes.len() < eb {
        out.push('>');
        return;
    }
    if data.splat {
        print_elem(layout, &data.bytes[..eb], out);
        out.push('>');
        return;
    }
    if n > HEX_THRESHOLD {
        out.push_str("\"0x");
        let bool_ty = matches!(layout.scalar, ScalarKind::Int { width: 1, .. });
        let mut push_byte = |b: u8| {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        };
        if bool_ty && !layout.complex {
            for chunk in data.bytes.chunks(8) {
                let mut byte = 0u8;
                for (i, &b) in chunk.iter().enumerate() {
                    byte |= (b & 1) << i;
                }
                push_byte(byte);
            }
        } else {
            for &b in data.bytes.iter() {
                push_byte(b);
            }
        }
        out.push_str("\">");
        return;
    }
    // Nested brackets, row-major.
    let rank = shape.len();
    let mut idx = vec![0i64; rank];
    for i in 0..n {
        // Open brackets for every dimension whose index restarts here.
        let opens = idx.iter().rev().take_while(|&&x| x == 0).count();
        if i > 0 {
            out.push_str(", ");
        }
        for _ in 0..opens {
            out.push('[');
        }
        print_elem(layout, &data.bytes[i * eb..(i + 1) * eb], out);
        // Advance the index and close finished dimensions.
        let mut d = rank;
        while d > 0 {
            d -= 1;
            idx[d] += 1;
            if idx[d] < shape[d] {
                break;
            }
            idx[d] = 0;
            out.push(']');
        }
    }
    out.push('>');
}
