//! Float formats: conversion between a type's bit pattern and f64, and MLIR's
//! float literal printing.

use crate::types::FloatKind;

/// Parameters of a binary floating-point format.
#[derive(Copy, Clone)]
struct Format {
    exp_bits: u32,
    man_bits: u32,
    bias: i32,
    /// IEEE-style: all-ones exponent is inf/NaN. Otherwise ("FN" formats) the
    /// top exponent holds normal numbers and only the all-ones pattern is NaN.
    ieee: bool,
    /// "FNUZ": no negative zero; 0x80 is the NaN.
    nuz: bool,
    /// Has a sign bit.
    signed: bool,
}

fn format(k: FloatKind) -> Option<Format> {
    let f = |e, m, bias, ieee, nuz| {
        Some(Format {
            exp_bits: e,
            man_bits: m,
            bias,
            ieee,
            nuz,
            signed: true,
        })
    };
    match k {
        FloatKind::F16 => f(5, 10, 15, true, false),
        FloatKind::BF16 => f(8, 7, 127, true, false),
        FloatKind::TF32 => f(8, 10, 127, true, false),
        FloatKind::F8E5M2 => f(5, 2, 15, true, false),
        FloatKind::F8E4M3 => f(4, 3, 7, true, false),
        FloatKind::F8E4M3FN => f(4, 3, 7, false, false),
        FloatKind::F8E5M2FNUZ => f(5, 2, 16, false, true),
        FloatKind::F8E4M3FNUZ => f(4, 3, 8, false, true),
        FloatKind::F8E4M3B11FNUZ => f(4, 3, 11, false, true),
        FloatKind::F8E3M4 => f(3, 4, 3, true, false),
        FloatKind::F6E2M3FN => f(2, 3, 1, false, false),
        FloatKind::F6E3M2FN => f(3, 2, 3, false, false),
        FloatKind::F4E2M1FN => f(2, 1, 1, false, false),
        FloatKind::F8E8M0FNU => Some(Format {
            exp_bits: 8,
            man_bits: 0,
            bias: 127,
            ieee: false,
            nuz: false,
            signed: false,
        }),
        FloatKind::F32 | FloatKind::F64 | FloatKind::F80 | FloatKind::F128 => None,
    }
}

/// Converts a value to the type's bit pattern (round to nearest even).
/// f80 and f128 are stored as f64 bits (their extra precision is not kept).
pub fn f64_to_bits(k: FloatKind, v: f64) -> u128 {
    match k {
        FloatKind::F32 => (v as f32).to_bits() as u128,
        FloatKind::F64 | FloatKind::F80 | FloatKind::F128 => v.to_bits() as u128,
        _ => encode_small(format(k).unwrap(), v) as u128,
    }
}

/// Converts a bit pattern of the type to f64 (exact for every format but
/// f80/f128, which are stored as f64).
pub fn bits_to_f64(k: FloatKind, bits: u128) -> f64 {
    match k {
        FloatKind::F32 => f32::from_bits(bits as u32) as f64,
        FloatKind::F64 | FloatKind::F80 | FloatKind::F128 => f64::from_bits(bits as u64),
        _ => decode_small(format(k).unwrap(), bits as u64),
    }
}

/// Width of the bit pattern as stored.
pub fn storage_bits(k: FloatKind) -> u32 {
    match k {
        FloatKind::F80 | FloatKind::F128 => 64,
        _ => k.width(),
    }
}

fn decode_small(f: Format, bits: u64) -> f64 {
    let sign_shift = f.exp_bits + f.man_bits;
    let neg = f.signed && (bits >> sign_shift) & 1 == 1;
    let e = ((bits >> f.man_bits) & ((1 << f.exp_bits) - 1)) as i32;
    let m = bits & ((1 << f.man_bits) - 1);
    let emax = (1 << f.exp_bits) - 1;
    if !f.signed {
        // E8M0: pure exponent; 0xFF is NaN.
        if e == emax {
            return f64::NAN;
        }
        return 2f64.powi(e - f.bias);
    }
    if f.nuz && neg && e == 0 && m == 0 {
        return f64::NAN;
    }
    if f.ieee && e == emax {
        return if m == 0 {
            if neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }
        } else {
            f64::NAN
        };
    }
    if !f.ieee && !f.nuz && e == emax && m == (1 << f.man_bits) - 1 && f.exp_bits + f.man_bits >= 7
    {
        return f64::NAN;
    }
    let mag = if e == 0 {
        (m as f64) * 2f64.powi(1 - f.bias - f.man_bits as i32)
    } else {
        (1.0 + (m as f64) / ((1u64 << f.man_bits) as f64)) * 2f64.powi(e - f.bias)
    };
    if neg { -mag } else { mag }
}

fn encode_small(f: Format, v: f64) -> u64 {
    // Exhaustive nearest search: these formats have at most 16 bits.
    let total = f.exp_bits + f.man_bits + f.signed as u32;
    if v.is_nan() {
        return if f.nuz {
            1 << (total - 1)
        } else if f.ieee {
            let emax = (1u64 << f.exp_bits) - 1;
            (emax << f.man_bits) | (1 << (f.man_bits.max(1) - 1))
        } else {
            (1 << total) - 1
        };
    }
    if total > 8 {
        // f16 / bf16 / tf32: direct rounding through the bit layout.
        return encode_by_rounding(f, v);
    }
    let mut best = 0u64;
    let mut best_err = f64::INFINITY;
    for bits in 0..(1u64 << total) {
        let d = decode_small(f, bits);
        if d.is_nan() {
            continue;
        }
        let err = (d - v).abs();
        let better = err < best_err || (err == best_err && bits & 1 == 0 && best & 1 == 1);
        if better && (d.is_sign_negative() == v.is_sign_negative() || d == 0.0 || err < best_err) {
            best = bits;
            best_err = err;
        }
    }
    best
}

fn encode_by_rounding(f: Format, v: f64) -> u64 {
    let neg = v.is_sign_negative();
    let sign = (neg as u64) << (f.exp_bits + f.man_bits);
    let a = v.abs();
    let emax = (1i32 << f.exp_bits) - 1;
    if a.is_infinite() {
        return sign | ((emax as u64) << f.man_bits);
    }
    if a == 0.0 {
        return sign;
    }
    let min_normal_exp = 1 - f.bias;
    let (mut e, _) = frexp(a); // a = m * 2^e, m in [0.5,1)
    e -= 1; // a = m' * 2^e, m' in [1,2)
    let unit_exp = if e < min_normal_exp {
        min_normal_exp - f.man_bits as i32
    } else {
        e - f.man_bits as i32
    };
    let scaled = a / 2f64.powi(unit_exp);
    let mut q = round_half_even(scaled) as u64;
    // q counts units of 2^unit_exp.
    let mut biased = if e < min_normal_exp { 0 } else { e + f.bias };
    if biased == 0 {
        if q >= 1 << f.man_bits {
            biased = 1;
            q -= 1 << f.man_bits;
        }
    } else {
        if q >= 2 << f.man_bits {
            q >>= 1;
            biased += 1;
        }
        q -= 1 << f.man_bits;
    }
    if biased >= emax {
        return sign | ((emax as u64) << f.man_bits);
    }
    sign | ((biased as u64) << f.man_bits) | q
}

fn frexp(x: f64) -> (i32, f64) {
    if x == 0.0 {
        return (0, 0.0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (e, m) = frexp(x * 2f64.powi(64));
        return (e - 64, m);
    }
    let e = exp - 1022;
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (e, m)
}

fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

/// Formats a value like C's `%.{prec}e` but with MLIR's exponent spelling
/// (`1.000000e+00`).
pub fn format_exp(v: f64, prec: usize) -> String {
    let s = format!("{:.*e}", prec, v);
    let (mant, exp) = s.split_once('e').unwrap();
    let exp: i32 = exp.parse().unwrap();
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mant}e{sign}{:02}", exp.abs())
}

/// Prints a float the way MLIR's AsmPrinter does: `%e` with six digits if
/// that reads back to the same bits, else a shortest round-trip decimal,
/// else (inf, NaN) the bit pattern in hex.
pub fn print_float(k: FloatKind, bits: u128, out: &mut String) {
    let v = bits_to_f64(k, bits);
    if v.is_finite() {
        let s = format_exp(v, 6);
        if reparse_equal(k, &s, bits) {
            out.push_str(&s);
            return;
        }
        let s = shortest(k, v);
        if s.contains('.') && reparse_equal(k, &s, bits) {
            out.push_str(&s);
            return;
        }
    }
    print_hex(k, bits, out);
}

fn reparse_equal(k: FloatKind, s: &str, bits: u128) -> bool {
    match s.parse::<f64>() {
        Ok(p) => f64_to_bits(k, p) == bits,
        Err(_) => false,
    }
}

fn shortest(k: FloatKind, v: f64) -> String {
    let s = match k {
        FloatKind::F64 | FloatKind::F80 | FloatKind::F128 => format!("{v:?}"),
        _ => format!("{:?}", v as f32),
    };
    // Rust prints 1e-7 style for small/large values; MLIR's lexer needs a '.'.
    if s.contains('e') {
        let (m, e) = s.split_once('e').unwrap();
        let m = if m.contains('.') {
            m.to_string()
        } else {
            format!("{m}.0")
        };
        let exp: i32 = e.parse().unwrap();
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{m}E{sign}{:02}", exp.abs());
    }
    s
}

/// `0x7FC00000`-style hex literal of the bit pattern.
pub fn print_hex(k: FloatKind, bits: u128, out: &mut String) {
    let width = storage_bits(k) as usize;
    let digits = width.div_ceil(4);
    let _ = digits;
    out.push_str(&format!("0x{:X}", bits));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_round_trip() {
        for v in [0.0, 1.0, -2.5, 65504.0, 6.1e-5, 1.0e-7] {
            let b = f64_to_bits(FloatKind::F16, v);
            let back = bits_to_f64(FloatKind::F16, b);
            assert!((back - v).abs() <= v.abs() * 1e-3 + 6e-8, "{v} -> {back}");
        }
        assert_eq!(f64_to_bits(FloatKind::F16, 1.0), 0x3C00);
        assert_eq!(f64_to_bits(FloatKind::BF16, 1.0), 0x3F80);
    }

    #[test]
    fn prints_like_mlir() {
        let mut s = String::new();
        print_float(FloatKind::F32, 1.0f32.to_bits() as u128, &mut s);
        assert_eq!(s, "1.000000e+00");
        s.clear();
        print_float(FloatKind::F32, f32::NAN.to_bits() as u128, &mut s);
        assert_eq!(s, "0x7FC00000");
    }
}
