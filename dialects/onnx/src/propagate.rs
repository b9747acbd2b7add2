//! Shape propagation with small-constant folding at the onnx level.
//!
//! Exported models compute shapes in the graph (`Shape` → `Gather` →
//! `Concat` → `Reshape`, `Split` sizes from `Div` of a dimension, ...).
//! [`propagate`] walks a function in order, folds every op whose operands
//! are all small constants (or whose result only depends on static
//! shapes, like `Shape` and `Size`) into an `onnx.Constant`, and re-infers
//! each op's result types, so that shape operands downstream become
//! constants and result types static. Used by `--lower-onnx-to-graph`
//! before lowering, and by `dl-run` after specialising on its inputs.

use crate::ops::{build_constant, constant_value, infer_result_types};
use dlc_ir::dense::{dense_from_f64, dense_from_i128, dense_values_f64, dense_values_i128};
use dlc_ir::{Attr, Block, Context, Diagnostic, Op, Type, TypeKind};

/// Constants of at most this many elements are computed at compile time.
pub const FOLD_MAX_ELEMENTS: usize = 4096;

/// Values of a small constant: integers or floats, row-major.
#[derive(Clone, Debug)]
enum Vals {
    I(Vec<i128>),
    F(Vec<f64>),
}

impl Vals {
    fn len(&self) -> usize {
        match self {
            Vals::I(v) => v.len(),
            Vals::F(v) => v.len(),
        }
    }
    fn f(&self, i: usize) -> f64 {
        match self {
            Vals::I(v) => v[i] as f64,
            Vals::F(v) => v[i],
        }
    }
    fn i(&self, i: usize) -> i128 {
        match self {
            Vals::I(v) => v[i],
            Vals::F(v) => v[i] as i128,
        }
    }
}

struct Cst {
    shape: Vec<i64>,
    vals: Vals,
}

fn is_float(ctx: &Context, t: Type) -> bool {
    matches!(ctx.type_kind(ctx.element_type(t)), TypeKind::Float(_))
}

fn read(ctx: &Context, v: dlc_ir::Value) -> Option<Cst> {
    let a = constant_value(ctx, v)?;
    let t = ctx.value_type(v);
    let shape = ctx.shape(t)?.to_vec();
    let n = dlc_ir::dense::num_elements(&shape)?;
    if n > FOLD_MAX_ELEMENTS {
        return None;
    }
    let vals = if is_float(ctx, t) {
        Vals::F(dense_values_f64(ctx, a)?)
    } else {
        Vals::I(dense_values_i128(ctx, a)?)
    };
    (vals.len() == n).then_some(Cst { shape, vals })
}

/// Element `i` of an elementwise result from the constant operands: its
/// integer and float values (the caller keeps the one of its type).
type ElemFn<'a> = dyn Fn(&[&Cst], usize) -> (i128, f64) + 'a;

fn strides(shape: &[i64]) -> Vec<usize> {
    let mut s = vec![1usize; shape.len()];
    for d in (0..shape.len().saturating_sub(1)).rev() {
        s[d] = s[d + 1] * shape[d + 1] as usize;
    }
    s
}

/// Index of output element `i` of `out` into an operand of shape `ins`
/// under numpy broadcasting.
fn bcast(i: usize, out: &[i64], ins: &[i64]) -> usize {
    let os = strides(out);
    let is = strides(ins);
    let off = out.len() - ins.len();
    let mut r = 0;
    for (d, &n) in ins.iter().enumerate() {
        let c = (i / os[d + off]) % out[d + off] as usize;
        if n != 1 {
            r += c * is[d];
        }
    }
    r
}

fn int_attr(ctx: &Context, op: Op, name: &str, default: i64) -> i64 {
    ctx.attr(op, name)
        .and_then(|a| ctx.int_value(a))
        .and_then(|v| i64::try_from(v).ok())
        .unwrap_or(default)
}

/// The folded values of `op`'s single result (of type `rt`), if it can be
/// computed now.
fn fold(ctx: &Context, op: Op, rt: Type) -> Option<Vals> {
    let name = ctx.op_name_str(op).strip_prefix("onnx.")?;
    let out = ctx.shape(rt)?.to_vec();
    let n = dlc_ir::dense::num_elements(&out)?;
    if n > FOLD_MAX_ELEMENTS {
        return None;
    }
    let ops: Vec<dlc_ir::Value> = ctx.operands(op).collect();
    let float_out = is_float(ctx, rt);
    // Ops that only need static operand shapes.
    match name {
        "Shape" => {
            let s = ctx.shape(ctx.value_type(ops[0]))?;
            if s.iter().any(|&d| d < 0) {
                return None;
            }
            let get = |k: &str| ctx.attr(op, k);
            let (a, b) = crate::shape_ops::shape_range(ctx, &get, s.len()).ok()?;
            return Some(Vals::I(s[a..b].iter().map(|&d| i128::from(d)).collect()));
        }
        "Size" => {
            let s = ctx.shape(ctx.value_type(ops[0]))?;
            if s.iter().any(|&d| d < 0) {
                return None;
            }
            return Some(Vals::I(vec![s.iter().product::<i64>().into()]));
        }
        _ => {}
    }
    let cs: Vec<Cst> = ops.iter().map(|&v| read(ctx, v)).collect::<Option<_>>()?;
    let elementwise = |f: &ElemFn<'_>| -> Vals {
        let refs: Vec<&Cst> = cs.iter().collect();
        let mut iv = Vec::with_capacity(n);
        let mut fv = Vec::with_capacity(n);
        for i in 0..n {
            let (a, b) = f(&refs, i);
            iv.push(a);
            fv.push(b);
        }
        if float_out { Vals::F(fv) } else { Vals::I(iv) }
    };
    let at = |c: &Cst, i: usize| -> usize { bcast(i, &out, &c.shape) };
    Some(match name {
        "Identity" | "Reshape" | "Unsqueeze" | "Squeeze" | "Flatten" => cs[0].vals.clone(),
        "Cast" => {
            if float_out {
                Vals::F((0..n).map(|i| cs[0].vals.f(i)).collect())
            } else {
                let bits = ctx.int_or_float_width(ctx.element_type(rt)).unwrap_or(64);
                let wrap = |v: i128| -> i128 {
                    if bits >= 64 {
                        v
                    } else if bits == 1 {
                        i128::from(v != 0)
                    } else {
                        let m = 1i128 << bits;
                        let r = v.rem_euclid(m);
                        if r >= m / 2 { r - m } else { r }
                    }
                };
                Vals::I((0..n).map(|i| wrap(cs[0].vals.i(i))).collect())
            }
        }
        "Add" | "Sub" | "Mul" | "Div" | "Max" | "Min" | "Equal" | "Less" | "Greater" | "And"
        | "Or" | "Xor" | "Mod" | "LessOrEqual" | "GreaterOrEqual" | "Pow" => {
            if cs.len() < 2 {
                return None;
            }
            let fl = matches!(cs[0].vals, Vals::F(_));
            elementwise(&|c, i| {
                let (x, y) = (c[0], c[1]);
                if fl {
                    let (a, b) = (x.vals.f(at(x, i)), y.vals.f(at(y, i)));
                    let r = match name {
                        "Add" => a + b,
                        "Sub" => a - b,
                        "Mul" => a * b,
                        "Div" => a / b,
                        "Max" => a.max(b),
                        "Min" => a.min(b),
                        "Pow" => a.powf(b),
                        "Mod" if int_attr(ctx, op, "fmod", 0) != 0 => a % b,
                        "Mod" => a - b * (a / b).floor(),
                        "Equal" => f64::from(a == b),
                        "Less" => f64::from(a < b),
                        "LessOrEqual" => f64::from(a <= b),
                        "GreaterOrEqual" => f64::from(a >= b),
                        "Greater" => f64::from(a > b),
                        _ => return (0, f64::NAN),
                    };
                    (r as i128, r)
                } else {
                    let (a, b) = (x.vals.i(at(x, i)), y.vals.i(at(y, i)));
                    let r = match name {
                        "Add" => a + b,
                        "Sub" => a - b,
                        "Mul" => a * b,
                        "Div" if b != 0 => a / b,
                        "Div" => 0,
                        "Max" => a.max(b),
                        "Min" => a.min(b),
                        "Pow" => (a as f64).powf(b as f64) as i128,
                        "Mod" if b == 0 => 0,
                        "Mod" if int_attr(ctx, op, "fmod", 0) != 0 => a % b,
                        "Mod" => {
                            let r = a % b;
                            if r != 0 && ((r < 0) != (b < 0)) {
                                r + b
                            } else {
                                r
                            }
                        }
                        "And" => i128::from(a != 0 && b != 0),
                        "Or" => i128::from(a != 0 || b != 0),
                        "Xor" => i128::from((a != 0) != (b != 0)),
                        "Equal" => i128::from(a == b),
                        "Less" => i128::from(a < b),
                        "LessOrEqual" => i128::from(a <= b),
                        "GreaterOrEqual" => i128::from(a >= b),
                        _ => i128::from(a > b),
                    };
                    (r, r as f64)
                }
            })
        }
        "Neg" | "Abs" => elementwise(&|c, i| {
            let (a, b) = (c[0].vals.i(i), c[0].vals.f(i));
            if name == "Neg" {
                (-a, -b)
            } else {
                (a.abs(), b.abs())
            }
        }),
        "Sqrt" | "Reciprocal" | "Floor" | "Ceil" | "Exp" | "Log" if float_out => Vals::F(
            (0..n)
                .map(|i| {
                    let x = cs[0].vals.f(i);
                    match name {
                        "Sqrt" => x.sqrt(),
                        "Reciprocal" => 1.0 / x,
                        "Floor" => x.floor(),
                        "Ceil" => x.ceil(),
                        "Exp" => x.exp(),
                        _ => x.ln(),
                    }
                })
                .collect(),
        ),
        "Not" => Vals::I((0..n).map(|i| i128::from(cs[0].vals.i(i) == 0)).collect()),
        "Where" => {
            let (c, x, y) = (&cs[0], &cs[1], &cs[2]);
            elementwise(&|_, i| {
                let pick = if c.vals.i(at(c, i)) != 0 { x } else { y };
                let k = at(pick, i);
                (pick.vals.i(k), pick.vals.f(k))
            })
        }
        "Concat" => {
            let rank = out.len();
            let axis = crate::shape_ops::norm_axis(int_attr(ctx, op, "axis", 0), rank).ok()?;
            let outer: usize = out[..axis].iter().product::<i64>() as usize;
            let mut iv = Vec::with_capacity(n);
            let mut fv = Vec::with_capacity(n);
            for o in 0..outer {
                for c in &cs {
                    let inner: usize = c.shape[axis..].iter().product::<i64>() as usize;
                    for k in 0..inner {
                        iv.push(c.vals.i(o * inner + k));
                        fv.push(c.vals.f(o * inner + k));
                    }
                }
            }
            if float_out { Vals::F(fv) } else { Vals::I(iv) }
        }
        "Gather" => {
            let data = &cs[0];
            let idx = &cs[1];
            let rank = data.shape.len();
            let axis = crate::shape_ops::norm_axis(int_attr(ctx, op, "axis", 0), rank).ok()?;
            let dim = data.shape[axis];
            let outer: usize = data.shape[..axis].iter().product::<i64>() as usize;
            let inner: usize = data.shape[axis + 1..].iter().product::<i64>() as usize;
            let mut iv = Vec::with_capacity(n);
            let mut fv = Vec::with_capacity(n);
            for o in 0..outer {
                for j in 0..idx.vals.len() {
                    let mut k = idx.vals.i(j) as i64;
                    if k < 0 {
                        k += dim;
                    }
                    if k < 0 || k >= dim {
                        return None;
                    }
                    for t in 0..inner {
                        let src = (o * dim as usize + k as usize) * inner + t;
                        iv.push(data.vals.i(src));
                        fv.push(data.vals.f(src));
                    }
                }
            }
            if float_out { Vals::F(fv) } else { Vals::I(iv) }
        }
        "Slice" if cs.len() >= 3 => {
            let data = &cs[0];
            let ints = |c: &Cst| {
                (0..c.vals.len())
                    .map(|i| c.vals.i(i) as i64)
                    .collect::<Vec<_>>()
            };
            let axes = cs.get(3).map(ints);
            let steps = cs.get(4).map(ints);
            let p = crate::shape_ops::slice_params(
                &data.shape,
                &ints(&cs[1]),
                &ints(&cs[2]),
                axes.as_deref(),
                steps.as_deref(),
            )
            .ok()?;
            let ds = strides(&data.shape);
            let os = strides(&out);
            let mut iv = Vec::with_capacity(n);
            let mut fv = Vec::with_capacity(n);
            for i in 0..n {
                let mut src = 0usize;
                for d in 0..out.len() {
                    let c = (i / os[d]) % out[d] as usize;
                    src += (p[d].0 + c as i64 * p[d].1) as usize * ds[d];
                }
                iv.push(data.vals.i(src));
                fv.push(data.vals.f(src));
            }
            if float_out { Vals::F(fv) } else { Vals::I(iv) }
        }
        "ConstantOfShape" => {
            let v = ctx.attr(op, "value");
            if float_out {
                let f = v
                    .and_then(|a| dense_values_f64(ctx, a))
                    .and_then(|v| v.first().copied())
                    .unwrap_or(0.0);
                Vals::F(vec![f; n])
            } else {
                let i = v
                    .and_then(|a| dense_values_i128(ctx, a))
                    .and_then(|v| v.first().copied())
                    .unwrap_or(0);
                Vals::I(vec![i; n])
            }
        }
        "Range" => {
            let (s, d) = (cs[0].vals.f(0), cs[2].vals.f(0));
            if float_out {
                Vals::F((0..n).map(|i| s + i as f64 * d).collect())
            } else {
                let (s, d) = (cs[0].vals.i(0), cs[2].vals.i(0));
                Vals::I((0..n as i128).map(|i| s + i * d).collect())
            }
        }
        "ReduceProd" | "ReduceSum" if cs.len() == 1 && out.iter().product::<i64>() == 1 => {
            let all: Vec<i128> = (0..cs[0].vals.len()).map(|i| cs[0].vals.i(i)).collect();
            let r = if name == "ReduceProd" {
                all.iter().product()
            } else {
                all.iter().sum()
            };
            if float_out {
                return None;
            }
            Vals::I(vec![r])
        }
        _ => return None,
    })
}

fn to_attr(ctx: &mut Context, t: Type, v: &Vals) -> Option<Attr> {
    match v {
        Vals::I(v) => dense_from_i128(ctx, t, v),
        Vals::F(v) => dense_from_f64(ctx, t, v),
    }
}

/// Re-infers result types and folds small constant computations in
/// `block` (and the function's result types from its return).
pub fn propagate(ctx: &mut Context, func: Op, block: Block) -> Result<usize, Diagnostic> {
    let folded = propagate_block(ctx, block)?.len();
    if let Some(ret) = ctx
        .last_op(block)
        .filter(|&o| ctx.op_name_str(o) == "func.return")
    {
        let outs = ctx.operand_types(ret);
        let ins: Vec<Type> = ctx
            .block_args(block)
            .iter()
            .map(|&a| ctx.value_type(a))
            .collect();
        let ft = ctx.function_type(&ins, &outs);
        let a = ctx.type_attr(ft);
        ctx.set_attr(func, "function_type", a);
    }
    Ok(folded)
}

/// The pieces of a Split of a small constant along its axis, as its
/// (static) result types cut it.
fn fold_split(ctx: &Context, op: Op) -> Option<Vec<Vals>> {
    let x = read(ctx, ctx.operand(op, 0))?;
    let rank = x.shape.len();
    let axis = crate::shape_ops::norm_axis(int_attr(ctx, op, "axis", 0), rank).ok()?;
    let dim = usize::try_from(x.shape[axis]).ok()?;
    let outer: usize = x.shape[..axis].iter().product::<i64>() as usize;
    let inner: usize = x.shape[axis + 1..].iter().product::<i64>() as usize;
    let float = is_float(ctx, ctx.value_type(ctx.operand(op, 0)));
    let mut off = 0usize;
    let mut parts = Vec::new();
    for r in ctx.results(op) {
        let s = ctx.shape(ctx.value_type(r))?;
        let same_rest = s.len() == rank && (0..rank).all(|d| d == axis || s[d] == x.shape[d]);
        let len = usize::try_from(s[axis]).ok().filter(|_| same_rest)?;
        let mut iv = Vec::new();
        let mut fv = Vec::new();
        for o in 0..outer {
            for j in off..off + len {
                for t in 0..inner {
                    let src = (o * dim + j) * inner + t;
                    iv.push(x.vals.i(src));
                    fv.push(x.vals.f(src));
                }
            }
        }
        off += len;
        parts.push(if float { Vals::F(fv) } else { Vals::I(iv) });
    }
    (off == dim).then_some(parts)
}

/// Replaces every result of `op` by a constant of `vals` (all or none).
fn fold_results(
    ctx: &mut Context,
    op: Op,
    vals: Vec<Vals>,
    folded: &mut Vec<(dlc_ir::Value, dlc_ir::Value)>,
) {
    let loc = ctx.op_loc(op);
    let mut consts = Vec::new();
    for (i, v) in vals.iter().enumerate() {
        let rt = ctx.value_type(ctx.result(op, i));
        let Some(c) = to_attr(ctx, rt, v).and_then(|a| build_constant(ctx, a, rt, loc)) else {
            return;
        };
        consts.push(c);
    }
    for (i, c) in consts.into_iter().enumerate() {
        ctx.insert_op_before(op, c);
        let r = ctx.result(op, i);
        let cv = ctx.result(c, 0);
        ctx.replace_all_uses_with(r, cv);
        folded.push((r, cv));
    }
    ctx.erase_op(op);
}

/// [`propagate`] on the ops of `block` alone (the importer folds the block
/// it is building, to resolve an `If` whose condition is known at compile
/// time). Returns the replaced values: (folded result, its constant).
pub fn propagate_block(
    ctx: &mut Context,
    block: Block,
) -> Result<Vec<(dlc_ir::Value, dlc_ir::Value)>, Diagnostic> {
    let mut folded = Vec::new();
    for op in ctx.block_ops_vec(block) {
        let name = ctx.op_name_str(op).to_string();
        if !name.starts_with("onnx.") || name == "onnx.Constant" {
            continue;
        }
        let operand_types = ctx.operand_types(op);
        let consts: Vec<Option<Attr>> = ctx.operands(op).map(|v| constant_value(ctx, v)).collect();
        let mut attrs: Vec<(String, Attr)> = Vec::new();
        for d in ctx.op_props(op).into_iter().chain([ctx.op_attr_dict(op)]) {
            for &(k, v) in ctx.dict_entries(d) {
                attrs.push((ctx.ident_str(k).to_string(), v));
            }
        }
        let get = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| *v);
        let nres = ctx.num_results(op);
        let inferred = infer_result_types(ctx, &name, &operand_types, &consts, &get, nres)
            .map_err(|e| ctx.op_error(op, e.0))?;
        if let Some(tys) = inferred {
            for (i, t) in tys.into_iter().enumerate().take(nres) {
                let r = ctx.result(op, i);
                if ctx.value_type(r) != t {
                    ctx.set_value_type(r, t);
                }
            }
        }
        if nres != 1 {
            if name == "onnx.Split"
                && let Some(parts) = fold_split(ctx, op)
            {
                fold_results(ctx, op, parts, &mut folded);
            }
            continue;
        }
        let r = ctx.result(op, 0);
        let rt = ctx.value_type(r);
        let Some(vals) = fold(ctx, op, rt) else {
            continue;
        };
        let Some(value) = to_attr(ctx, rt, &vals) else {
            continue;
        };
        let loc = ctx.op_loc(op);
        let Some(c) = build_constant(ctx, value, rt, loc) else {
            continue;
        };
        ctx.insert_op_before(op, c);
        let cv = ctx.result(c, 0);
        ctx.replace_all_uses_with(r, cv);
        ctx.erase_op(op);
        folded.push((r, cv));
    }
    Ok(folded)
}
