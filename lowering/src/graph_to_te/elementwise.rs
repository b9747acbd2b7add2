//! The scalar body of each `graph.elementwise` kind, for the te lowering:
//! arith and math ops on one element of each (broadcast) operand. f16 and
//! bf16 math is computed in f32 and rounded back, as onnxruntime does.
//! Integers are signed (ONNX's signed types are signless here).

use super::B;
use dlc_ir::types::FloatKind;
use dlc_ir::{Context, Op, Type, TypeKind, Value};

// arith.cmpf predicates.
const OEQ: i64 = 1;
const OGT: i64 = 2;
const OGE: i64 = 3;
const OLT: i64 = 4;
const OLE: i64 = 5;
const UNE: i64 = 13;
const UNO: i64 = 14;
// arith.cmpi predicates.
const EQ: i64 = 0;
const NE: i64 = 1;
const SLT: i64 = 2;
const SLE: i64 = 3;
const SGT: i64 = 4;
const SGE: i64 = 5;
const ULT: i64 = 6;
const ULE: i64 = 7;
const UGT: i64 = 8;
const UGE: i64 = 9;

fn is_float(ctx: &Context, t: Type) -> bool {
    matches!(ctx.type_kind(t), TypeKind::Float(_))
}

fn is_bool(ctx: &Context, t: Type) -> bool {
    matches!(ctx.type_kind(t), TypeKind::Integer { width: 1, .. })
}

fn is_half(ctx: &Context, t: Type) -> bool {
    matches!(
        ctx.type_kind(t),
        TypeKind::Float(FloatKind::F16 | FloatKind::BF16)
    )
}

fn width(ctx: &Context, t: Type) -> u32 {
    ctx.int_or_float_width(t).unwrap_or(32)
}

impl B<'_> {
    fn cmp(&mut self, float: bool, pred: i64, a: Value, c: Value) -> Value {
        let i1 = self.ctx.i1();
        let i64t = self.ctx.i64();
        let p = self.ctx.int_attr(i64t, i128::from(pred));
        let name = if float { "arith.cmpf" } else { "arith.cmpi" };
        self.op(name, &[a, c], i1, &[("predicate", p)])
    }
    fn b2(&mut self, name: &str, a: Value, c: Value) -> Value {
        let ty = self.ctx.value_type(a);
        self.op(name, &[a, c], ty, &[])
    }
    fn sel(&mut self, c: Value, a: Value, d: Value) -> Value {
        let t = self.ctx.value_type(a);
        self.op("arith.select", &[c, a, d], t, &[])
    }
    fn conv(&mut self, name: &str, v: Value, to: Type) -> Value {
        self.op(name, &[v], to, &[])
    }
}

fn fattr(ctx: &Context, op: Op, name: &str, default: f64) -> f64 {
    ctx.attr(op, name)
        .and_then(|a| ctx.float_value(a))
        .unwrap_or(default)
}

fn iattr(ctx: &Context, op: Op, name: &str, default: i64) -> i64 {
    ctx.attr(op, name)
        .and_then(|a| ctx.int_value(a))
        .and_then(|v| i64::try_from(v).ok())
        .unwrap_or(default)
}

fn sattr(ctx: &Context, op: Op, name: &str) -> String {
    ctx.attr(op, name)
        .and_then(|a| ctx.string_value(a))
        .unwrap_or("")
        .to_string()
}

/// The attributes a kind reads, copied out of the op (the body is built
/// after the op may be gone).
#[derive(Clone, Debug, Default)]
pub struct KindAttrs {
    /// The integer operands were unsigned; for `cast`, also the result.
    unsigned: bool,
    unsigned_result: bool,
    direction: String,
    alpha: f64,
    beta: f64,
    gamma: f64,
    bias: f64,
    lambd: f64,
    approximate: String,
    fmod: i64,
    detect_negative: i64,
    detect_positive: i64,
}

pub fn kind_attrs(ctx: &Context, op: Op) -> KindAttrs {
    KindAttrs {
        unsigned: ctx.attr(op, super::UNSIGNED).is_some(),
        unsigned_result: ctx.attr(op, super::UNSIGNED_RESULT).is_some(),
        direction: sattr(ctx, op, "direction"),
        alpha: fattr(ctx, op, "alpha", 1.0),
        beta: fattr(ctx, op, "beta", 0.5),
        gamma: fattr(ctx, op, "gamma", 1.0),
        bias: fattr(ctx, op, "bias", 0.0),
        lambd: fattr(ctx, op, "lambd", 0.5),
        approximate: sattr(ctx, op, "approximate"),
        fmod: iattr(ctx, op, "fmod", 0),
        detect_negative: iattr(ctx, op, "detect_negative", 1),
        detect_positive: iattr(ctx, op, "detect_positive", 1),
    }
}

/// Element types `ins` and result `out` a kind can be lowered for.
pub fn check_types(ctx: &Context, kind: &str, ins: &[Type], out: Type) -> Result<(), String> {
    for &t in ins.iter().chain(std::iter::once(&out)) {
        if !matches!(
            ctx.type_kind(t),
            TypeKind::Integer { .. } | TypeKind::Float(_)
        ) {
            return Err(format!("'{kind}' needs integer or float elements"));
        }
    }
    Ok(())
}

/// Builds the scalar result of `kind` on `args` (one element per operand),
/// of element type `out`.
pub fn build(
    b: &mut B<'_>,
    kind: &str,
    at: &KindAttrs,
    args: &[Value],
    out: Type,
) -> Result<Value, String> {
    let t0 = b.ctx.value_type(args[0]);
    let fl = is_float(b.ctx, t0);
    // Float math of f16/bf16 in f32.
    let promote = fl
        && is_half(b.ctx, t0)
        && !matches!(
            kind,
            "cast"
                | "bitcast"
                | "equal"
                | "less"
                | "greater"
                | "less_equal"
                | "greater_equal"
                | "select"
                | "isnan"
                | "isinf"
        );
    if promote {
        let f32t = b.ctx.f32();
        let wide: Vec<Value> = args
            .iter()
            .map(|&a| {
                if is_half(b.ctx, b.ctx.value_type(a)) {
                    b.conv("arith.extf", a, f32t)
                } else {
                    a
                }
            })
            .collect();
        let r = build(b, kind, at, &wide, f32t)?;
        return Ok(
            if is_float(b.ctx, b.ctx.value_type(r)) && b.ctx.value_type(r) != out {
                b.conv("arith.truncf", r, out)
            } else {
                r
            },
        );
    }
    let x = args[0];
    let e = t0;
    let c = |b: &mut B<'_>, v: f64| b.cst(e, v);
    Ok(match kind {
        "abs" if fl => b.un("math.absf", x),
        "abs" if at.unsigned => x,
        "abs" => {
            let z = c(b, 0.0);
            let n = b.b2("arith.subi", z, x);
            let lt = b.cmp(false, SLT, x, z);
            b.sel(lt, n, x)
        }
        "neg" if fl => b.un("arith.negf", x),
        "neg" => {
            let z = c(b, 0.0);
            b.b2("arith.subi", z, x)
        }
        "sign" if at.unsigned => {
            let z = c(b, 0.0);
            let one = c(b, 1.0);
            let nz = b.cmp(false, NE, x, z);
            b.sel(nz, one, z)
        }
        "sign" => {
            let z = c(b, 0.0);
            let one = c(b, 1.0);
            let m1 = c(b, -1.0);
            let (gt, lt) = if fl {
                (b.cmp(true, OGT, x, z), b.cmp(true, OLT, x, z))
            } else {
                (b.cmp(false, SGT, x, z), b.cmp(false, SLT, x, z))
            };
            // NaN and zero pass through.
            let rest = if fl { x } else { z };
            let neg = b.sel(lt, m1, rest);
            b.sel(gt, one, neg)
        }
        "exp" | "log" | "sqrt" | "floor" | "ceil" | "sin" | "cos" | "tan" | "asin" | "acos"
        | "atan" | "sinh" | "cosh" | "tanh" | "erf" => b.un(&format!("math.{kind}"), x),
        "round" => b.un("math.roundeven", x),
        "reciprocal" => {
            let one = c(b, 1.0);
            b.b2("arith.divf", one, x)
        }
        "asinh" => {
            // sign(x) * log(|x| + sqrt(x^2 + 1)), symmetric for accuracy.
            let a = b.un("math.absf", x);
            let sq = b.b2("arith.mulf", a, a);
            let one = c(b, 1.0);
            let s1 = b.b2("arith.addf", sq, one);
            let r = b.un("math.sqrt", s1);
            let s = b.b2("arith.addf", a, r);
            let l = b.un("math.log", s);
            b.b2("math.copysign", l, x)
        }
        "acosh" => {
            let sq = b.b2("arith.mulf", x, x);
            let one = c(b, 1.0);
            let s1 = b.b2("arith.subf", sq, one);
            let r = b.un("math.sqrt", s1);
            let s = b.b2("arith.addf", x, r);
            b.un("math.log", s)
        }
        "atanh" => {
            let one = c(b, 1.0);
            let half = c(b, 0.5);
            let p = b.b2("arith.addf", one, x);
            let m = b.b2("arith.subf", one, x);
            let q = b.b2("arith.divf", p, m);
            let l = b.un("math.log", q);
            b.b2("arith.mulf", half, l)
        }
        "sigmoid" => {
            let n = b.un("arith.negf", x);
            let ex = b.un("math.exp", n);
            let one = c(b, 1.0);
            let d = b.b2("arith.addf", one, ex);
            b.b2("arith.divf", one, d)
        }
        "softplus" => softplus(b, x),
        "softsign" => {
            let a = b.un("math.absf", x);
            let one = c(b, 1.0);
            let d = b.b2("arith.addf", one, a);
            b.b2("arith.divf", x, d)
        }
        "elu" => {
            let z = c(b, 0.0);
            let al = c(b, at.alpha);
            let ex = b.un("math.exp", x);
            let one = c(b, 1.0);
            let em1 = b.b2("arith.subf", ex, one);
            let neg = b.b2("arith.mulf", al, em1);
            let lt = b.cmp(true, OLT, x, z);
            b.sel(lt, neg, x)
        }
        "selu" => {
            let z = c(b, 0.0);
            let al = c(b, at.alpha);
            let ga = c(b, at.gamma);
            let ex = b.un("math.exp", x);
            let ae = b.b2("arith.mulf", al, ex);
            let am = b.b2("arith.subf", ae, al);
            let le = b.cmp(true, OLE, x, z);
            let v = b.sel(le, am, x);
            b.b2("arith.mulf", ga, v)
        }
        "celu" => {
            let z = c(b, 0.0);
            let al = c(b, at.alpha);
            let q = b.b2("arith.divf", x, al);
            let ex = b.un("math.exp", q);
            let one = c(b, 1.0);
            let em1 = b.b2("arith.subf", ex, one);
            let neg = b.b2("arith.mulf", al, em1);
            let mn = b.b2("arith.minimumf", z, neg);
            let mx = b.b2("arith.maximumf", z, x);
            b.b2("arith.addf", mx, mn)
        }
        "leaky_relu" | "prelu" => {
            let z = c(b, 0.0);
            let slope = if kind == "prelu" {
                args[1]
            } else {
                c(b, at.alpha)
            };
            let mul = if fl { "arith.mulf" } else { "arith.muli" };
            let s = b.b2(mul, slope, x);
            let lt = b.cmp(fl, if fl { OLT } else { SLT }, x, z);
            b.sel(lt, s, x)
        }
        "thresholded_relu" => {
            let z = c(b, 0.0);
            let al = c(b, at.alpha);
            let gt = b.cmp(true, OGT, x, al);
            b.sel(gt, x, z)
        }
        "hard_sigmoid" | "hard_swish" => {
            let (a, bb) = if kind == "hard_swish" {
                (1.0 / 6.0, 0.5)
            } else {
                (at.alpha, at.beta)
            };
            let al = c(b, a);
            let be = c(b, bb);
            let m = b.b2("arith.mulf", al, x);
            let s = b.b2("arith.addf", m, be);
            let z = c(b, 0.0);
            let one = c(b, 1.0);
            let lo = b.b2("arith.maximumf", s, z);
            let hs = b.b2("arith.minimumf", lo, one);
            if kind == "hard_swish" {
                b.b2("arith.mulf", x, hs)
            } else {
                hs
            }
        }
        "mish" => {
            let sp = softplus(b, x);
            let t = b.un("math.tanh", sp);
            b.b2("arith.mulf", x, t)
        }
        "gelu" => {
            let half = c(b, 0.5);
            let one = c(b, 1.0);
            let inner = if at.approximate == "tanh" {
                let k = c(b, (2.0 / std::f64::consts::PI).sqrt());
                let k3 = c(b, 0.044715);
                let x2 = b.b2("arith.mulf", x, x);
                let x3 = b.b2("arith.mulf", x2, x);
                let t = b.b2("arith.mulf", k3, x3);
                let s = b.b2("arith.addf", x, t);
                let u = b.b2("arith.mulf", k, s);
                b.un("math.tanh", u)
            } else {
                let r = c(b, std::f64::consts::FRAC_1_SQRT_2);
                let u = b.b2("arith.mulf", x, r);
                b.un("math.erf", u)
            };
            let p = b.b2("arith.addf", one, inner);
            let hx = b.b2("arith.mulf", half, x);
            b.b2("arith.mulf", hx, p)
        }
        "shrink" => {
            if !fl {
                return Err("'shrink' on integers is not supported yet".into());
            }
            let z = c(b, 0.0);
            let l = c(b, at.lambd);
            let nl = c(b, -at.lambd);
            let bi = c(b, at.bias);
            let lt = b.cmp(true, OLT, x, nl);
            let gt = b.cmp(true, OGT, x, l);
            let plus = b.b2("arith.addf", x, bi);
            let minus = b.b2("arith.subf", x, bi);
            let hi = b.sel(gt, minus, z);
            b.sel(lt, plus, hi)
        }
        "not" => {
            let t = c(b, 1.0);
            b.b2("arith.xori", x, t)
        }
        "bitwise_not" => {
            let m = c(b, -1.0);
            b.b2("arith.xori", x, m)
        }
        "isnan" => b.cmp(true, UNO, x, x),
        "isinf" => {
            let pinf = c(b, f64::INFINITY);
            let ninf = c(b, f64::NEG_INFINITY);
            let p = b.cmp(true, OEQ, x, pinf);
            let n = b.cmp(true, OEQ, x, ninf);
            let f = b.cst(b.ctx.value_type(p), 0.0);
            let p = if at.detect_positive != 0 { p } else { f };
            let n = if at.detect_negative != 0 { n } else { f };
            b.b2("arith.ori", p, n)
        }
        "cast" => cast(b, x, out, at.unsigned, at.unsigned_result)?,
        "bitcast" if is_bool(b.ctx, t0) => b.conv("arith.extui", x, out),
        "bitcast" if is_bool(b.ctx, out) => {
            let z = c(b, 0.0);
            b.cmp(false, NE, x, z)
        }
        "bitcast" if out == t0 => x,
        "bitcast" => b.conv("arith.bitcast", x, out),
        "swish" => {
            let al = c(b, at.alpha);
            let ax = b.b2("arith.mulf", al, x);
            let n = b.un("arith.negf", ax);
            let ex = b.un("math.exp", n);
            let one = c(b, 1.0);
            let d = b.b2("arith.addf", one, ex);
            b.b2("arith.divf", x, d)
        }
        "bitshift" => {
            let name = if at.direction == "LEFT" {
                "arith.shli"
            } else if at.unsigned {
                "arith.shrui"
            } else {
                "arith.shrsi"
            };
            b.b2(name, x, args[1])
        }
        "pow" => {
            let y = args[1];
            if fl {
                let ty = b.ctx.value_type(y);
                // The exponent's own signedness is not recorded; integer
                // exponents are read as signed.
                let yf = if ty == e {
                    y
                } else {
                    cast(b, y, e, false, false)?
                };
                b.b2("math.powf", x, yf)
            } else {
                // Integer base: in f64, truncated back like the reference.
                let f64t = b.ctx.f64();
                let xf = cast(b, x, f64t, at.unsigned, false)?;
                let yf = cast(b, y, f64t, false, false)?;
                let p = b.b2("math.powf", xf, yf);
                cast(b, p, e, false, at.unsigned)?
            }
        }
        "mod" => {
            let y = args[1];
            if fl {
                let r = b.b2("arith.remf", x, y);
                if at.fmod != 0 {
                    r
                } else {
                    // numpy's mod: the sign of the divisor.
                    let z = c(b, 0.0);
                    let nz = b.cmp(true, UNE, r, z);
                    let rn = b.cmp(true, OLT, r, z);
                    let yn = b.cmp(true, OLT, y, z);
                    let diff = b.b2("arith.xori", rn, yn);
                    let fix = b.b2("arith.andi", nz, diff);
                    let ry = b.b2("arith.addf", r, y);
                    b.sel(fix, ry, r)
                }
            } else if at.unsigned {
                b.b2("arith.remui", x, y)
            } else if at.fmod != 0 {
                b.b2("arith.remsi", x, y)
            } else {
                // Python's %: the sign of the divisor.
                let r = b.b2("arith.remsi", x, y);
                let z = c(b, 0.0);
                let nz = b.cmp(false, NE, r, z);
                let rn = b.cmp(false, SLT, r, z);
                let yn = b.cmp(false, SLT, y, z);
                let diff = b.b2("arith.xori", rn, yn);
                let fix = b.b2("arith.andi", nz, diff);
                let ry = b.b2("arith.addi", r, y);
                b.sel(fix, ry, r)
            }
        }
        "bitwise_and" | "and" => b.b2("arith.andi", x, args[1]),
        "bitwise_or" | "or" => b.b2("arith.ori", x, args[1]),
        "bitwise_xor" | "xor" => b.b2("arith.xori", x, args[1]),
        "equal" | "less" | "greater" | "less_equal" | "greater_equal" => {
            let y = args[1];
            let p = match (kind, fl) {
                ("less", false) if at.unsigned => ULT,
                ("greater", false) if at.unsigned => UGT,
                ("less_equal", false) if at.unsigned => ULE,
                ("greater_equal", false) if at.unsigned => UGE,
                ("equal", true) => OEQ,
                ("less", true) => OLT,
                ("greater", true) => OGT,
                ("less_equal", true) => OLE,
                ("greater_equal", true) => OGE,
                ("equal", false) => EQ,
                ("less", false) => SLT,
                ("greater", false) => SGT,
                ("less_equal", false) => SLE,
                _ => SGE,
            };
            b.cmp(fl, p, x, y)
        }
        "select" => b.sel(x, args[1], args[2]),
        other => return Err(format!("no scalar lowering for kind '{other}'")),
    })
}

/// log(1 + exp(x)), computed as max(x, 0) + log(1 + exp(-|x|)).
fn softplus(b: &mut B<'_>, x: Value) -> Value {
    let e = b.ctx.value_type(x);
    let z = b.cst(e, 0.0);
    let one = b.cst(e, 1.0);
    let a = b.un("math.absf", x);
    let na = b.un("arith.negf", a);
    let ex = b.un("math.exp", na);
    let s = b.b2("arith.addf", one, ex);
    let l = b.un("math.log", s);
    let m = b.b2("arith.maximumf", x, z);
    b.b2("arith.addf", m, l)
}

/// Converts scalar `v` to element type `to` with ONNX Cast semantics
/// (float to bool is `!= 0`; bool to number is 0/1; float to int truncates);
/// `from_unsigned`/`to_unsigned` say how the signless integers are read.
fn cast(
    b: &mut B<'_>,
    v: Value,
    to: Type,
    from_unsigned: bool,
    to_unsigned: bool,
) -> Result<Value, String> {
    let from = b.ctx.value_type(v);
    if from == to {
        return Ok(v);
    }
    let (ff, tf) = (is_float(b.ctx, from), is_float(b.ctx, to));
    let (wf, wt) = (width(b.ctx, from), width(b.ctx, to));
    Ok(match (ff, tf) {
        (true, true) if wf < wt || (wf == wt && from != to) && wf == 16 => {
            // f16 <-> bf16 goes through f32.
            if wf == wt {
                let f32t = b.ctx.f32();
                let w = b.conv("arith.extf", v, f32t);
                b.conv("arith.truncf", w, to)
            } else {
                b.conv("arith.extf", v, to)
            }
        }
        (true, true) => b.conv("arith.truncf", v, to),
        (false, true) if is_bool(b.ctx, from) || from_unsigned => b.conv("arith.uitofp", v, to),
        (false, true) => b.conv("arith.sitofp", v, to),
        (true, false) if is_bool(b.ctx, to) => {
            let z = b.cst(from, 0.0);
            b.cmp(true, UNE, v, z)
        }
        (true, false) if to_unsigned => b.conv("arith.fptoui", v, to),
        (true, false) => b.conv("arith.fptosi", v, to),
        (false, false) if is_bool(b.ctx, to) => {
            let z = b.cst(from, 0.0);
            b.cmp(false, NE, v, z)
        }
        (false, false) if wf < wt && (is_bool(b.ctx, from) || from_unsigned) => {
            b.conv("arith.extui", v, to)
        }
        (false, false) if wf < wt => b.conv("arith.extsi", v, to),
        (false, false) => b.conv("arith.trunci", v, to),
    })
}
