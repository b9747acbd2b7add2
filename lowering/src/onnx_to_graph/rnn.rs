//! onnx-to-graph for RNN, GRU and LSTM: the recurrence unrolled over the
//! (static) sequence, each step matrix products with the gate weights
//! (`graph.matmul` with `transpose_b`), bias adds and the activations, the
//! steps' hidden states concatenated into Y. Forward, reverse and
//! bidirectional; layout 0 and 1; clip; the ONNX activation functions with
//! their alpha/beta; LSTM peepholes; GRU's linear_before_reset.
//! `sequence_lens` must equal the sequence length for every batch entry.

use super::{LowerFn, LowerResult, build, operands, reshape, scalar_constant, shape_of};
use dlc_ir::rewrite::PatternRewriter;
use dlc_ir::{Attr, Op, Type, Value};

/// The lowering of onnx op `name`, if it is one of this module's.
pub(crate) fn lowering(name: &str) -> Option<LowerFn> {
    match name {
        "onnx.RNN" | "onnx.GRU" | "onnx.LSTM" => Some(lower_rnn),
        _ => None,
    }
}

struct Ctx<'a, 'r> {
    rw: &'a mut PatternRewriter<'r>,
    loc: Attr,
    elem: Type,
}

impl Ctx<'_, '_> {
    /// `x[k]` along `axis`, that axis removed.
    fn take(&mut self, x: Value, axis: usize, k: i64) -> LowerResult<Value> {
        let s = shape_of(self.rw.ctx, x)?;
        let mut out = s.clone();
        out[axis] = 1;
        let t = self.rw.ctx.tensor_type(&out, self.elem);
        let mut st = vec![0i64; s.len()];
        st[axis] = k;
        let a = self.rw.ctx.dense_i64_array(&st);
        let b = self.rw.ctx.dense_i64_array(&vec![1; s.len()]);
        let sl = self.rw.create_op(
            "graph.slice",
            self.loc,
            &[x],
            &[t],
            vec![("starts", a), ("steps", b)],
        );
        let v = self.rw.ctx.result(sl, 0);
        out.remove(axis);
        reshape(self.rw, self.loc, v, &out)
    }
    /// Rows `[g*h, (g+1)*h)` of a 2-D matrix (or elements of a vector).
    fn rows(&mut self, x: Value, g: i64, h: i64) -> LowerResult<Value> {
        let s = shape_of(self.rw.ctx, x)?;
        let mut out = s.clone();
        out[0] = h;
        let t = self.rw.ctx.tensor_type(&out, self.elem);
        let mut st = vec![0i64; s.len()];
        st[0] = g * h;
        let a = self.rw.ctx.dense_i64_array(&st);
        let b = self.rw.ctx.dense_i64_array(&vec![1; s.len()]);
        let sl = self.rw.create_op(
            "graph.slice",
            self.loc,
            &[x],
            &[t],
            vec![("starts", a), ("steps", b)],
        );
        Ok(self.rw.ctx.result(sl, 0))
    }
    fn op(&mut self, name: &str, ins: &[Value]) -> LowerResult<Value> {
        build(self.rw, self.loc, name, ins, vec![])
    }
    /// `x @ w^T` for x (batch, k) and w (h, k).
    fn linear(&mut self, x: Value, w: Value) -> LowerResult<Value> {
        let u = self.rw.ctx.unit_attr();
        build(
            self.rw,
            self.loc,
            "graph.matmul",
            &[x, w],
            vec![("transpose_b", u)],
        )
    }
    fn kind(&mut self, kind: &str, x: Value, attrs: Vec<(&'static str, Attr)>) -> Value {
        let t = self.rw.ctx.value_type(x);
        let k = self.rw.ctx.string_attr(kind);
        let mut a = vec![("kind", k)];
        a.extend(attrs);
        let e = self.rw.create_op(
            dlc_graph::elementwise::ElementwiseOp::NAME,
            self.loc,
            &[x],
            &[t],
            a,
        );
        self.rw.ctx.result(e, 0)
    }
    fn scalar(&mut self, v: f64) -> LowerResult<Value> {
        scalar_constant(self.rw, self.loc, self.elem, v)
    }
    /// An ONNX RNN activation function by name.
    fn act(
        &mut self,
        name: &str,
        alpha: Option<f64>,
        beta: Option<f64>,
        x: Value,
    ) -> LowerResult<Value> {
        let f32t = self.rw.ctx.f32();
        let fa = |rw: &mut PatternRewriter<'_>, v: f64| rw.ctx.float_attr(f32t, v);
        Ok(match name.to_ascii_lowercase().as_str() {
            "relu" => self.op("graph.relu", &[x])?,
            "tanh" => self.op("graph.tanh", &[x])?,
            "sigmoid" => self.op("graph.sigmoid", &[x])?,
            "affine" => {
                let a = self.scalar(alpha.unwrap_or(1.0))?;
                let b = self.scalar(beta.unwrap_or(0.0))?;
                let m = self.op("graph.mul", &[x, a])?;
                self.op("graph.add", &[m, b])?
            }
            "scaledtanh" => {
                let a = self.scalar(alpha.unwrap_or(1.0))?;
                let b = self.scalar(beta.unwrap_or(1.0))?;
                let m = self.op("graph.mul", &[x, b])?;
                let t = self.op("graph.tanh", &[m])?;
                self.op("graph.mul", &[t, a])?
            }
            "leakyrelu" => {
                let a = fa(self.rw, alpha.unwrap_or(0.01));
                self.kind("leaky_relu", x, vec![("alpha", a)])
            }
            "thresholdedrelu" => {
                let a = fa(self.rw, alpha.unwrap_or(1.0));
                self.kind("thresholded_relu", x, vec![("alpha", a)])
            }
            "hardsigmoid" => {
                let a = fa(self.rw, alpha.unwrap_or(0.2));
                let b = fa(self.rw, beta.unwrap_or(0.5));
                self.kind("hard_sigmoid", x, vec![("alpha", a), ("beta", b)])
            }
            "elu" => {
                let a = fa(self.rw, alpha.unwrap_or(1.0));
                self.kind("elu", x, vec![("alpha", a)])
            }
            "softsign" => self.kind("softsign", x, vec![]),
            "softplus" => self.kind("softplus", x, vec![]),
            other => return Err(format!("unknown activation '{other}'")),
        })
    }
}

fn is_empty(rw: &PatternRewriter<'_>, v: Option<Value>) -> bool {
    v.is_none_or(|v| {
        rw.ctx
            .shape(rw.ctx.value_type(v))
            .is_some_and(|s| s.contains(&0))
    })
}

fn lower_rnn(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let name = rw
        .ctx
        .op_name_str(op)
        .trim_start_matches("onnx.")
        .to_string();
    let g = dlc_onnx::rnn::gates(&name).ok_or("not a recurrent op")?;
    let ins = operands(rw.ctx, op);
    let opt = |k: usize| ins.get(k).copied();
    let (x, w, r) = (ins[0], ins[1], ins[2]);
    let xs = shape_of(rw.ctx, x)?;
    let ws = shape_of(rw.ctx, w)?;
    if xs.iter().chain(&ws).any(|&d| d < 0) {
        return Err("needs static shapes".into());
    }
    let elem = rw.ctx.element_type(rw.ctx.value_type(x));
    if !rw.ctx.is_float(elem) {
        return Err("needs floating-point data".into());
    }
    let ia = |rw: &PatternRewriter<'_>, n: &str, d: i64| {
        rw.ctx
            .attr(op, n)
            .and_then(|a| rw.ctx.int_value(a))
            .map_or(d, |v| v as i64)
    };
    let layout = ia(rw, "layout", 0);
    let (seq, batch) = if layout == 0 {
        (xs[0], xs[1])
    } else {
        (xs[1], xs[0])
    };
    let dirs = ws[0];
    let h = ia(rw, "hidden_size", ws[1] / g);
    let lbr = ia(rw, "linear_before_reset", 0) != 0;
    if ia(rw, "input_forget", 0) != 0 {
        return Err("input_forget is not supported".into());
    }
    let direction = rw
        .ctx
        .attr(op, "direction")
        .and_then(|a| rw.ctx.string_value(a))
        .unwrap_or("forward")
        .to_string();
    let clip = rw.ctx.attr(op, "clip").and_then(|a| rw.ctx.float_value(a));
    let strs = |rw: &PatternRewriter<'_>, n: &str| -> Vec<String> {
        rw.ctx
            .attr(op, n)
            .and_then(|a| rw.ctx.array_value(a))
            .map(|v| {
                v.iter()
                    .filter_map(|&x| rw.ctx.string_value(x).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let floats = |rw: &PatternRewriter<'_>, n: &str| -> Vec<f64> {
        rw.ctx
            .attr(op, n)
            .and_then(|a| rw.ctx.array_value(a))
            .map(|v| v.iter().filter_map(|&x| rw.ctx.float_value(x)).collect())
            .unwrap_or_default()
    };
    let nacts = match g {
        1 => 1,
        3 => 2,
        _ => 3,
    };
    let mut acts = strs(rw, "activations");
    let defaults: &[&str] = match g {
        1 => &["Tanh"],
        3 => &["Sigmoid", "Tanh"],
        _ => &["Sigmoid", "Tanh", "Tanh"],
    };
    if acts.is_empty() {
        for _ in 0..dirs {
            acts.extend(defaults.iter().map(|s| s.to_string()));
        }
    }
    if acts.len() != (nacts * dirs) as usize {
        return Err(format!(
            "needs {} activations, got {}",
            nacts * dirs,
            acts.len()
        ));
    }
    let (alphas, betas) = (
        floats(rw, "activation_alpha"),
        floats(rw, "activation_beta"),
    );
    // sequence_lens: all entries must be the full length.
    if !is_empty(rw, opt(4)) {
        let sl = opt(4).and_then(|v| {
            let d = rw.ctx.defining_op(v)?;
            matches!(rw.ctx.op_name_str(d), "onnx.Constant" | "graph.constant")
                .then(|| rw.ctx.attr(d, "value"))
                .flatten()
                .and_then(|a| dlc_onnx::const_ints(rw.ctx, a))
        });
        match sl {
            Some(v) if v.iter().all(|&l| l == seq) => {}
            _ => return Err("sequence_lens shorter than the sequence are not supported".into()),
        }
    }
    let f_elem = elem;
    let mut c = Ctx {
        rw,
        loc,
        elem: f_elem,
    };
    // X as (seq, batch, input).
    let xt = if layout == 0 {
        x
    } else {
        let p = c.rw.ctx.dense_i64_array(&[1, 0, 2]);
        build(c.rw, loc, "graph.transpose", &[x], vec![("perm", p)])?
    };
    let zeros = |c: &mut Ctx<'_, '_>| -> LowerResult<Value> {
        let t = c.rw.ctx.tensor_type(&[batch, h], f_elem);
        let n = (batch * h) as usize;
        let a = dlc_ir::dense::dense_from_f64(c.rw.ctx, t, &vec![0.0; n]).ok_or("zeros")?;
        let k =
            c.rw.create_op("graph.constant", loc, &[], &[t], vec![("value", a)]);
        Ok(c.rw.ctx.result(k, 0))
    };
    let mut ys: Vec<Vec<Value>> = Vec::new(); // per direction, per time
    let mut last_h = Vec::new();
    let mut last_c = Vec::new();
    for d in 0..dirs {
        let reverse = direction == "reverse" || (direction == "bidirectional" && d == 1);
        let wd = c.take(w, 0, d)?; // (G*h, input)
        let rd = c.take(r, 0, d)?; // (G*h, h)
        let bias = if is_empty(c.rw, opt(3)) {
            None
        } else {
            Some(c.take(opt(3).unwrap_or(x), 0, d)?) // (2*G*h)
        };
        let gate = |c: &mut Ctx<'_, '_>,
                    k: i64|
         -> LowerResult<(Value, Value, Option<Value>, Option<Value>)> {
            let wk = c.rows(wd, k, h)?;
            let rk = c.rows(rd, k, h)?;
            let (wb, rb) = match bias {
                Some(b) => (Some(c.rows(b, k, h)?), Some(c.rows(b, g + k, h)?)),
                None => (None, None),
            };
            Ok((wk, rk, wb, rb))
        };
        let gates: Vec<_> = (0..g)
            .map(|k| gate(&mut c, k))
            .collect::<LowerResult<_>>()?;
        let peep = if g == 4 && !is_empty(c.rw, opt(7)) {
            let p = c.take(opt(7).unwrap_or(x), 0, d)?;
            Some([c.rows(p, 0, h)?, c.rows(p, 1, h)?, c.rows(p, 2, h)?])
        } else {
            None
        };
        let mut hs = if is_empty(c.rw, opt(5)) {
            zeros(&mut c)?
        } else {
            c.take(opt(5).unwrap_or(x), 0, d)?
        };
        let mut cs = if g == 4 {
            Some(if is_empty(c.rw, opt(6)) {
                zeros(&mut c)?
            } else {
                c.take(opt(6).unwrap_or(x), 0, d)?
            })
        } else {
            None
        };
        let base = (d * nacts) as usize;
        let actf = |c: &mut Ctx<'_, '_>, k: usize, v: Value| -> LowerResult<Value> {
            let i = base + k;
            c.act(&acts[i], alphas.get(i).copied(), betas.get(i).copied(), v)
        };
        let clipped = |c: &mut Ctx<'_, '_>, v: Value| -> LowerResult<Value> {
            match clip {
                Some(cl) => {
                    let f32t = c.rw.ctx.f32();
                    let lo = c.rw.ctx.float_attr(f32t, -cl);
                    let hi = c.rw.ctx.float_attr(f32t, cl);
                    build(
                        c.rw,
                        loc,
                        "graph.clamp",
                        &[v],
                        vec![("min", lo), ("max", hi)],
                    )
                }
                None => Ok(v),
            }
        };
        // pre-activation of gate k: X Wk^T + Wbk (+ H Rk^T + Rbk).
        let mut per_t = vec![None; seq as usize];
        let order: Vec<i64> = if reverse {
            (0..seq).rev().collect()
        } else {
            (0..seq).collect()
        };
        for t in order {
            let xt_t = c.take(xt, 0, t)?; // (batch, input)
            let pre = |c: &mut Ctx<'_, '_>, k: usize, hprev: Option<Value>| -> LowerResult<Value> {
                let (wk, rk, wb, rb) = gates[k];
                let mut v = c.linear(xt_t, wk)?;
                if let Some(b) = wb {
                    v = c.op("graph.add", &[v, b])?;
                }
                if let Some(hp) = hprev {
                    let hr = c.linear(hp, rk)?;
                    v = c.op("graph.add", &[v, hr])?;
                    if let Some(b) = rb {
                        v = c.op("graph.add", &[v, b])?;
                    }
                }
                Ok(v)
            };
            match g {
                1 => {
                    let p = pre(&mut c, 0, Some(hs))?;
                    let p = clipped(&mut c, p)?;
                    hs = actf(&mut c, 0, p)?;
                }
                3 => {
                    let z = pre(&mut c, 0, Some(hs))?;
                    let z = clipped(&mut c, z)?;
                    let z = actf(&mut c, 0, z)?;
                    let rg = pre(&mut c, 1, Some(hs))?;
                    let rg = clipped(&mut c, rg)?;
                    let rg = actf(&mut c, 0, rg)?;
                    let (wk, rk, wb, rb) = gates[2];
                    let mut hh = c.linear(xt_t, wk)?;
                    if let Some(b) = wb {
                        hh = c.op("graph.add", &[hh, b])?;
                    }
                    let rec = if lbr {
                        let mut v = c.linear(hs, rk)?;
                        if let Some(b) = rb {
                            v = c.op("graph.add", &[v, b])?;
                        }
                        c.op("graph.mul", &[rg, v])?
                    } else {
                        let rh = c.op("graph.mul", &[rg, hs])?;
                        let mut v = c.linear(rh, rk)?;
                        if let Some(b) = rb {
                            v = c.op("graph.add", &[v, b])?;
                        }
                        v
                    };
                    hh = c.op("graph.add", &[hh, rec])?;
                    let hh = clipped(&mut c, hh)?;
                    let hh = actf(&mut c, 1, hh)?;
                    // H = (1 - z) * hh + z * H
                    let one = c.scalar(1.0)?;
                    let omz = c.op("graph.sub", &[one, z])?;
                    let a = c.op("graph.mul", &[omz, hh])?;
                    let b = c.op("graph.mul", &[z, hs])?;
                    hs = c.op("graph.add", &[a, b])?;
                }
                _ => {
                    let cprev = cs.ok_or("LSTM needs a cell state")?;
                    let mut ig = pre(&mut c, 0, Some(hs))?;
                    let mut og = pre(&mut c, 1, Some(hs))?;
                    let mut fg = pre(&mut c, 2, Some(hs))?;
                    let cg = pre(&mut c, 3, Some(hs))?;
                    if let Some([pi, _, pf]) = peep {
                        let a = c.op("graph.mul", &[cprev, pi])?;
                        ig = c.op("graph.add", &[ig, a])?;
                        let b = c.op("graph.mul", &[cprev, pf])?;
                        fg = c.op("graph.add", &[fg, b])?;
                    }
                    let ig = clipped(&mut c, ig)?;
                    let ig = actf(&mut c, 0, ig)?;
                    let fg = clipped(&mut c, fg)?;
                    let fg = actf(&mut c, 0, fg)?;
                    let cg = clipped(&mut c, cg)?;
                    let cg = actf(&mut c, 1, cg)?;
                    let a = c.op("graph.mul", &[fg, cprev])?;
                    let b = c.op("graph.mul", &[ig, cg])?;
                    let cnew = c.op("graph.add", &[a, b])?;
                    if let Some([_, po, _]) = peep {
                        let p = c.op("graph.mul", &[cnew, po])?;
                        og = c.op("graph.add", &[og, p])?;
                    }
                    let og = clipped(&mut c, og)?;
                    let og = actf(&mut c, 0, og)?;
                    let hc = actf(&mut c, 2, cnew)?;
                    hs = c.op("graph.mul", &[og, hc])?;
                    cs = Some(cnew);
                }
            }
            per_t[t as usize] = Some(hs);
        }
        ys.push(
            per_t
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .ok_or("empty sequence")?,
        );
        last_h.push(hs);
        if let Some(cv) = cs {
            last_c.push(cv);
        }
    }
    // Y (seq, dirs, batch, h); Y_h, Y_c (dirs, batch, h).
    let mut steps = Vec::new();
    for t in 0..seq as usize {
        let mut per_dir = Vec::new();
        for yd in &ys {
            per_dir.push(reshape(c.rw, loc, yd[t], &[1, 1, batch, h])?);
        }
        steps.push(if per_dir.len() == 1 {
            per_dir[0]
        } else {
            let a = c.rw.ctx.i64_attr(1);
            build(c.rw, loc, "graph.concat", &per_dir, vec![("axis", a)])?
        });
    }
    let mut y = if steps.len() == 1 {
        steps[0]
    } else {
        let a = c.rw.ctx.i64_attr(0);
        build(c.rw, loc, "graph.concat", &steps, vec![("axis", a)])?
    };
    let stack = |c: &mut Ctx<'_, '_>, v: &[Value]| -> LowerResult<Value> {
        let parts: Vec<Value> = v
            .iter()
            .map(|&x| reshape(c.rw, loc, x, &[1, batch, h]))
            .collect::<LowerResult<_>>()?;
        if parts.len() == 1 {
            return Ok(parts[0]);
        }
        let a = c.rw.ctx.i64_attr(0);
        build(c.rw, loc, "graph.concat", &parts, vec![("axis", a)])
    };
    let mut yh = stack(&mut c, &last_h)?;
    let mut yc = if last_c.is_empty() {
        None
    } else {
        Some(stack(&mut c, &last_c)?)
    };
    if layout != 0 {
        let p = c.rw.ctx.dense_i64_array(&[2, 0, 1, 3]);
        y = build(c.rw, loc, "graph.transpose", &[y], vec![("perm", p)])?;
        let p = c.rw.ctx.dense_i64_array(&[1, 0, 2]);
        yh = build(c.rw, loc, "graph.transpose", &[yh], vec![("perm", p)])?;
        if let Some(v) = yc {
            let p = c.rw.ctx.dense_i64_array(&[1, 0, 2]);
            yc = Some(build(
                c.rw,
                loc,
                "graph.transpose",
                &[v],
                vec![("perm", p)],
            )?);
        }
    }
    let mut out = vec![y, yh];
    if let Some(v) = yc {
        out.push(v);
    }
    out.truncate(c.rw.ctx.num_results(op));
    Ok(out)
}
