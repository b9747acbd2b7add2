//! A reference interpreter for the graph level: evaluates a `func.func` of
//! graph ops (including `graph.fused` groups) on f32 data, so a lowering
//! into graph (or a graph rewrite such as `--fuse-ops`) can be checked
//! numerically without the levels below. Straightforward loops, no speed.

use dlc_ir::{Attr, AttrKind, Context, Op, Value};
use rustc_hash::FxHashMap;
use std::fmt;

/// A dense row-major f32 tensor.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

impl Tensor {
    pub fn new(shape: Vec<usize>, data: Vec<f32>) -> Result<Tensor, InterpError> {
        if shape.iter().product::<usize>() != data.len() {
            return Err(InterpError(format!(
                "{} values do not fill shape {shape:?}",
                data.len()
            )));
        }
        Ok(Tensor { shape, data })
    }
}

/// Why evaluation failed (unsupported op or type, bad input).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterpError(pub String);

impl fmt::Display for InterpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InterpError {}

type R<T> = Result<T, InterpError>;

fn err<T>(m: impl Into<String>) -> R<T> {
    Err(InterpError(m.into()))
}

/// Evaluates `func` (a verified `func.func` whose body is one block of
/// graph ops) on `inputs`, returning the values of its `return`.
pub fn run_function(ctx: &Context, func: Op, inputs: &[Tensor]) -> R<Vec<Tensor>> {
    let Some(&region) = ctx.regions(func).first() else {
        return err("the function has no body");
    };
    let Some(block) = ctx.region_first_block(region) else {
        return err("the function has no body");
    };
    run_block(ctx, block, inputs)
}

fn run_block(ctx: &Context, block: dlc_ir::Block, inputs: &[Tensor]) -> R<Vec<Tensor>> {
    let args = ctx.block_args(block);
    if args.len() != inputs.len() {
        return err(format!(
            "expected {} inputs, got {}",
            args.len(),
            inputs.len()
        ));
    }
    let mut env: FxHashMap<Value, Tensor> = FxHashMap::default();
    for (&a, t) in args.iter().zip(inputs) {
        let want = static_shape(ctx, a)?;
        if want != t.shape {
            return err(format!("input has shape {:?}, expected {want:?}", t.shape));
        }
        env.insert(a, t.clone());
    }
    for op in ctx.block_ops(block) {
        let name = ctx.op_name_str(op);
        let ins: Vec<&Tensor> = ctx
            .operands(op)
            .map(|v| {
                env.get(&v)
                    .ok_or_else(|| InterpError(format!("'{name}' uses an unknown value")))
            })
            .collect::<R<_>>()?;
        if name == "func.return" || name == "graph.yield" {
            return Ok(ins.into_iter().cloned().collect());
        }
        let outs = if name == "graph.fused" {
            let Some(b) = ctx
                .regions(op)
                .first()
                .and_then(|&r| ctx.region_first_block(r))
            else {
                return err("'graph.fused' has no body");
            };
            let owned: Vec<Tensor> = ins.into_iter().cloned().collect();
            run_block(ctx, b, &owned)?
        } else {
            vec![eval_op(ctx, op, &ins)?]
        };
        if outs.len() != ctx.num_results(op) {
            return err(format!("'{name}' produced the wrong number of results"));
        }
        for (r, t) in ctx.results(op).zip(outs) {
            env.insert(r, t);
        }
    }
    err("the block has no terminator")
}

fn static_shape(ctx: &Context, v: Value) -> R<Vec<usize>> {
    let t = ctx.value_type(v);
    let Some(s) = ctx.shape(t) else {
        return err("only ranked tensors are supported");
    };
    s.iter()
        .map(|&d| {
            usize::try_from(d).map_err(|_| InterpError("dynamic shapes are not supported".into()))
        })
        .collect()
}

fn ints(ctx: &Context, op: Op, name: &str, default: &[i64]) -> Vec<i64> {
    ctx.attr(op, name)
        .and_then(|a| ctx.dense_int_array(a))
        .unwrap_or_else(|| default.to_vec())
}

fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

/// Calls `f(out_index, in_offset)` for every output element, where the
/// input of shape `ins` is numpy-broadcast to `out`.
fn broadcast_offsets(ins: &[usize], out: &[usize]) -> Vec<usize> {
    let n: usize = out.iter().product();
    let pad = out.len() - ins.len();
    let is = strides(ins);
    let mut offs = Vec::with_capacity(n);
    let mut idx = vec![0usize; out.len()];
    for _ in 0..n {
        let mut o = 0;
        for (d, &i) in idx.iter().enumerate().skip(pad) {
            let k = d - pad;
            if ins[k] != 1 {
                o += i * is[k];
            }
        }
        offs.push(o);
        for d in (0..idx.len()).rev() {
            idx[d] += 1;
            if idx[d] < out[d] {
                break;
            }
            idx[d] = 0;
        }
    }
    offs
}

pub(crate) fn constant_values(ctx: &Context, a: Attr) -> R<Vec<f32>> {
    let why = match ctx.attr_kind(a) {
        AttrKind::DenseElements { .. } => "only float constants are supported",
        AttrKind::DenseResource { .. } => {
            "only f32 resources whose blob matches their type are supported"
        }
        _ => "unsupported constant attribute",
    };
    dlc_ir::dense::f32_values(ctx, a).ok_or_else(|| InterpError(why.into()))
}

fn eval_op(ctx: &Context, op: Op, ins: &[&Tensor]) -> R<Tensor> {
    let name = ctx.op_name_str(op);
    if ctx.num_results(op) != 1 {
        return err(format!("'{name}' must have one result"));
    }
    let out_shape = static_shape(ctx, ctx.result(op, 0))?;
    let n: usize = out_shape.iter().product();
    let arg = |i: usize| -> R<&Tensor> {
        ins.get(i)
            .copied()
            .ok_or_else(|| InterpError(format!("'{name}' is missing operand #{i}")))
    };
    let data: Vec<f32> = match name {
        "graph.constant" => {
            let a = ctx
                .attr(op, "value")
                .ok_or_else(|| InterpError("constant without value".into()))?;
            let v = constant_values(ctx, a)?;
            if v.len() != n {
                return err("constant size does not match its type");
            }
            v
        }
        "graph.relu" | "graph.sigmoid" | "graph.tanh" | "graph.exp" | "graph.sqrt"
        | "graph.clamp" => {
            let x = arg(0)?;
            let lo = ctx.attr(op, "min").and_then(|a| ctx.float_value(a));
            let hi = ctx.attr(op, "max").and_then(|a| ctx.float_value(a));
            x.data
                .iter()
                .map(|&v| match name {
                    "graph.relu" => v.max(0.0),
                    "graph.sigmoid" => 1.0 / (1.0 + (-v).exp()),
                    "graph.tanh" => v.tanh(),
                    "graph.exp" => v.exp(),
                    "graph.sqrt" => v.sqrt(),
                    _ => {
                        let v = lo.map_or(v, |l| v.max(l as f32));
                        hi.map_or(v, |h| v.min(h as f32))
                    }
                })
                .collect()
        }
        "graph.add" | "graph.sub" | "graph.mul" | "graph.div" | "graph.max" | "graph.min" => {
            let (a, b) = (arg(0)?, arg(1)?);
            let oa = broadcast_offsets(&a.shape, &out_shape);
            let ob = broadcast_offsets(&b.shape, &out_shape);
            oa.iter()
                .zip(&ob)
                .map(|(&i, &j)| {
                    let (x, y) = (a.data[i], b.data[j]);
                    match name {
                        "graph.add" => x + y,
                        "graph.sub" => x - y,
                        "graph.mul" => x * y,
                        "graph.div" => x / y,
                        "graph.max" => x.max(y),
                        _ => x.min(y),
                    }
                })
                .collect()
        }
        "graph.broadcast_to" => {
            let x = arg(0)?;
            broadcast_offsets(&x.shape, &out_shape)
                .into_iter()
                .map(|i| x.data[i])
                .collect()
        }
        "graph.reshape" => arg(0)?.data.clone(),
        "graph.transpose" => {
            let x = arg(0)?;
            let perm = ints(ctx, op, "perm", &[]);
            let xs = strides(&x.shape);
            let mut out = Vec::with_capacity(n);
            let mut idx = vec![0usize; out_shape.len()];
            for _ in 0..n {
                let src: usize = idx
                    .iter()
                    .zip(&perm)
                    .map(|(&i, &p)| i * xs[p as usize])
                    .sum();
                out.push(x.data[src]);
                for d in (0..idx.len()).rev() {
                    idx[d] += 1;
                    if idx[d] < out_shape[d] {
                        break;
                    }
                    idx[d] = 0;
                }
            }
            out
        }
        "graph.concat" => {
            let axis = ctx
                .attr(op, "axis")
                .and_then(|a| ctx.int_value(a))
                .unwrap_or(0) as i64;
            let rank = out_shape.len() as i64;
            let axis = if axis < 0 { axis + rank } else { axis } as usize;
            let outer: usize = out_shape[..axis].iter().product();
            let mut out = Vec::with_capacity(n);
            for o in 0..outer {
                for x in ins {
                    let chunk: usize = x.shape[axis..].iter().product();
                    out.extend_from_slice(&x.data[o * chunk..(o + 1) * chunk]);
                }
            }
            out
        }
        "graph.softmax" => {
            let x = arg(0)?;
            let rank = out_shape.len() as i64;
            let axis = ctx
                .attr(op, "axis")
                .and_then(|a| ctx.int_value(a))
                .unwrap_or(-1) as i64;
            let axis = if axis < 0 { axis + rank } else { axis } as usize;
            let len = out_shape[axis];
            let inner: usize = out_shape[axis + 1..].iter().product();
            let outer: usize = out_shape[..axis].iter().product();
            let mut out = x.data.clone();
            for o in 0..outer {
                for i in 0..inner {
                    let at = |k: usize| o * len * inner + k * inner + i;
                    let m = (0..len)
                        .map(|k| x.data[at(k)])
                        .fold(f32::NEG_INFINITY, f32::max);
                    let s: f32 = (0..len).map(|k| (x.data[at(k)] - m).exp()).sum();
                    for k in 0..len {
                        out[at(k)] = (x.data[at(k)] - m).exp() / s;
                    }
                }
            }
            out
        }
        "graph.matmul" => {
            let (a, b) = (arg(0)?, arg(1)?);
            let (ta, tb) = (
                ctx.attr(op, "transpose_a").is_some(),
                ctx.attr(op, "transpose_b").is_some(),
            );
            let (ra, rb) = (a.shape.len(), b.shape.len());
            let (m, k) = if ta {
                (a.shape[ra - 1], a.shape[ra - 2])
            } else {
                (a.shape[ra - 2], a.shape[ra - 1])
            };
            let nn = if tb { b.shape[rb - 2] } else { b.shape[rb - 1] };
            let batch = &out_shape[..out_shape.len() - 2];
            let oa = broadcast_offsets(&a.shape[..ra - 2], batch);
            let ob = broadcast_offsets(&b.shape[..rb - 2], batch);
            let (sa, sb) = (m * k, k * nn);
            let mut out = vec![0f32; n];
            for (bi, (&ia, &ib)) in oa.iter().zip(&ob).enumerate() {
                let (pa, pb) = (&a.data[ia * sa..], &b.data[ib * sb..]);
                for i in 0..m {
                    for j in 0..nn {
                        let mut acc = 0f32;
                        for p in 0..k {
                            let x = if ta { pa[p * m + i] } else { pa[i * k + p] };
                            let y = if tb { pb[j * k + p] } else { pb[p * nn + j] };
                            acc += x * y;
                        }
                        out[bi * m * nn + i * nn + j] = acc;
                    }
                }
            }
            out
        }
        "graph.conv2d" => {
            let (x, w) = (arg(0)?, arg(1)?);
            let bias = ins.get(2).copied();
            let st = ints(ctx, op, "strides", &[1, 1]);
            let pd = ints(ctx, op, "padding", &[0; 4]);
            let dl = ints(ctx, op, "dilations", &[1, 1]);
            let g = ctx
                .attr(op, "groups")
                .and_then(|a| ctx.int_value(a))
                .unwrap_or(1) as usize;
            let (nb, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
            let (o, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3]);
            let (oh, ow) = (out_shape[2], out_shape[3]);
            let og = o / g.max(1);
            let mut out = vec![0f32; n];
            for b in 0..nb {
                for oc in 0..o {
                    let grp = oc / og.max(1);
                    for y in 0..oh {
                        for xx in 0..ow {
                            let mut acc = bias.map_or(0.0, |t| t.data[oc]);
                            for ic in 0..cg {
                                let cin = grp * cg + ic;
                                for ky in 0..kh {
                                    let iy = (y as i64) * st[0] + (ky as i64) * dl[0] - pd[0];
                                    if iy < 0 || iy >= h as i64 {
                                        continue;
                                    }
                                    for kx in 0..kw {
                                        let ix = (xx as i64) * st[1] + (kx as i64) * dl[1] - pd[1];
                                        if ix < 0 || ix >= wd as i64 {
                                            continue;
                                        }
                                        acc += x.data
                                            [((b * c + cin) * h + iy as usize) * wd + ix as usize]
                                            * w.data[((oc * cg + ic) * kh + ky) * kw + kx];
                                    }
                                }
                            }
                            out[((b * o + oc) * oh + y) * ow + xx] = acc;
                        }
                    }
                }
            }
            out
        }
        "graph.max_pool2d" | "graph.avg_pool2d" => {
            let x = arg(0)?;
            let k = ints(ctx, op, "kernel", &[1, 1]);
            let st = ints(ctx, op, "strides", &[1, 1]);
            let pd = ints(ctx, op, "padding", &[0; 4]);
            let include = ctx.attr(op, "count_include_pad").is_some();
            let is_max = name == "graph.max_pool2d";
            let (nb, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
            let (oh, ow) = (out_shape[2], out_shape[3]);
            let (h, wd2) = (h as i64, wd as i64);
            let mut out = Vec::with_capacity(n);
            for bc in 0..nb * c {
                for y in 0..oh as i64 {
                    for xx in 0..ow as i64 {
                        let (y0, x0) = (y * st[0] - pd[0], xx * st[1] - pd[1]);
                        let mut acc = if is_max { f32::NEG_INFINITY } else { 0.0 };
                        let mut count = 0usize;
                        for iy in y0..y0 + k[0] {
                            for ix in x0..x0 + k[1] {
                                let inside = iy >= 0 && iy < h && ix >= 0 && ix < wd2;
                                let in_pad = iy >= -pd[0]
                                    && iy < h + pd[2]
                                    && ix >= -pd[1]
                                    && ix < wd2 + pd[3];
                                if inside {
                                    let v =
                                        x.data[(bc * h as usize + iy as usize) * wd + ix as usize];
                                    acc = if is_max { acc.max(v) } else { acc + v };
                                    count += 1;
                                } else if include && in_pad {
                                    count += 1;
                                }
                            }
                        }
                        out.push(if is_max {
                            acc
                        } else {
                            acc / count.max(1) as f32
                        });
                    }
                }
            }
            out
        }
        "graph.global_avg_pool2d" => {
            let x = arg(0)?;
            let hw: usize = x.shape[2..].iter().product();
            x.data
                .chunks(hw.max(1))
                .map(|c| c.iter().sum::<f32>() / hw.max(1) as f32)
                .collect()
        }
        "graph.batch_norm" => {
            let x = arg(0)?;
            let (sc, bi, mean, var) = (arg(1)?, arg(2)?, arg(3)?, arg(4)?);
            let eps = ctx
                .attr(op, "epsilon")
                .and_then(|a| ctx.float_value(a))
                .unwrap_or(1e-5) as f32;
            let c = x.shape[1];
            let inner: usize = x.shape[2..].iter().product();
            x.data
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let ch = (i / inner.max(1)) % c;
                    (v - mean.data[ch]) / (var.data[ch] + eps).sqrt() * sc.data[ch] + bi.data[ch]
                })
                .collect()
        }
        "graph.reduce_sum" | "graph.reduce_mean" | "graph.reduce_max" => {
            let x = arg(0)?;
            let rank = x.shape.len();
            let axes: Vec<usize> = ints(ctx, op, "axes", &[])
                .into_iter()
                .map(|a| if a < 0 { a + rank as i64 } else { a } as usize)
                .collect();
            let reduced = |d: usize| axes.is_empty() || axes.contains(&d);
            // Output index of each input element (reduced dims collapse).
            let keep: Vec<usize> = (0..rank).filter(|&d| !reduced(d)).collect();
            let kshape: Vec<usize> = keep.iter().map(|&d| x.shape[d]).collect();
            let ks = strides(&kshape);
            let mut acc = vec![
                if name == "graph.reduce_max" {
                    f32::NEG_INFINITY
                } else {
                    0.0
                };
                n
            ];
            let mut idx = vec![0usize; rank];
            for &v in &x.data {
                let o: usize = keep.iter().zip(&ks).map(|(&d, &s)| idx[d] * s).sum();
                acc[o] = if name == "graph.reduce_max" {
                    acc[o].max(v)
                } else {
                    acc[o] + v
                };
                for d in (0..rank).rev() {
                    idx[d] += 1;
                    if idx[d] < x.shape[d] {
                        break;
                    }
                    idx[d] = 0;
                }
            }
            if name == "graph.reduce_mean" {
                let cnt = (x.data.len() / n.max(1)).max(1) as f32;
                acc.iter_mut().for_each(|a| *a /= cnt);
            }
            acc
        }
        _ => {
            return err(format!(
                "'{name}' is not supported by the graph interpreter"
            ));
        }
    };
    if data.len() != n {
        return err(format!("'{name}' produced {} values for {n}", data.len()));
    }
    Ok(Tensor {
        shape: out_shape,
        data,
    })
}
