//! A reference interpreter for te computes on f32/i32 data, so lowerings
//! into te can be checked numerically without the loop level. Slow and
//! simple on purpose: it evaluates each compute body once per index point.

use crate::{ComputeOp, GroupOp, body_block, compute_info, is_terminator};
use dlc_ir::{Attr, Context, Op, Type, Value};
use rustc_hash::FxHashMap;

/// A dense row-major tensor value.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorData {
    pub shape: Vec<i64>,
    pub data: Data,
}

/// Element storage.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    F32(Vec<f32>),
    I32(Vec<i32>),
}

impl TensorData {
    pub fn f32(shape: &[i64], data: Vec<f32>) -> Self {
        TensorData {
            shape: shape.to_vec(),
            data: Data::F32(data),
        }
    }
    pub fn i32(shape: &[i64], data: Vec<i32>) -> Self {
        TensorData {
            shape: shape.to_vec(),
            data: Data::I32(data),
        }
    }
    /// The f32 elements (empty for i32 data).
    pub fn as_f32(&self) -> &[f32] {
        match &self.data {
            Data::F32(v) => v,
            Data::I32(_) => &[],
        }
    }
    fn len(&self) -> usize {
        match &self.data {
            Data::F32(v) => v.len(),
            Data::I32(v) => v.len(),
        }
    }
}

/// Why evaluation failed.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalError(pub String);

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for EvalError {}

fn err<T>(m: impl Into<String>) -> Result<T, EvalError> {
    Err(EvalError(m.into()))
}

#[derive(Copy, Clone, Debug, PartialEq)]
enum S {
    F(f32),
    /// Integers, index and i1 (0/1).
    I(i64),
}

impl S {
    fn f(self) -> Result<f32, EvalError> {
        match self {
            S::F(v) => Ok(v),
            S::I(_) => err("expected a float value"),
        }
    }
    fn i(self) -> Result<i64, EvalError> {
        match self {
            S::I(v) => Ok(v),
            S::F(_) => err("expected an integer value"),
        }
    }
}

fn wrap(ctx: &Context, t: Type, v: i64) -> i64 {
    match ctx.int_or_float_width(t) {
        Some(1) => v & 1,
        Some(8) => v as i8 as i64,
        Some(16) => v as i16 as i64,
        Some(32) => v as i32 as i64,
        _ => v,
    }
}

/// The error function (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7).
pub fn erf(x: f32) -> f32 {
    let x = x as f64;
    let s = if x < 0.0 { -1.0 } else { 1.0 };
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-a * a).exp();
    (s * y) as f32
}

fn attr_scalar(ctx: &Context, a: Attr) -> Result<S, EvalError> {
    if let Some(f) = ctx.float_value(a) {
        return Ok(S::F(f as f32));
    }
    if let Some(i) = ctx.int_value(a) {
        return Ok(S::I(i as i64));
    }
    err("unsupported constant attribute")
}

fn cmpf(pred: i128, a: f32, b: f32) -> bool {
    let uno = a.is_nan() || b.is_nan();
    match pred {
        0 => false,
        1 => !uno && a == b,
        2 => !uno && a > b,
        3 => !uno && a >= b,
        4 => !uno && a < b,
        5 => !uno && a <= b,
        6 => !uno && a != b,
        7 => !uno,
        8 => uno || a == b,
        9 => uno || a > b,
        10 => uno || a >= b,
        11 => uno || a < b,
        12 => uno || a <= b,
        13 => uno || a != b,
        14 => uno,
        _ => true,
    }
}

fn cmpi(pred: i128, a: i64, b: i64) -> bool {
    let (ua, ub) = (a as u64, b as u64);
    match pred {
        0 => a == b,
        1 => a != b,
        2 => a < b,
        3 => a <= b,
        4 => a > b,
        5 => a >= b,
        6 => ua < ub,
        7 => ua <= ub,
        8 => ua > ub,
        _ => ua >= ub,
    }
}

struct Env<'a> {
    ctx: &'a Context,
    tensors: FxHashMap<Value, &'a TensorData>,
}

impl Env<'_> {
    fn eval_scalar_op(&self, op: Op, vals: &mut FxHashMap<Value, S>) -> Result<(), EvalError> {
        let ctx = self.ctx;
        let name = ctx.op_name_str(op);
        let get = |i: usize| -> Result<S, EvalError> {
            let v = ctx.operand(op, i);
            if let Some(&s) = vals.get(&v) {
                return Ok(s);
            }
            // A scalar constant captured from above (e.g. hoisted by canonicalize).
            match ctx.defining_op(v) {
                Some(d) if ctx.op_name_str(d) == "arith.constant" => match ctx.attr(d, "value") {
                    Some(a) => attr_scalar(ctx, a),
                    None => err("constant without value"),
                },
                _ => err(format!("'{name}': operand #{i} has no value")),
            }
        };
        if ctx.num_results(op) != 1 {
            return err(format!("unsupported op '{name}' in a compute body"));
        }
        let rt = ctx.value_type(ctx.result(op, 0));
        let n = ctx.num_operands(op);
        let f1 = |f: fn(f32) -> f32| -> Result<S, EvalError> { Ok(S::F(f(get(0)?.f()?))) };
        let f2 = |f: fn(f32, f32) -> f32| -> Result<S, EvalError> {
            Ok(S::F(f(get(0)?.f()?, get(1)?.f()?)))
        };
        let i2 = |f: fn(i64, i64) -> Option<i64>| -> Result<S, EvalError> {
            let r = f(get(0)?.i()?, get(1)?.i()?)
                .ok_or_else(|| EvalError(format!("'{name}': division by zero or overflow")))?;
            Ok(S::I(wrap(ctx, rt, r)))
        };
        let r = match name {
            "arith.constant" => attr_scalar(
                ctx,
                ctx.attr(op, "value")
                    .ok_or_else(|| EvalError("constant without value".into()))?,
            )?,
            "te.extract" => {
                let t = ctx.operand(op, 0);
                let td = self
                    .tensors
                    .get(&t)
                    .ok_or_else(|| EvalError("te.extract of a tensor with no value".into()))?;
                if td.shape.len() + 1 != n {
                    return err("te.extract index count mismatch");
                }
                let mut pos: usize = 0;
                for (i, &d) in td.shape.iter().enumerate() {
                    let x = get(i + 1)?.i()?;
                    if x < 0 || x >= d {
                        return err(format!(
                            "te.extract index {x} out of bounds for dimension {i} of size {d}"
                        ));
                    }
                    pos = pos * d as usize + x as usize;
                }
                match &td.data {
                    Data::F32(v) => S::F(v[pos]),
                    Data::I32(v) => S::I(v[pos] as i64),
                }
            }
            "arith.addf" => f2(|a, b| a + b)?,
            "arith.subf" => f2(|a, b| a - b)?,
            "arith.mulf" => f2(|a, b| a * b)?,
            "arith.divf" => f2(|a, b| a / b)?,
            "arith.remf" => f2(|a, b| a % b)?,
            "arith.maximumf" => f2(|a, b| {
                if a.is_nan() || b.is_nan() {
                    f32::NAN
                } else {
                    a.max(b)
                }
            })?,
            "arith.maxnumf" => f2(f32::max)?,
            "arith.minimumf" => f2(|a, b| {
                if a.is_nan() || b.is_nan() {
                    f32::NAN
                } else {
                    a.min(b)
                }
            })?,
            "arith.minnumf" => f2(f32::min)?,
            "arith.negf" => f1(|a| -a)?,
            "math.exp" => f1(f32::exp)?,
            "math.log" => f1(f32::ln)?,
            "math.tanh" => f1(f32::tanh)?,
            "math.erf" => f1(erf)?,
            "math.sqrt" => f1(f32::sqrt)?,
            "math.rsqrt" => f1(|a| 1.0 / a.sqrt())?,
            "math.absf" => f1(f32::abs)?,
            "math.floor" => f1(f32::floor)?,
            "math.ceil" => f1(f32::ceil)?,
            "math.powf" => f2(f32::powf)?,
            "arith.addi" => i2(|a, b| Some(a.wrapping_add(b)))?,
            "arith.subi" => i2(|a, b| Some(a.wrapping_sub(b)))?,
            "arith.muli" => i2(|a, b| Some(a.wrapping_mul(b)))?,
            "arith.divsi" | "arith.divui" => i2(|a, b| a.checked_div(b))?,
            "arith.remsi" | "arith.remui" => i2(|a, b| a.checked_rem(b))?,
            "arith.floordivsi" => i2(|a, b| {
                let q = a.checked_div(b)?;
                Some(if (a % b != 0) && ((a < 0) != (b < 0)) {
                    q - 1
                } else {
                    q
                })
            })?,
            "arith.maxsi" => i2(|a, b| Some(a.max(b)))?,
            "arith.minsi" => i2(|a, b| Some(a.min(b)))?,
            "arith.andi" => i2(|a, b| Some(a & b))?,
            "arith.ori" => i2(|a, b| Some(a | b))?,
            "arith.xori" => i2(|a, b| Some(a ^ b))?,
            "arith.cmpf" => {
                let p = ctx
                    .attr(op, "predicate")
                    .and_then(|a| ctx.int_value(a))
                    .unwrap_or(0);
                S::I(cmpf(p, get(0)?.f()?, get(1)?.f()?) as i64)
            }
            "arith.cmpi" => {
                let p = ctx
                    .attr(op, "predicate")
                    .and_then(|a| ctx.int_value(a))
                    .unwrap_or(0);
                S::I(cmpi(p, get(0)?.i()?, get(1)?.i()?) as i64)
            }
            "arith.select" => {
                if get(0)?.i()? != 0 {
                    get(1)?
                } else {
                    get(2)?
                }
            }
            "arith.index_cast" | "arith.index_castui" | "arith.extsi" | "arith.trunci" => {
                S::I(wrap(ctx, rt, get(0)?.i()?))
            }
            "arith.sitofp" => S::F(get(0)?.i()? as f32),
            "arith.fptosi" => S::I(wrap(ctx, rt, get(0)?.f()? as i64)),
            "arith.extf" | "arith.truncf" => S::F(get(0)?.f()?),
            _ => return err(format!("unsupported op '{name}' in a compute body")),
        };
        vals.insert(ctx.result(op, 0), r);
        Ok(())
    }
}

fn combine(c: &str, a: S, b: S) -> Result<S, EvalError> {
    Ok(match (a, b) {
        (S::F(a), S::F(b)) => S::F(match c {
            "add" => a + b,
            "mul" => a * b,
            "max" => a.max(b),
            _ => a.min(b),
        }),
        (S::I(a), S::I(b)) => S::I(match c {
            "add" => a.wrapping_add(b),
            "mul" => a.wrapping_mul(b),
            "max" => a.max(b),
            _ => a.min(b),
        }),
        _ => return err("combiner type mismatch"),
    })
}

fn identity(ctx: &Context, c: &str, elem: Type) -> S {
    if ctx.is_float(elem) {
        S::F(match c {
            "add" => 0.0,
            "mul" => 1.0,
            "max" => f32::NEG_INFINITY,
            _ => f32::INFINITY,
        })
    } else {
        S::I(match c {
            "add" => 0,
            "mul" => 1,
            "max" => i32::MIN as i64,
            _ => i32::MAX as i64,
        })
    }
}

/// Evaluates one `te.compute` on values for its inputs (in operand order).
pub fn eval_compute(ctx: &Context, op: Op, inputs: &[TensorData]) -> Result<TensorData, EvalError> {
    if ComputeOp::cast(ctx, op).is_none() {
        return err("not a te.compute");
    }
    let info = compute_info(ctx, op).map_err(EvalError)?;
    if info.is_dynamic() {
        return err("run-time extents (`dims`) are not supported by the interpreter");
    }
    if inputs.len() != ctx.num_operands(op) {
        return err(format!(
            "expected {} inputs, got {}",
            ctx.num_operands(op),
            inputs.len()
        ));
    }
    let mut tensors = FxHashMap::default();
    for (v, t) in ctx.operands(op).zip(inputs) {
        let expect = ctx.shape(ctx.value_type(v)).unwrap_or(&[]);
        if expect != t.shape.as_slice() || dlc_ir::dense::num_elements(&t.shape) != Some(t.len()) {
            return err(format!(
                "input shape {:?} does not match {expect:?}",
                t.shape
            ));
        }
        tensors.insert(v, t);
    }
    let env = Env { ctx, tensors };
    let b = body_block(ctx, op).ok_or_else(|| EvalError("empty body".into()))?;
    let args = ctx.block_args(b).to_vec();
    let body: Vec<Op> = ctx.block_ops_vec(b);
    let Some((&yield_op, body)) = body.split_last() else {
        return err("empty body");
    };
    if args.len() != info.shape.len() + info.reduce_extents.len() || ctx.num_operands(yield_op) != 1
    {
        return err("malformed compute (run the verifier first)");
    }
    let yv = ctx.operand(yield_op, 0);
    let is_float = ctx.is_float(info.elem);
    if !is_float && !ctx.is_integer(info.elem) {
        return err("only float and integer element types are supported");
    }
    let total =
        dlc_ir::dense::num_elements(&info.shape).ok_or_else(|| EvalError("bad shape".into()))?;
    let rtotal = dlc_ir::dense::num_elements(&info.reduce_extents)
        .ok_or_else(|| EvalError("bad reduction extents".into()))?;
    if total.saturating_mul(rtotal.max(1)) > 1 << 28 {
        return err("compute too large for the reference interpreter");
    }
    let combiner = info.combiner.clone().unwrap_or_else(|| "add".into());
    let init = match ctx.attr(op, "init") {
        Some(a) => attr_scalar(ctx, a)?,
        None => identity(ctx, &combiner, info.elem),
    };
    let mut out = Vec::with_capacity(total);
    let mut vals: FxHashMap<Value, S> = FxHashMap::default();
    let nout = info.shape.len();
    let mut idx = vec![0i64; nout];
    let mut ridx = vec![0i64; info.reduce_extents.len()];
    for _ in 0..total {
        let mut acc = init;
        for r in 0..rtotal {
            let _ = r;
            vals.clear();
            for (i, &a) in args.iter().enumerate() {
                let x = if i < nout { idx[i] } else { ridx[i - nout] };
                vals.insert(a, S::I(x));
            }
            for &o in body {
                env.eval_scalar_op(o, &mut vals)?;
            }
            let v = *vals
                .get(&yv)
                .ok_or_else(|| EvalError("yielded value has no value".into()))?;
            if info.reduce_extents.is_empty() {
                acc = v;
            } else {
                acc = combine(&combiner, acc, v)?;
            }
            step(&mut ridx, &info.reduce_extents);
        }
        out.push(acc);
        step(&mut idx, &info.shape);
    }
    let data = if is_float {
        Data::F32(out.iter().map(|s| s.f()).collect::<Result<_, _>>()?)
    } else {
        Data::I32(
            out.iter()
                .map(|s| s.i().map(|v| v as i32))
                .collect::<Result<_, _>>()?,
        )
    };
    Ok(TensorData {
        shape: info.shape,
        data,
    })
}

/// Advances a row-major multi-index.
fn step(idx: &mut [i64], ext: &[i64]) {
    for i in (0..idx.len()).rev() {
        idx[i] += 1;
        if idx[i] < ext[i] {
            return;
        }
        idx[i] = 0;
    }
}

fn constant_data(ctx: &Context, op: Op) -> Result<TensorData, EvalError> {
    let a = ctx
        .attr(op, "value")
        .ok_or_else(|| EvalError("constant without value".into()))?;
    let ty = ctx
        .attr_type(a)
        .ok_or_else(|| EvalError("untyped constant".into()))?;
    let shape = ctx.shape(ty).unwrap_or(&[]).to_vec();
    let n = dlc_ir::dense::num_elements(&shape).ok_or_else(|| EvalError("bad shape".into()))?;
    let elem = ctx.element_type(ty);
    let splat = dlc_ir::dense::is_splat(ctx, a);
    let fill = |v: Vec<f64>| -> Vec<f64> {
        if splat && v.len() == 1 {
            vec![v[0]; n]
        } else {
            v
        }
    };
    if ctx.is_float(elem) {
        let v = dlc_ir::dense::dense_values_f64(ctx, a)
            .ok_or_else(|| EvalError("unreadable constant".into()))?;
        Ok(TensorData::f32(
            &shape,
            fill(v).into_iter().map(|x| x as f32).collect(),
        ))
    } else {
        let v = dlc_ir::dense::dense_values_i128(ctx, a)
            .ok_or_else(|| EvalError("unreadable constant".into()))?;
        let v: Vec<i32> = if splat && v.len() == 1 {
            vec![v[0] as i32; n]
        } else {
            v.iter().map(|&x| x as i32).collect()
        };
        Ok(TensorData::i32(&shape, v))
    }
}

/// Evaluates a block of computes, constants and groups with the given
/// argument values; returns the terminator's operand values.
pub fn eval_block(
    ctx: &Context,
    block: dlc_ir::Block,
    args: &[TensorData],
) -> Result<Vec<TensorData>, EvalError> {
    let bargs = ctx.block_args(block);
    if bargs.len() != args.len() {
        return err(format!(
            "expected {} arguments, got {}",
            bargs.len(),
            args.len()
        ));
    }
    let mut env: FxHashMap<Value, TensorData> =
        bargs.iter().copied().zip(args.iter().cloned()).collect();
    let fetch = |env: &FxHashMap<Value, TensorData>,
                 vs: Vec<Value>|
     -> Result<Vec<TensorData>, EvalError> {
        vs.into_iter()
            .map(|v| {
                env.get(&v)
                    .cloned()
                    .ok_or_else(|| EvalError("value has no tensor".into()))
            })
            .collect()
    };
    for op in ctx.block_ops_vec(block) {
        if is_terminator(ctx, op) {
            return fetch(&env, ctx.operand_vec(op));
        }
        let name = ctx.op_name_str(op);
        let outs = if ComputeOp::cast(ctx, op).is_some() {
            let ins = fetch(&env, ctx.operand_vec(op))?;
            vec![eval_compute(ctx, op, &ins)?]
        } else if GroupOp::cast(ctx, op).is_some() {
            let ins = fetch(&env, ctx.operand_vec(op))?;
            let b = body_block(ctx, op).ok_or_else(|| EvalError("empty group".into()))?;
            eval_block(ctx, b, &ins)?
        } else if name == "graph.constant" || name == "arith.constant" {
            vec![constant_data(ctx, op)?]
        } else {
            return err(format!("unsupported op '{name}' at te level"));
        };
        for (r, t) in ctx.results(op).zip(outs) {
            env.insert(r, t);
        }
    }
    err("block has no terminator")
}

/// Evaluates a `func.func` made of te ops on its arguments.
pub fn eval_func(
    ctx: &Context,
    func: Op,
    args: &[TensorData],
) -> Result<Vec<TensorData>, EvalError> {
    let b = body_block(ctx, func).ok_or_else(|| EvalError("function has no body".into()))?;
    eval_block(ctx, b, args)
}
