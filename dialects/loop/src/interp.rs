//! A reference interpreter for loop-level functions: runs a `func.func`
//! made of `loop`, `arith` and `math` ops on f32 buffers, so lowerings can
//! be checked numerically without LLVM. Slow and simple on purpose.

use crate::ops::{ForOp, for_body, memref_parts};
use dlc_ir::rewrite::constant_value;
use dlc_ir::{AttrKind, Block, Context, Op, TypeKind, Value};
use rustc_hash::FxHashMap;

/// Why a function could not be interpreted.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum InterpError {
    #[error("no function named '{0}'")]
    NoFunction(String),
    #[error("function '{name}' expects {expected} buffer arguments, got {got}")]
    ArgCount {
        name: String,
        expected: usize,
        got: usize,
    },
    #[error("argument #{0} has {1} elements, its memref type needs {2}")]
    ArgSize(usize, usize, usize),
    #[error("unsupported op '{0}' in the interpreter")]
    Unsupported(String),
    #[error("unsupported type in the interpreter: {0}")]
    UnsupportedType(String),
    #[error("index {index:?} out of bounds for shape {shape:?}")]
    OutOfBounds { index: Vec<i64>, shape: Vec<i64> },
    #[error("malformed IR: {0}")]
    Malformed(String),
}

#[derive(Clone, Debug)]
enum Val {
    Int(i64),
    F32(f32),
    Vec(Vec<f32>),
    /// An integer (or i1) vector, e.g. the result of a vector `arith.cmpf`.
    IVec(Vec<i64>),
    /// A buffer: which arena, byte offset, shape.
    Mem {
        buf: usize,
        off: usize,
        shape: Vec<i64>,
    },
}

struct Interp<'c> {
    ctx: &'c Context,
    env: FxHashMap<Value, Val>,
    bufs: Vec<Vec<u8>>,
}

/// Runs function `name` of `module`. `args` holds one buffer per memref
/// argument (f32 data; an i8 workspace argument gets a zeroed arena sized
/// from its type or `workspace_bytes`). Returns the final contents of every
/// f32 buffer argument, in order.
pub fn run_function(
    ctx: &Context,
    module: Op,
    name: &str,
    args: &[Vec<f32>],
    workspace_bytes: usize,
) -> Result<Vec<Vec<f32>>, InterpError> {
    let func = find_func(ctx, module, name).ok_or_else(|| InterpError::NoFunction(name.into()))?;
    let entry = ctx
        .regions(func)
        .first()
        .and_then(|&r| ctx.region_first_block(r))
        .ok_or_else(|| InterpError::Malformed("function has no body".into()))?;
    let mut it = Interp {
        ctx,
        env: FxHashMap::default(),
        bufs: Vec::new(),
    };
    let params = ctx.block_args(entry).to_vec();
    let mut f32_args = Vec::new();
    let mut next = 0usize;
    for &p in &params {
        let t = ctx.value_type(p);
        let Some((shape, elem)) = memref_parts(ctx, t) else {
            return Err(InterpError::UnsupportedType(
                "non-memref function argument".into(),
            ));
        };
        let shape = shape.to_vec();
        let is_bytes = matches!(ctx.type_kind(elem), TypeKind::Integer { width: 8, .. });
        let buf = it.bufs.len();
        if is_bytes {
            let n = shape.iter().product::<i64>().max(0) as usize;
            let n = if shape.iter().any(|&d| d < 0) {
                workspace_bytes
            } else {
                n.max(workspace_bytes)
            };
            it.bufs.push(vec![0; n]);
        } else {
            let a = args.get(next).ok_or(InterpError::ArgCount {
                name: name.into(),
                expected: params.len(),
                got: args.len(),
            })?;
            let n: i64 = shape.iter().product();
            if n < 0 || a.len() != n as usize {
                return Err(InterpError::ArgSize(next, a.len(), n.max(0) as usize));
            }
            it.bufs
                .push(a.iter().flat_map(|x| x.to_le_bytes()).collect());
            f32_args.push(buf);
            next += 1;
        }
        it.env.insert(p, Val::Mem { buf, off: 0, shape });
    }
    it.run_block(entry)?;
    Ok(f32_args
        .iter()
        .map(|&b| {
            it.bufs[b]
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        })
        .collect())
}

fn find_func(ctx: &Context, module: Op, name: &str) -> Option<Op> {
    let r = *ctx.regions(module).first()?;
    let b = ctx.region_first_block(r)?;
    ctx.block_ops(b).find(|&o| {
        ctx.op_name_str(o) == "func.func"
            && ctx.attr(o, "sym_name").and_then(|a| ctx.string_value(a)) == Some(name)
    })
}

impl Interp<'_> {
    fn get(&self, v: Value) -> Result<Val, InterpError> {
        self.env
            .get(&v)
            .cloned()
            .ok_or_else(|| InterpError::Malformed("use of a value that was not computed".into()))
    }
    fn int(&self, v: Value) -> Result<i64, InterpError> {
        match self.get(v)? {
            Val::Int(i) => Ok(i),
            _ => Err(InterpError::Malformed("expected an integer".into())),
        }
    }
    fn f(&self, v: Value) -> Result<f32, InterpError> {
        match self.get(v)? {
            Val::F32(x) => Ok(x),
            _ => Err(InterpError::Malformed("expected an f32".into())),
        }
    }

    /// Runs the ops of a block; returns the operands of its terminator.
    fn run_block(&mut self, b: Block) -> Result<Vec<Val>, InterpError> {
        for op in self.ctx.block_ops(b) {
            let name = self.ctx.op_name_str(op);
            if name == "loop.yield" || name == "func.return" {
                return self.ctx.operands(op).map(|v| self.get(v)).collect();
            }
            self.run_op(op)?;
        }
        Ok(Vec::new())
    }

    /// The byte address of an element, checking bounds.
    fn address(
        &self,
        m: Value,
        idx: &[Value],
        elem_bytes: usize,
    ) -> Result<(usize, usize), InterpError> {
        let Val::Mem { buf, off, shape } = self.get(m)? else {
            return Err(InterpError::Malformed("expected a buffer".into()));
        };
        let index: Vec<i64> = idx.iter().map(|&v| self.int(v)).collect::<Result<_, _>>()?;
        let oob = || InterpError::OutOfBounds {
            index: index.clone(),
            shape: shape.clone(),
        };
        if index.len() != shape.len() {
            return Err(oob());
        }
        let mut lin: i64 = 0;
        for (&i, &d) in index.iter().zip(&shape) {
            if i < 0 || i >= d {
                return Err(oob());
            }
            lin = lin * d + i;
        }
        let at = off + lin as usize * elem_bytes;
        Ok((buf, at))
    }

    fn read(&self, buf: usize, at: usize) -> Result<f32, InterpError> {
        let b = self
            .bufs
            .get(buf)
            .and_then(|b| b.get(at..at + 4))
            .ok_or_else(|| InterpError::Malformed("access outside of its arena".into()))?;
        Ok(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn write(&mut self, buf: usize, at: usize, x: f32) -> Result<(), InterpError> {
        let b = self
            .bufs
            .get_mut(buf)
            .and_then(|b| b.get_mut(at..at + 4))
            .ok_or_else(|| InterpError::Malformed("access outside of its arena".into()))?;
        b.copy_from_slice(&x.to_le_bytes());
        Ok(())
    }

    fn run_op(&mut self, op: Op) -> Result<(), InterpError> {
        let ctx = self.ctx;
        let name = ctx.op_name_str(op);
        let ops = ctx.operand_vec(op);
        let o = |i: usize| {
            ops.get(i)
                .copied()
                .ok_or_else(|| InterpError::Malformed(format!("'{name}' has too few operands")))
        };
        let res = |i: usize| {
            if i < ctx.num_results(op) {
                Ok(ctx.result(op, i))
            } else {
                Err(InterpError::Malformed(format!(
                    "'{name}' has too few results"
                )))
            }
        };
        // Element-wise ops on vectors run lane by lane (a select with a
        // scalar condition picks whole vectors and runs as is).
        let is_vec = |v: &Value| matches!(self.env.get(v), Some(Val::Vec(_) | Val::IVec(_)));
        let scalar_select = name == "arith.select" && !ops.first().is_some_and(is_vec);
        if !name.starts_with("loop.") && !scalar_select && ops.iter().any(is_vec) {
            return self.run_lanes(op, &ops);
        }
        let v = match name {
            "arith.constant" => {
                let a = constant_value(ctx, op)
                    .ok_or_else(|| InterpError::Malformed("constant without value".into()))?;
                match ctx.attr_kind(a) {
                    AttrKind::Float { .. } => Val::F32(ctx.float_value(a).unwrap_or(0.0) as f32),
                    AttrKind::DenseElements { ty, data } if data.splat => {
                        let n = vector_len(ctx, *ty)?;
                        let b = data.bytes.get(..4).ok_or_else(|| {
                            InterpError::Unsupported("non-f32 vector constant".into())
                        })?;
                        Val::Vec(vec![f32::from_le_bytes([b[0], b[1], b[2], b[3]]); n])
                    }
                    _ => match ctx.int_value(a) {
                        Some(i) => Val::Int(i as i64),
                        None => {
                            return Err(InterpError::Unsupported(
                                "non-scalar arith.constant".into(),
                            ));
                        }
                    },
                }
            }
            "loop.for" => return self.run_for(op),
            "loop.load" => {
                let (b, at) = self.address(o(0)?, ops.get(1..).unwrap_or(&[]), 4)?;
                Val::F32(self.read(b, at)?)
            }
            "loop.store" => {
                let x = self.f(o(0)?)?;
                let (b, at) = self.address(o(1)?, ops.get(2..).unwrap_or(&[]), 4)?;
                return self.write(b, at, x);
            }
            "loop.vector_load" => {
                let n = vector_len(ctx, ctx.value_type(res(0)?))?;
                let (b, at) = self.address(o(0)?, ops.get(1..).unwrap_or(&[]), 4)?;
                let xs = (0..n)
                    .map(|k| self.read(b, at + 4 * k))
                    .collect::<Result<_, _>>()?;
                Val::Vec(xs)
            }
            "loop.vector_store" => {
                let Val::Vec(xs) = self.get(o(0)?)? else {
                    return Err(InterpError::Malformed("expected a vector".into()));
                };
                let (b, at) = self.address(o(1)?, ops.get(2..).unwrap_or(&[]), 4)?;
                for (k, x) in xs.into_iter().enumerate() {
                    self.write(b, at + 4 * k, x)?;
                }
                return Ok(());
            }
            "loop.view" => {
                let Val::Mem { buf, off, .. } = self.get(o(0)?)? else {
                    return Err(InterpError::Malformed("expected a buffer".into()));
                };
                let shift = self.int(o(1)?)?;
                let mut shape = memref_parts(ctx, ctx.value_type(res(0)?))
                    .map(|p| p.0.to_vec())
                    .unwrap_or_default();
                let mut sizes = ops.iter().skip(2);
                for d in &mut shape {
                    if *d == dlc_ir::types::DYNAMIC {
                        let v = *sizes.next().ok_or_else(|| {
                            InterpError::Malformed("view without its sizes".into())
                        })?;
                        *d = self.int(v)?;
                    }
                }
                Val::Mem {
                    buf,
                    off: off + shift.max(0) as usize,
                    shape,
                }
            }
            "loop.dim" => {
                let Val::Mem { shape, .. } = self.get(o(0)?)? else {
                    return Err(InterpError::Malformed("expected a buffer".into()));
                };
                let d = crate::ops::dim_index(ctx, op).map_err(InterpError::Malformed)?;
                Val::Int(shape[d])
            }
            "loop.constant" => {
                let t = ctx.value_type(res(0)?);
                let bytes = crate::ops::static_byte_size(ctx, t).unwrap_or(0) as usize;
                let shape = memref_parts(ctx, t)
                    .map(|p| p.0.to_vec())
                    .unwrap_or_default();
                let a = ctx
                    .attr(op, "value")
                    .ok_or_else(|| InterpError::Malformed("constant without value".into()))?;
                let (data, splat): (&[u8], bool) = match ctx.attr_kind(a) {
                    AttrKind::DenseElements { data, .. } => (&data.bytes, data.splat),
                    AttrKind::DenseResource { handle, .. } => match ctx.resources.get(handle) {
                        Some(b) => (&b.data, false),
                        None => {
                            return Err(InterpError::Malformed(
                                "dense_resource without a blob".into(),
                            ));
                        }
                    },
                    _ => return Err(InterpError::Malformed("non-dense constant".into())),
                };
                let buf: Vec<u8> = if splat && !data.is_empty() {
                    data.iter().copied().cycle().take(bytes).collect()
                } else if data.len() == bytes {
                    data.to_vec()
                } else {
                    return Err(InterpError::Malformed(format!(
                        "constant holds {} bytes, its memref needs {bytes}",
                        data.len()
                    )));
                };
                self.bufs.push(buf);
                Val::Mem {
                    buf: self.bufs.len() - 1,
                    off: 0,
                    shape,
                }
            }
            "loop.alloc" => {
                let t = ctx.value_type(res(0)?);
                let bytes = crate::ops::static_byte_size(ctx, t).unwrap_or(0) as usize;
                let shape = memref_parts(ctx, t)
                    .map(|p| p.0.to_vec())
                    .unwrap_or_default();
                self.bufs.push(vec![0; bytes]);
                Val::Mem {
                    buf: self.bufs.len() - 1,
                    off: 0,
                    shape,
                }
            }
            "arith.select" => {
                if self.int(o(0)?)? != 0 {
                    self.get(o(1)?)?
                } else {
                    self.get(o(2)?)?
                }
            }
            "arith.cmpf" => {
                let (a, b) = (self.f(o(0)?)?, self.f(o(1)?)?);
                let p = pred(ctx, op)?;
                let uno = a.is_nan() || b.is_nan();
                let r = match p {
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
                };
                Val::Int(r as i64)
            }
            "arith.cmpi" => {
                let (a, b) = (self.int(o(0)?)?, self.int(o(1)?)?);
                let (ua, ub) = (a as u64, b as u64);
                let r = match pred(ctx, op)? {
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
                };
                Val::Int(r as i64)
            }
            "arith.index_cast" | "arith.extsi" => Val::Int(self.int(o(0)?)?),
            "arith.sitofp" => Val::F32(self.int(o(0)?)? as f32),
            "arith.fptosi" => Val::Int(self.f(o(0)?)? as i64),
            _ if ops.len() == 2 && name.starts_with("arith.") && name.ends_with('i') => {
                let (a, b) = (self.int(o(0)?)?, self.int(o(1)?)?);
                let r = match name {
                    "arith.addi" => a.wrapping_add(b),
                    "arith.subi" => a.wrapping_sub(b),
                    "arith.muli" => a.wrapping_mul(b),
                    "arith.divsi" if b != 0 => a.wrapping_div(b),
                    "arith.remsi" if b != 0 => a.wrapping_rem(b),
                    "arith.maxsi" => a.max(b),
                    "arith.minsi" => a.min(b),
                    "arith.andi" => a & b,
                    "arith.ori" => a | b,
                    "arith.xori" => a ^ b,
                    _ => return Err(InterpError::Unsupported(name.into())),
                };
                Val::Int(r)
            }
            "loop.broadcast" => {
                let n = vector_len(ctx, ctx.value_type(res(0)?))?;
                match self.get(o(0)?)? {
                    Val::F32(x) => Val::Vec(vec![x; n]),
                    Val::Int(i) => Val::IVec(vec![i; n]),
                    _ => return Err(InterpError::Malformed("broadcast of a non-scalar".into())),
                }
            }
            _ => {
                let xs: Vec<f32> = ops.iter().map(|&v| self.f(v)).collect::<Result<_, _>>()?;
                Val::F32(float_op(name, &xs).ok_or_else(|| InterpError::Unsupported(name.into()))?)
            }
        };
        if ctx.num_results(op) != 1 {
            return Err(InterpError::Malformed(format!(
                "'{name}' should have one result"
            )));
        }
        self.env.insert(res(0)?, v);
        Ok(())
    }

    /// Runs an element-wise op with vector operands lane by lane: each
    /// vector operand is replaced by its lane's scalar (scalar operands,
    /// such as a select's scalar condition, stay as they are) and the op is
    /// run as a scalar op.
    fn run_lanes(&mut self, op: Op, ops: &[Value]) -> Result<(), InterpError> {
        let saved: Vec<Val> = ops.iter().map(|&v| self.get(v)).collect::<Result<_, _>>()?;
        let lens: Vec<usize> = saved
            .iter()
            .filter_map(|v| match v {
                Val::Vec(x) => Some(x.len()),
                Val::IVec(x) => Some(x.len()),
                _ => None,
            })
            .collect();
        let n = lens.first().copied().unwrap_or(0);
        if lens.iter().any(|&l| l != n) {
            return Err(InterpError::Malformed(
                "vector operands of different lengths".into(),
            ));
        }
        if self.ctx.num_results(op) != 1 {
            return Err(InterpError::Malformed(
                "vector op should have one result".into(),
            ));
        }
        let r = self.ctx.result(op, 0);
        let mut fl = Vec::with_capacity(n);
        let mut il = Vec::with_capacity(n);
        let mut result = Ok(());
        for k in 0..n {
            for (&v, s) in ops.iter().zip(&saved) {
                let lane = match s {
                    Val::Vec(x) => Val::F32(x[k]),
                    Val::IVec(x) => Val::Int(x[k]),
                    other => other.clone(),
                };
                self.env.insert(v, lane);
            }
            if let Err(e) = self.run_op(op) {
                result = Err(e);
                break;
            }
            match self.env.get(&r) {
                Some(Val::F32(x)) => fl.push(*x),
                Some(Val::Int(i)) => il.push(*i),
                _ => {
                    result = Err(InterpError::Malformed("vector lane is not a scalar".into()));
                    break;
                }
            }
        }
        for (&v, s) in ops.iter().zip(saved) {
            self.env.insert(v, s);
        }
        result?;
        let v = if il.is_empty() {
            Val::Vec(fl)
        } else if fl.is_empty() {
            Val::IVec(il)
        } else {
            return Err(InterpError::Malformed("mixed vector lanes".into()));
        };
        self.env.insert(r, v);
        Ok(())
    }

    fn run_for(&mut self, op: Op) -> Result<(), InterpError> {
        let ctx = self.ctx;
        let ops = ctx.operand_vec(op);
        let o = |i: usize| {
            ops.get(i)
                .copied()
                .ok_or_else(|| InterpError::Malformed("'loop.for' has too few operands".into()))
        };
        let (lb, ub, step) = (self.int(o(0)?)?, self.int(o(1)?)?, self.int(o(2)?)?);
        if step <= 0 {
            return Err(InterpError::Malformed(
                "loop.for step must be positive".into(),
            ));
        }
        let body = for_body(ctx, op)
            .ok_or_else(|| InterpError::Malformed("loop.for without body".into()))?;
        let args = ctx.block_args(body).to_vec();
        let Some(&iv) = args.first() else {
            return Err(InterpError::Malformed(
                "loop.for body has no induction variable".into(),
            ));
        };
        let mut carried: Vec<Val> = ops
            .get(3..)
            .unwrap_or(&[])
            .iter()
            .map(|&v| self.get(v))
            .collect::<Result<_, _>>()?;
        let mut i = lb;
        while i < ub {
            self.env.insert(iv, Val::Int(i));
            for (&a, c) in args[1..].iter().zip(&carried) {
                self.env.insert(a, c.clone());
            }
            carried = self.run_block(body)?;
            i = match i.checked_add(step) {
                Some(n) => n,
                None => break,
            };
        }
        for (k, c) in carried.into_iter().enumerate() {
            self.env.insert(ctx.result(op, k), c);
        }
        let _ = ForOp::NAME;
        Ok(())
    }
}

fn pred(ctx: &Context, op: Op) -> Result<i128, InterpError> {
    ctx.attr(op, "predicate")
        .and_then(|a| ctx.int_value(a))
        .ok_or_else(|| InterpError::Malformed("comparison without predicate".into()))
}

fn vector_len(ctx: &Context, t: dlc_ir::Type) -> Result<usize, InterpError> {
    match ctx.type_kind(t) {
        TypeKind::Vector { shape, .. } if shape.len() == 1 && shape[0] >= 0 => {
            Ok(shape[0] as usize)
        }
        _ => Err(InterpError::UnsupportedType("vector type".into())),
    }
}

/// Scalar f32 arithmetic of arith and math ops (element-wise for the
/// interpreter's purposes).
fn float_op(name: &str, x: &[f32]) -> Option<f32> {
    Some(match (name, x) {
        ("arith.addf", [a, b]) => a + b,
        ("arith.subf", [a, b]) => a - b,
        ("arith.mulf", [a, b]) => a * b,
        ("arith.divf", [a, b]) => a / b,
        ("arith.remf", [a, b]) => a % b,
        ("arith.maxnumf", [a, b]) => a.max(*b),
        ("arith.minnumf", [a, b]) => a.min(*b),
        ("arith.maximumf", [a, b]) => {
            if a.is_nan() || b.is_nan() {
                f32::NAN
            } else {
                a.max(*b)
            }
        }
        ("arith.minimumf", [a, b]) => {
            if a.is_nan() || b.is_nan() {
                f32::NAN
            } else {
                a.min(*b)
            }
        }
        ("arith.negf", [a]) => -a,
        ("math.exp", [a]) => a.exp(),
        ("math.log", [a]) => a.ln(),
        ("math.sqrt", [a]) => a.sqrt(),
        ("math.rsqrt", [a]) => 1.0 / a.sqrt(),
        ("math.tanh", [a]) => a.tanh(),
        ("math.absf", [a]) => a.abs(),
        ("math.floor", [a]) => a.floor(),
        ("math.ceil", [a]) => a.ceil(),
        ("math.sin", [a]) => a.sin(),
        ("math.cos", [a]) => a.cos(),
        ("math.powf", [a, b]) => a.powf(*b),
        ("math.fma", [a, b, c]) => a.mul_add(*b, *c),
        _ => return None,
    })
}
