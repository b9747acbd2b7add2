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

/// Prints a float the way MLIR's AsmPrinter does: APFloat's `%e`-style
/// string with six digits if that reads back to the same bits, else
/// APFloat's default string (enough digits to round-trip) if it has a '.',
/// else (inf, NaN, large integers) the bit pattern in hex.
pub fn print_float(k: FloatKind, bits: u128, out: &mut String) {
    let v = bits_to_f64(k, bits);
    if v.is_finite() {
        let s = apfloat_to_string(k, v, 6, 0, false);
        if reparse_equal(k, &s, bits) {
            out.push_str(&s);
            return;
        }
        let s = apfloat_to_string(k, v, 0, 3, true);
        if s.contains('.') {
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

/// Bits of precision (significand incl. the implicit bit) of each format.
fn semantics_precision(k: FloatKind) -> u32 {
    match k {
        FloatKind::F16 | FloatKind::TF32 => 11,
        FloatKind::BF16 => 8,
        FloatKind::F32 => 24,
        // f80/f128 are stored as f64.
        FloatKind::F64 | FloatKind::F80 | FloatKind::F128 => 53,
        FloatKind::F8E5M2 | FloatKind::F8E5M2FNUZ | FloatKind::F6E3M2FN => 3,
        FloatKind::F8E4M3
        | FloatKind::F8E4M3FN
        | FloatKind::F8E4M3FNUZ
        | FloatKind::F8E4M3B11FNUZ
        | FloatKind::F6E2M3FN => 4,
        FloatKind::F8E3M4 => 5,
        FloatKind::F4E2M1FN => 2,
        FloatKind::F8E8M0FNU => 1,
    }
}

/// A minimal unsigned big integer (little-endian base 2^32 limbs) for exact
/// decimal expansion of binary floats.
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut b = Big(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }
    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for l in self.0.iter_mut() {
            let x = *l as u64 * m as u64 + carry;
            *l = x as u32;
            carry = x >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }
    fn shl(&mut self, n: u32) {
        for _ in 0..n / 32 {
            self.0.insert(0, 0);
        }
        let r = n % 32;
        if r > 0 {
            let mut carry = 0u32;
            for l in self.0.iter_mut() {
                let x = ((*l as u64) << r) | carry as u64;
                *l = x as u32;
                carry = (x >> 32) as u32;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        self.trim();
    }
    /// Divides in place, returning the remainder.
    fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for l in self.0.iter_mut().rev() {
            let x = (rem << 32) | *l as u64;
            *l = (x / d as u64) as u32;
            rem = x % d as u64;
        }
        self.trim();
        rem as u32
    }
    fn active_bits(&self) -> u32 {
        match self.0.last() {
            None => 0,
            Some(&top) => (self.0.len() as u32 - 1) * 32 + (32 - top.leading_zeros()),
        }
    }
}

/// LLVM's `APFloat::toString(Str, FormatPrecision, FormatMaxPadding,
/// TruncateZero)` for a finite value of format `k`.
pub fn apfloat_to_string(
    k: FloatKind,
    v: f64,
    format_precision: u32,
    max_padding: u32,
    truncate_zero: bool,
) -> String {
    let mut out = String::new();
    if v.is_sign_negative() {
        out.push('-');
    }
    if v == 0.0 {
        if max_padding == 0 {
            if truncate_zero {
                out.push_str("0.0E+0");
            } else {
                out.push_str("0.0");
                for _ in 1..format_precision.max(1) {
                    out.push('0');
                }
                out.push_str("e+00");
            }
        } else {
            out.push('0');
        }
        return out;
    }
    let precision = semantics_precision(k);
    let format_precision = if format_precision == 0 {
        2 + precision * 59 / 196
    } else {
        format_precision
    };
    // v = m * 2^e exactly (v is finite and exactly an f64).
    let bits = v.abs().to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i32;
    let (mut m, mut e) = if raw_exp == 0 {
        (bits & ((1 << 52) - 1), -1074)
    } else {
        ((bits & ((1 << 52) - 1)) | (1 << 52), raw_exp - 1075)
    };
    let tz = m.trailing_zeros();
    m >>= tz;
    e += tz as i32;
    let mut sig = Big::from_u64(m);
    let mut exp: i32 = 0;
    if e > 0 {
        sig.shl(e as u32);
    } else if e < 0 {
        for _ in 0..(-e) {
            sig.mul_small(5);
        }
        exp = e;
    }
    // Truncate excess precision (APFloat's first AdjustToPrecision).
    let bits_required = (format_precision * 196).div_ceil(59);
    let active = sig.active_bits();
    if active > bits_required {
        let tens = (active - bits_required) * 59 / 196;
        for _ in 0..tens {
            sig.div_small(10);
        }
        exp += tens as i32;
    }
    // Digits, least significant first, dropping trailing zeros.
    let mut buffer: Vec<u8> = Vec::new();
    let mut in_trail = true;
    while !sig.is_zero() {
        let d = sig.div_small(10) as u8;
        if in_trail && d == 0 {
            exp += 1;
        } else {
            buffer.push(b'0' + d);
            in_trail = false;
        }
    }
    // Round to the format precision (round half up, as APFloat does).
    let n = buffer.len() as u32;
    if n > format_precision {
        let mut first = (n - format_precision) as usize;
        if buffer[first - 1] < b'5' {
            while first < buffer.len() && buffer[first] == b'0' {
                first += 1;
            }
            exp += first as i32;
            buffer.drain(..first);
        } else {
            // Decimal add-with-carry from the lowest kept digit.
            let mut carried_all = true;
            let mut i = first;
            while i < buffer.len() {
                if buffer[i] == b'9' {
                    first += 1;
                    i += 1;
                } else {
                    buffer[i] += 1;
                    carried_all = false;
                    break;
                }
            }
            if carried_all {
                exp += first as i32;
                buffer.clear();
                buffer.push(b'1');
            } else {
                exp += first as i32;
                buffer.drain(..first);
            }
        }
    }
    let ndigits = buffer.len() as u32;
    let scientific = if max_padding == 0 {
        true
    } else if exp >= 0 {
        exp as u32 > max_padding || ndigits + exp as u32 > format_precision
    } else {
        let msd = exp + ndigits as i32 - 1;
        if msd >= 0 {
            false
        } else {
            (-msd) as u32 > max_padding
        }
    };
    let digit = |i: usize| buffer[i] as char;
    let nd = ndigits as usize;
    if scientific {
        let mut x = exp + nd as i32 - 1;
        out.push(digit(nd - 1));
        out.push('.');
        if nd == 1 && truncate_zero {
            out.push('0');
        } else {
            for i in 1..nd {
                out.push(digit(nd - 1 - i));
            }
        }
        if !truncate_zero && format_precision + 1 > ndigits {
            for _ in 0..(format_precision + 1 - ndigits) {
                out.push('0');
            }
        }
        out.push(if truncate_zero { 'E' } else { 'e' });
        out.push(if x >= 0 { '+' } else { '-' });
        x = x.abs();
        let xs = x.to_string();
        if !truncate_zero && xs.len() < 2 {
            out.push('0');
        }
        out.push_str(&xs);
        return out;
    }
    if exp >= 0 {
        for i in 0..nd {
            out.push(digit(nd - 1 - i));
        }
        for _ in 0..exp {
            out.push('0');
        }
        return out;
    }
    let whole = exp + nd as i32;
    let mut i = 0usize;
    if whole > 0 {
        while i < whole as usize {
            out.push(digit(nd - i - 1));
            i += 1;
        }
        out.push('.');
    } else {
        out.push_str("0.");
        for _ in 0..(-whole) {
            out.push('0');
        }
    }
    while i < nd {
        out.push(digit(nd - i - 1));
        i += 1;
    }
    out
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

#[cfg(test)]
mod apfloat_tests {
    use super::*;

    fn p(k: FloatKind, v: f64) -> String {
        let mut s = String::new();
        print_float(k, f64_to_bits(k, v), &mut s);
        s
    }

    #[test]
    fn matches_mlir_printing() {
        assert_eq!(p(FloatKind::F32, 1.0), "1.000000e+00");
        assert_eq!(p(FloatKind::F32, 1.5), "1.500000e+00");
        assert_eq!(p(FloatKind::F32, 1.0 / 3.0), "0.333333343");
        assert_eq!(p(FloatKind::F64, 0.1), "1.000000e-01");
        assert_eq!(p(FloatKind::F64, 123456789.125), "123456789.125");
        // Six significant digits plus a padding zero, as APFloat does.
        assert_eq!(p(FloatKind::F32, 1.234567), "1.23456705");
        assert_eq!(
            p(FloatKind::F32, f32::from_bits(0x7FC0) as f64),
            "4.582810e-41"
        );
        assert_eq!(p(FloatKind::F64, -0.0), "-0.000000e+00");
        assert_eq!(p(FloatKind::F64, 1.0e-7), "9.9999999999999995E-8");
        assert_eq!(p(FloatKind::F64, 123456789.0), "0x419D6F3454000000");
    }
}
