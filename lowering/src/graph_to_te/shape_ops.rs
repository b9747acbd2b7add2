//! graph-to-te for the shape-manipulation ops: each is one `te.compute`
//! whose body computes the source index of every result element (strided
//! reads, gathers through index tensors with negative indices wrapped and
//! out-of-range ones clamped, padding modes, triangles, one-hot, and the
//! cumulative sum as a masked reduction).

use super::{B, Bin, compute, int_attr, ints_attr, lowest, shape_of};
use dlc_ir::rewrite::PatternRewriter;
use dlc_ir::{Op, Value};

// arith.cmpi predicates on index values.
const EQ: i64 = 0;
const SLT: i64 = 2;
const SLE: i64 = 3;
const SGE: i64 = 5;

/// Builds the te replacement of graph op `short` if it is one of this
/// module's.
pub(crate) fn lower(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    short: &str,
) -> Result<Option<Value>, String> {
    if !matches!(
        short,
        "slice"
            | "gather"
            | "gather_elements"
            | "gather_nd"
            | "tile"
            | "pad"
            | "trilu"
            | "one_hot"
            | "cumsum"
            | "sort_rank"
            | "rank_to_index"
            | "scatter_elements"
            | "scatter_nd"
            | "einsum"
            | "conv_transpose2d"
            | "grid_sample"
            | "pool_nd"
            | "tensor_scatter"
    ) {
        return Ok(None);
    }
    let ctx = &*rw.ctx;
    let ins: Vec<Value> = ctx.operands(op).collect();
    let rt = ctx.value_type(ctx.result(op, 0));
    let rs = shape_of(ctx, ctx.result(op, 0))?;
    let xs = shape_of(ctx, ins[0])?;
    let ints = |name: &str| ints_attr(ctx, op, name, &[]);
    let int = |name: &str| int_attr(ctx, op, name, 0);
    let unit = |name: &str| ctx.attr(op, name).is_some();
    let x = ins[0];
    let v = match short {
        "slice" => {
            let (st, sp) = (ints("starts"), ints("steps"));
            compute(
                rw,
                op,
                &[x],
                rt,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let src: Vec<Value> = idx
                        .iter()
                        .enumerate()
                        .map(|(d, &i)| b.lin(i, sp[d], st[d]))
                        .collect();
                    Ok(b.ext(x, &src))
                }),
            )?
        }
        "gather" => {
            let axis = int("axis") as usize;
            let ind = ins[1];
            let irank = shape_of(ctx, ind)?.len();
            let dim = xs[axis];
            compute(
                rw,
                op,
                &[x, ind],
                rt,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let iv = b.ext(ind, &idx[axis..axis + irank]);
                    let j = wrap_index(b, iv, dim);
                    let mut src = idx[..axis].to_vec();
                    src.push(j);
                    src.extend_from_slice(&idx[axis + irank..]);
                    Ok(b.ext(x, &src))
                }),
            )?
        }
        "gather_elements" => {
            let axis = int("axis") as usize;
            let ind = ins[1];
            let dim = xs[axis];
            compute(
                rw,
                op,
                &[x, ind],
                rt,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let iv = b.ext(ind, idx);
                    let j = wrap_index(b, iv, dim);
                    let mut src = idx.to_vec();
                    src[axis] = j;
                    Ok(b.ext(x, &src))
                }),
            )?
        }
        "gather_nd" => {
            let bd = int("batch_dims") as usize;
            let ind = ins[1];
            let is = shape_of(ctx, ind)?;
            let k = *is.last().ok_or("indices must have rank >= 1")? as usize;
            let lead = is.len() - 1;
            let xs2 = xs.clone();
            compute(
                rw,
                op,
                &[x, ind],
                rt,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let mut src = idx[..bd].to_vec();
                    for j in 0..k {
                        let mut ii = idx[..lead].to_vec();
                        ii.push(b.idx(j as i64));
                        let iv = b.ext(ind, &ii);
                        src.push(wrap_index(b, iv, xs2[bd + j]));
                    }
                    src.extend_from_slice(&idx[lead..]);
                    Ok(b.ext(x, &src))
                }),
            )?
        }
        "tile" => compute(
            rw,
            op,
            &[x],
            rt,
            &[],
            None,
            Box::new(move |b, idx, _| {
                let src: Vec<Value> = idx
                    .iter()
                    .zip(&xs)
                    .map(|(&i, &d)| {
                        let dv = b.idx(d);
                        rem(b, i, dv)
                    })
                    .collect();
                Ok(b.ext(x, &src))
            }),
        )?,
        "pad" => {
            let low = ints("low");
            let mode = ctx
                .attr(op, "mode")
                .and_then(|a| ctx.string_value(a))
                .unwrap_or("constant")
                .to_string();
            let val = ins[1];
            compute(
                rw,
                op,
                &[x, val],
                rt,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let mut src = Vec::with_capacity(idx.len());
                    let mut ok: Option<Value> = None;
                    for (d, &i) in idx.iter().enumerate() {
                        let n = xs[d];
                        let j = b.lin(i, 1, -low[d]);
                        let s = match mode.as_str() {
                            "constant" => {
                                let inr = b.in_range(j, n);
                                ok = Some(match ok {
                                    Some(o) => b.and(o, inr),
                                    None => inr,
                                });
                                j
                            }
                            "edge" => clamp(b, j, n),
                            "wrap" => {
                                let nv = b.idx(n);
                                let r = rem(b, j, nv);
                                let r2 = b.bin(Bin::Add, r, nv);
                                rem(b, r2, nv)
                            }
                            _ => reflect(b, j, n),
                        };
                        src.push(s);
                    }
                    match ok {
                        None => Ok(b.ext(x, &src)),
                        Some(ok) => {
                            // Read a clamped index, then choose.
                            let safe: Vec<Value> =
                                src.iter().zip(&xs).map(|(&s, &n)| clamp(b, s, n)).collect();
                            let v = b.ext(x, &safe);
                            let p = b.ext(val, &[]);
                            Ok(b.select(ok, v, p))
                        }
                    }
                }),
            )?
        }
        "trilu" => {
            let k = int("k");
            let upper = unit("upper");
            compute(
                rw,
                op,
                &[x],
                rt,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let r = idx.len();
                    let (i, j) = (idx[r - 2], idx[r - 1]);
                    // keep j - i >= k (upper) or j - i <= k (lower)
                    let ik = b.lin(i, 1, k);
                    let keep = if upper {
                        b.cmpi(SGE, j, ik)
                    } else {
                        b.cmpi(SLE, j, ik)
                    };
                    let v = b.ext(x, idx);
                    let e = b.ctx.value_type(v);
                    let z = b.cst(e, 0.0);
                    Ok(b.select(keep, v, z))
                }),
            )?
        }
        "one_hot" => {
            let axis = int("axis") as usize;
            let depth = rs[axis];
            let vals = ins[1];
            compute(
                rw,
                op,
                &[x, vals],
                rt,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let mut ii = idx[..axis].to_vec();
                    ii.extend_from_slice(&idx[axis + 1..]);
                    let iv = b.ext(x, &ii);
                    let raw = to_index(b, iv);
                    // Negative indices count from the end of the depth.
                    let z = b.idx(0);
                    let neg = b.cmpi(SLT, raw, z);
                    let plus = b.lin(raw, 1, depth);
                    let j = b.select(neg, plus, raw);
                    let hit = b.cmpi(EQ, j, idx[axis]);
                    let one = b.idx(1);
                    let on = b.ext(vals, &[one]);
                    let off = b.ext(vals, &[z]);
                    Ok(b.select(hit, on, off))
                }),
            )?
        }
        "scatter_elements" | "scatter_nd" => {
            let (ind, upd) = (ins[1], ins[2]);
            let is = shape_of(ctx, ind)?;
            let us = shape_of(ctx, upd)?;
            let red = ctx
                .attr(op, "reduction")
                .and_then(|a| ctx.string_value(a))
                .unwrap_or("none")
                .to_string();
            let nd = short == "scatter_nd";
            let axis = int("axis") as usize;
            // The update positions a result element is matched against:
            // along the axis (elements), or every index tuple (nd).
            let qdims: Vec<i64> = if nd {
                is[..is.len() - 1].to_vec()
            } else {
                vec![us[axis]]
            };
            let k = if nd {
                *is.last().unwrap_or(&0) as usize
            } else {
                0
            };
            let (xs2, us2) = (xs.clone(), us.clone());
            // match(q) for result index idx, and the update element read.
            let matcher = move |b: &mut B<'_>, idx: &[Value], q: &[Value]| -> (Value, Vec<Value>) {
                if nd {
                    let mut ok: Option<Value> = None;
                    for t in 0..k {
                        let mut ii = q.to_vec();
                        ii.push(b.idx(t as i64));
                        let iv = b.ext(ind, &ii);
                        let j = wrap_index(b, iv, xs2[t]);
                        let eq = b.cmpi(EQ, j, idx[t]);
                        ok = Some(match ok {
                            Some(o) => b.and(o, eq),
                            None => eq,
                        });
                    }
                    let mut u = q.to_vec();
                    u.extend_from_slice(&idx[k..]);
                    (ok.unwrap_or_else(|| b.in_range(idx[0], i64::MAX)), u)
                } else {
                    // Other coordinates must lie inside the updates.
                    let mut ok: Option<Value> = None;
                    let mut ii = idx.to_vec();
                    ii[axis] = q[0];
                    for (d, &n) in us2.iter().enumerate() {
                        if d != axis && n < xs2[d] {
                            let inr = b.in_range(idx[d], n);
                            ok = Some(match ok {
                                Some(o) => b.and(o, inr),
                                None => inr,
                            });
                            ii[d] = clamp(b, idx[d], n);
                        }
                    }
                    let iv = b.ext(ind, &ii);
                    let j = wrap_index(b, iv, xs2[axis]);
                    let eq = b.cmpi(EQ, j, idx[axis]);
                    let m = match ok {
                        Some(o) => b.and(o, eq),
                        None => eq,
                    };
                    (m, ii)
                }
            };
            if red == "none" {
                // The last matching update (row-major order), as an i64
                // linear position, -1 if none.
                let i64t = rw.ctx.i64();
                let lt = rw.ctx.tensor_type(&xs, i64t);
                let qd = qdims.clone();
                let m1 = matcher.clone();
                let last = compute(
                    rw,
                    op,
                    &[ind],
                    lt,
                    &qdims,
                    Some("max"),
                    Box::new(move |b, idx, red| {
                        let (m, _) = m1(b, idx, red);
                        let mut lin = b.idx(0);
                        for (d, &r) in red.iter().enumerate() {
                            let scaled = b.lin(lin, qd[d], 0);
                            lin = b.bin(Bin::Add, scaled, r);
                        }
                        let i64t = b.ctx.i64();
                        let l = b.op("arith.index_cast", &[lin], i64t, &[]);
                        let none = b.cst(i64t, -1.0);
                        Ok(b.select(m, l, none))
                    }),
                )?;
                let qd = qdims.clone();
                compute(
                    rw,
                    op,
                    &[x, last, upd, ind],
                    rt,
                    &[],
                    None,
                    Box::new(move |b, idx, _| {
                        let l = b.ext(last, idx);
                        let i64t = b.ctx.i64();
                        let z = b.cst(i64t, 0.0);
                        let pt = b.ctx.int_attr(i64t, 5); // sge
                        let i1 = b.ctx.i1();
                        let has = b.op("arith.cmpi", &[l, z], i1, &[("predicate", pt)]);
                        let safe = b.op("arith.maxsi", &[l, z], i64t, &[]);
                        let it = b.ctx.index_type();
                        let mut rem_v = b.op("arith.index_cast", &[safe], it, &[]);
                        let mut q = vec![rem_v; qd.len()];
                        for d in (0..qd.len()).rev() {
                            let n = b.idx(qd[d]);
                            q[d] = rem(b, rem_v, n);
                            rem_v = b.op("arith.divsi", &[rem_v, n], it, &[]);
                        }
                        let (_, u) = matcher(b, idx, &q);
                        let uv = b.ext(upd, &u);
                        let dv = b.ext(x, idx);
                        Ok(b.select(has, uv, dv))
                    }),
                )?
            } else {
                let comb = match red.as_str() {
                    "add" => "add",
                    "mul" => "mul",
                    "max" => "max",
                    _ => "min",
                };
                let e = ctx.element_type(rt);
                let fl = ctx.is_float(e);
                let ident = match comb {
                    "add" => 0.0,
                    "mul" => 1.0,
                    "max" => f64::NEG_INFINITY,
                    _ => f64::INFINITY,
                };
                let acc = compute(
                    rw,
                    op,
                    &[ind, upd],
                    rt,
                    &qdims,
                    Some(comb),
                    Box::new(move |b, idx, red| {
                        let (m, u) = matcher(b, idx, red);
                        let uv = b.ext(upd, &u);
                        let e = b.ctx.value_type(uv);
                        let id = if fl {
                            b.cst(e, ident)
                        } else {
                            let w = b.ctx.int_or_float_width(e).unwrap_or(32);
                            let v = match comb {
                                "max" => -(1i128 << (w - 1)),
                                "min" => (1i128 << (w - 1)) - 1,
                                _ => ident as i128,
                            };
                            let a = b.ctx.int_attr(e, v);
                            b.op("arith.constant", &[], e, &[("value", a)])
                        };
                        Ok(b.select(m, uv, id))
                    }),
                )?;
                let kind = comb.to_string();
                compute(
                    rw,
                    op,
                    &[x, acc],
                    rt,
                    &[],
                    None,
                    Box::new(move |b, idx, _| {
                        let d = b.ext(x, idx);
                        let a = b.ext(acc, idx);
                        Ok(match kind.as_str() {
                            "add" => b.bin(Bin::Add, d, a),
                            "mul" => b.bin(Bin::Mul, d, a),
                            "max" => b.bin(Bin::Max, d, a),
                            _ => b.bin(Bin::Min, d, a),
                        })
                    }),
                )?
            }
        }
        "einsum" => {
            let eq = ctx
                .attr(op, "equation")
                .and_then(|a| ctx.string_value(a))
                .unwrap_or("")
                .to_string();
            let (lhs, out) = eq
                .split_once("->")
                .ok_or("einsum needs an explicit equation")?;
            let terms: Vec<Vec<char>> = lhs.split(',').map(|t| t.chars().collect()).collect();
            let out: Vec<char> = out.chars().collect();
            // Summed labels, in order of first appearance, with their sizes.
            let mut summed: Vec<(char, i64)> = Vec::new();
            let shapes: Vec<Vec<i64>> = ins
                .iter()
                .map(|&v| shape_of(ctx, v))
                .collect::<Result<_, _>>()?;
            for (t, s) in terms.iter().zip(&shapes) {
                for (&c, &d) in t.iter().zip(s) {
                    if !out.contains(&c) {
                        match summed.iter_mut().find(|(l, _)| *l == c) {
                            Some(e) => e.1 = e.1.max(d),
                            None => summed.push((c, d)),
                        }
                    }
                }
            }
            let red: Vec<i64> = summed.iter().map(|&(_, d)| d).collect();
            let labels: Vec<char> = summed.iter().map(|&(c, _)| c).collect();
            let xs3 = ins.clone();
            compute(
                rw,
                op,
                &ins,
                rt,
                &red,
                Some("add"),
                Box::new(move |b, idx, r| {
                    let mut prod: Option<Value> = None;
                    for ((&x, t), s) in xs3.iter().zip(&terms).zip(&shapes) {
                        let ii: Vec<Value> = t
                            .iter()
                            .zip(s)
                            .map(|(c, &d)| {
                                let v = match out.iter().position(|o| o == c) {
                                    Some(p) => idx[p],
                                    None => r[labels.iter().position(|l| l == c).unwrap_or(0)],
                                };
                                // A size-1 dimension broadcasts.
                                if d == 1 { b.idx(0) } else { v }
                            })
                            .collect();
                        let v = b.ext(x, &ii);
                        prod = Some(match prod {
                            None => v,
                            Some(p) => b.bin(Bin::Mul, p, v),
                        });
                    }
                    prod.ok_or_else(|| "einsum needs an input".to_string())
                }),
            )?
        }
        "conv_transpose2d" => {
            let (st, dl, pb) = (ints("strides"), ints("dilations"), ints("pad_begin"));
            let g = int("groups").max(1);
            let w = ins[1];
            let bias = ins.get(2).copied();
            let ws = shape_of(ctx, w)?;
            let cg = xs[1] / g; // input channels per group
            let mg = ws[1]; // output channels per group
            let (h, wd) = (xs[2], xs[3]);
            compute(
                rw,
                op,
                &ins,
                rt,
                &[cg, ws[2], ws[3]],
                Some("add"),
                Box::new(move |b, idx, red| {
                    let (n, m, oh, ow) = (idx[0], idx[1], idx[2], idx[3]);
                    let (c, kh, kw) = (red[0], red[1], red[2]);
                    // Group of m, input channel, weight's output channel.
                    let mgv = b.idx(mg);
                    let it = b.ctx.index_type();
                    let grp = b.op("arith.divsi", &[m, mgv], it, &[]);
                    let base = b.lin(grp, cg, 0);
                    let ci = b.bin(Bin::Add, base, c);
                    let mo = rem(b, m, mgv);
                    // o + pad = i * s + k * d  =>  i = (o + pad - k * d) / s.
                    let mut ok: Option<Value> = None;
                    let mut src = Vec::new();
                    for (o, k, d, s, p, n_in) in [
                        (oh, kh, dl[0], st[0], pb[0], h),
                        (ow, kw, dl[1], st[1], pb[1], wd),
                    ] {
                        let kd = b.lin(k, -d, p);
                        let t = b.bin(Bin::Add, o, kd);
                        let sv = b.idx(s);
                        let r = rem(b, t, sv);
                        let z = b.idx(0);
                        let exact = b.cmpi(EQ, r, z);
                        let i = b.op("arith.divsi", &[t, sv], it, &[]);
                        let nonneg = b.cmpi(5, t, z); // sge
                        let inr = b.in_range(i, n_in);
                        let a = b.and(exact, nonneg);
                        let a = b.and(a, inr);
                        ok = Some(match ok {
                            Some(o) => b.and(o, a),
                            None => a,
                        });
                        src.push(clamp(b, i, n_in));
                    }
                    let xv = b.ext(x, &[n, ci, src[0], src[1]]);
                    let wv = b.ext(w, &[ci, mo, kh, kw]);
                    let p = b.bin(Bin::Mul, xv, wv);
                    let e = b.ctx.value_type(p);
                    let z = b.cst(e, 0.0);
                    let mut v = b.select(ok.unwrap_or(z), p, z);
                    // The bias once per output element: on the first tap.
                    if let Some(bb) = bias {
                        let zi = b.idx(0);
                        let c0 = b.cmpi(EQ, c, zi);
                        let k0 = b.cmpi(EQ, kh, zi);
                        let k1 = b.cmpi(EQ, kw, zi);
                        let first = b.and(c0, k0);
                        let first = b.and(first, k1);
                        let bv = b.ext(bb, &[m]);
                        let withb = b.bin(Bin::Add, v, bv);
                        v = b.select(first, withb, v);
                    }
                    Ok(v)
                }),
            )?
        }
        "grid_sample" => {
            let grid = ins[1];
            let k = xs.len() - 2;
            let mode = ctx
                .attr(op, "mode")
                .and_then(|a| ctx.string_value(a))
                .unwrap_or("linear")
                .to_string();
            let pm = ctx
                .attr(op, "padding_mode")
                .and_then(|a| ctx.string_value(a))
                .unwrap_or("zeros")
                .to_string();
            let align = unit("align_corners");
            let taps: i64 = match mode.as_str() {
                "nearest" => 1,
                "linear" => 2,
                _ => 4,
            };
            let dims: Vec<i64> = xs[2..].to_vec();
            let ef = ctx.element_type(rt);
            compute(
                rw,
                op,
                &[x, grid],
                rt,
                &vec![taps; k],
                Some("add"),
                Box::new(move |b, idx, red| {
                    let e = ef;
                    let n = idx[0];
                    let c = idx[1];
                    let o = &idx[2..];
                    let mut weight: Option<Value> = None;
                    let mut src = vec![n, c];
                    let mut inside: Option<Value> = None;
                    for j in 0..k {
                        // The grid's last axis lists x (the last dimension) first.
                        let mut gi = vec![n];
                        gi.extend_from_slice(o);
                        gi.push(b.idx((k - 1 - j) as i64));
                        let gv = b.ext(grid, &gi);
                        let len = dims[j] as f64;
                        let one = b.cst(e, 1.0);
                        let p1 = b.bin(Bin::Add, gv, one);
                        let mut xv = if align {
                            let f = b.cst(e, (len - 1.0) / 2.0);
                            b.bin(Bin::Mul, p1, f)
                        } else {
                            let l = b.cst(e, len);
                            let m = b.bin(Bin::Mul, p1, l);
                            let m1 = b.bin(Bin::Sub, m, one);
                            let h = b.cst(e, 0.5);
                            b.bin(Bin::Mul, m1, h)
                        };
                        if mode == "nearest" {
                            xv = b.un("math.roundeven", xv);
                        }
                        let (lo, hi) = if align {
                            (0.0, len - 1.0)
                        } else {
                            (-0.5, len - 0.5)
                        };
                        xv = match pm.as_str() {
                            "border" => fclamp(b, xv, 0.0, len - 1.0),
                            "reflection" => freflect(b, xv, lo, hi),
                            _ => xv,
                        };
                        // Tap position and weight.
                        let t = red[j];
                        let (pos, w) = if mode == "nearest" {
                            (xv, None)
                        } else {
                            let x0 = b.un("math.floor", xv);
                            let frac = b.bin(Bin::Sub, xv, x0);
                            let tf = b.index_to_float(t, e);
                            let first = if mode == "linear" { 0.0 } else { -1.0 };
                            let off = b.cst(e, first);
                            let tt = b.bin(Bin::Add, tf, off);
                            let pos = b.bin(Bin::Add, x0, tt);
                            (pos, Some(tap_weight(b, &mode, frac, t, e)))
                        };
                        // Integer index with the padding rule.
                        let i64t = b.ctx.i64();
                        let ip = b.op("arith.fptosi", &[pos], i64t, &[]);
                        let it = b.ctx.index_type();
                        let mut ii = b.op("arith.index_cast", &[ip], it, &[]);
                        match pm.as_str() {
                            "zeros" => {
                                let inr = b.in_range(ii, dims[j]);
                                inside = Some(match inside {
                                    Some(a) => b.and(a, inr),
                                    None => inr,
                                });
                                ii = clamp(b, ii, dims[j]);
                            }
                            "border" => ii = clamp(b, ii, dims[j]),
                            _ => {
                                let r = freflect(b, pos, lo, hi);
                                let ri = b.op("arith.fptosi", &[r], i64t, &[]);
                                let rii = b.op("arith.index_cast", &[ri], it, &[]);
                                ii = clamp(b, rii, dims[j]);
                            }
                        }
                        src.push(ii);
                        if let Some(w) = w {
                            weight = Some(match weight {
                                Some(p) => b.bin(Bin::Mul, p, w),
                                None => w,
                            });
                        }
                    }
                    let mut v = b.ext(x, &src);
                    if let Some(ok) = inside {
                        let z = b.cst(e, 0.0);
                        v = b.select(ok, v, z);
                    }
                    Ok(match weight {
                        Some(w) => b.bin(Bin::Mul, v, w),
                        None => v,
                    })
                }),
            )?
        }
        "pool_nd" => {
            let (k, st, dl, pads) = (
                ints("kernel"),
                ints("strides"),
                ints("dilations"),
                ints("pads"),
            );
            let n = k.len();
            let is_max = ctx.attr(op, "kind").and_then(|a| ctx.string_value(a)) == Some("max");
            let include = unit("count_include_pad");
            let e = ctx.element_type(rt);
            let pad_v = if is_max { lowest(ctx, e) } else { 0.0 };
            let (k2, st2, dl2, pads2, xs2) =
                (k.clone(), st.clone(), dl.clone(), pads.clone(), xs.clone());
            let acc = compute(
                rw,
                op,
                &[x],
                rt,
                &k,
                Some(if is_max { "max" } else { "add" }),
                Box::new(move |b, idx, red| {
                    let mut src = vec![idx[0], idx[1]];
                    let mut ok: Option<Value> = None;
                    for d in 0..n {
                        let base = b.lin(idx[2 + d], st2[d], -pads2[d]);
                        let off = b.lin(red[d], dl2[d], 0);
                        let i = b.bin(Bin::Add, base, off);
                        let inr = b.in_range(i, xs2[2 + d]);
                        ok = Some(match ok {
                            Some(o) => b.and(o, inr),
                            None => inr,
                        });
                        src.push(clamp(b, i, xs2[2 + d]));
                    }
                    let v = b.ext(x, &src);
                    let ev = b.ctx.value_type(v);
                    let p = b.cst(ev, pad_v);
                    Ok(match ok {
                        Some(o) => b.select(o, v, p),
                        None => v,
                    })
                }),
            )?;
            if is_max {
                acc
            } else {
                compute(
                    rw,
                    op,
                    &[acc],
                    rt,
                    &[],
                    None,
                    Box::new(move |b, idx, _| {
                        // Taps inside [lo, hi) per axis, multiplied.
                        let mut count: Option<Value> = None;
                        for d in 0..n {
                            let (lo, hi) = if include {
                                (-pads[d], xs[2 + d] + pads[n + d])
                            } else {
                                (0, xs[2 + d])
                            };
                            let base = b.lin(idx[2 + d], st[d], -pads[d]);
                            let mut c_d: Option<Value> = None;
                            for t in 0..k2[d] {
                                let pos = b.lin(base, 1, t * dl[d]);
                                let lov = b.idx(lo);
                                let hiv = b.idx(hi);
                                let a = b.cmpi(5, pos, lov); // sge
                                let c = b.cmpi(SLT, pos, hiv);
                                let inr = b.and(a, c);
                                let one = b.idx(1);
                                let z = b.idx(0);
                                let v = b.select(inr, one, z);
                                c_d = Some(match c_d {
                                    Some(p) => b.bin(Bin::Add, p, v),
                                    None => v,
                                });
                            }
                            let c_d = c_d.ok_or("empty kernel")?;
                            count = Some(match count {
                                Some(p) => b.bin(Bin::Mul, p, c_d),
                                None => c_d,
                            });
                        }
                        let cnt = count.ok_or("no spatial axes")?;
                        let one = b.idx(1);
                        let cnt = b.bin(Bin::Max, cnt, one);
                        let cf = b.index_to_float(cnt, e);
                        let s = b.ext(acc, idx);
                        Ok(b.bin(Bin::Div, s, cf))
                    }),
                )?
            }
        }
        "tensor_scatter" => {
            let axis = int("axis") as usize;
            let circular = unit("circular");
            let upd = ins[1];
            let widx = ins.get(2).copied();
            let us = shape_of(ctx, upd)?;
            let (len, max) = (us[axis], xs[axis]);
            compute(
                rw,
                op,
                &ins,
                rt,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    // Position in the update: p[axis] - write_index[batch].
                    let w = match widx {
                        Some(wv) => {
                            let v = b.ext(wv, &[idx[0]]);
                            to_index(b, v)
                        }
                        None => b.idx(0),
                    };
                    let mut s = b.bin(Bin::Sub, idx[axis], w);
                    if circular {
                        let m = b.idx(max);
                        let r = rem(b, s, m);
                        let r2 = b.bin(Bin::Add, r, m);
                        s = rem(b, r2, m);
                    }
                    let ok = b.in_range(s, len);
                    let mut ui = idx.to_vec();
                    ui[axis] = clamp(b, s, len);
                    let u = b.ext(upd, &ui);
                    let c = b.ext(x, idx);
                    Ok(b.select(ok, u, c))
                }),
            )?
        }
        "sort_rank" => {
            let axis = int("axis") as usize;
            let largest = unit("largest");
            let fl = ctx.is_float(ctx.element_type(ctx.value_type(x)));
            compute(
                rw,
                op,
                &[x],
                rt,
                &[xs[axis]],
                Some("add"),
                Box::new(move |b, idx, red| {
                    // Elements sorting before idx: strictly better, or
                    // equal at a smaller index.
                    let j = red[0];
                    let mut other = idx.to_vec();
                    other[axis] = j;
                    let xi = b.ext(x, idx);
                    let xj = b.ext(x, &other);
                    let i1 = b.ctx.i1();
                    let i64t = b.ctx.i64();
                    // float: ogt 2, oeq 1; int: sgt 4, eq 0.
                    let (gt, eq) = if fl { (2, 1) } else { (4, 0) };
                    let name = if fl { "arith.cmpf" } else { "arith.cmpi" };
                    let pg = b.ctx.int_attr(i64t, gt);
                    let pe = b.ctx.int_attr(i64t, eq);
                    let better = if largest {
                        b.op(name, &[xj, xi], i1, &[("predicate", pg)])
                    } else {
                        b.op(name, &[xi, xj], i1, &[("predicate", pg)])
                    };
                    let same = b.op(name, &[xj, xi], i1, &[("predicate", pe)]);
                    let earlier = b.cmpi(SLT, j, idx[axis]);
                    let tie = b.and(same, earlier);
                    let before = b.op("arith.ori", &[better, tie], i1, &[]);
                    let one = b.cst(i64t, 1.0);
                    let zero = b.cst(i64t, 0.0);
                    Ok(b.select(before, one, zero))
                }),
            )?
        }
        "rank_to_index" => {
            let axis = int("axis") as usize;
            compute(
                rw,
                op,
                &[x],
                rt,
                &[xs[axis]],
                Some("add"),
                Box::new(move |b, idx, red| {
                    let i = red[0];
                    let mut src = idx.to_vec();
                    src[axis] = i;
                    let r = b.ext(x, &src);
                    let it = b.ctx.index_type();
                    let ri = b.op("arith.index_cast", &[r], it, &[]);
                    let hit = b.cmpi(EQ, ri, idx[axis]);
                    let i64t = b.ctx.i64();
                    let iv = b.op("arith.index_cast", &[i], i64t, &[]);
                    let zero = b.cst(i64t, 0.0);
                    Ok(b.select(hit, iv, zero))
                }),
            )?
        }
        _ => {
            // cumsum: a reduction over the axis, masked to the prefix.
            let axis = int("axis") as usize;
            let (excl, rev) = (unit("exclusive"), unit("reverse"));
            let product = unit("product");
            let neutral = if product { 1.0 } else { 0.0 };
            compute(
                rw,
                op,
                &[x],
                rt,
                &[xs[axis]],
                Some(if product { "mul" } else { "add" }),
                Box::new(move |b, idx, red| {
                    let k = red[0];
                    let i = idx[axis];
                    let keep = match (rev, excl) {
                        (false, false) => b.cmpi(SLE, k, i),
                        (false, true) => b.cmpi(SLT, k, i),
                        (true, false) => b.cmpi(SGE, k, i),
                        (true, true) => b.cmpi(4, k, i), // sgt
                    };
                    let mut src = idx.to_vec();
                    src[axis] = k;
                    let v = b.ext(x, &src);
                    let e = b.ctx.value_type(v);
                    let z = b.cst(e, neutral);
                    Ok(b.select(keep, v, z))
                }),
            )?
        }
    };
    Ok(Some(v))
}

fn rem(b: &mut B<'_>, a: Value, n: Value) -> Value {
    let t = b.ctx.value_type(a);
    b.op("arith.remsi", &[a, n], t, &[])
}

/// `v` clamped into `[0, n)`.
fn clamp(b: &mut B<'_>, v: Value, n: i64) -> Value {
    let z = b.idx(0);
    let hi = b.idx(n - 1);
    let t = b.ctx.value_type(v);
    let lo = b.op("arith.maxsi", &[v, z], t, &[]);
    b.op("arith.minsi", &[lo, hi], t, &[])
}

/// Reflection without repeating the edge (numpy's `reflect`), for one
/// bounce: `-j` below 0, `2(n-1) - j` above `n - 1`.
fn reflect(b: &mut B<'_>, j: Value, n: i64) -> Value {
    let z = b.idx(0);
    let neg = b.cmpi(SLT, j, z);
    let mj = b.lin(j, -1, 0);
    let a = b.select(neg, mj, j);
    let top = b.idx(n - 1);
    let over = b.cmpi(4, a, top); // sgt
    let back = b.lin(a, -1, 2 * (n - 1));
    let r = b.select(over, back, a);
    clamp(b, r, n)
}

/// An integer (or float) element as an index.
fn to_index(b: &mut B<'_>, v: Value) -> Value {
    let t = b.ctx.value_type(v);
    let i64t = b.ctx.i64();
    let it = b.ctx.index_type();
    let w = if b.ctx.is_float(t) {
        b.op("arith.fptosi", &[v], i64t, &[])
    } else if b.ctx.int_or_float_width(t) == Some(64) {
        v
    } else {
        b.op("arith.extsi", &[v], i64t, &[])
    };
    b.op("arith.index_cast", &[w], it, &[])
}

/// An index element read from a tensor, negative values counting from the
/// end of `dim`, clamped into range.
fn wrap_index(b: &mut B<'_>, v: Value, dim: i64) -> Value {
    let i = to_index(b, v);
    let z = b.idx(0);
    let neg = b.cmpi(SLT, i, z);
    let plus = b.lin(i, 1, dim);
    let j = b.select(neg, plus, i);
    clamp(b, j, dim)
}

/// `v` clamped into `[lo, hi]` (floats).
fn fclamp(b: &mut B<'_>, v: Value, lo: f64, hi: f64) -> Value {
    let e = b.ctx.value_type(v);
    let l = b.cst(e, lo);
    let h = b.cst(e, hi);
    let a = b.bin(Bin::Max, v, l);
    b.bin(Bin::Min, a, h)
}

/// GridSample's reflection of `x` into `[lo, hi]`, bouncing as often as
/// needed (the ONNX reference's `_gs_reflect`).
fn freflect(b: &mut B<'_>, x: Value, lo: f64, hi: f64) -> Value {
    let e = b.ctx.value_type(x);
    let rng = hi - lo;
    let lov = b.cst(e, lo);
    let hiv = b.cst(e, hi);
    let rv = b.cst(e, rng);
    let two = b.cst(e, 2.0);
    let i1 = b.ctx.i1();
    let pt = b.ctx.i64();
    let cmpf = |b: &mut B<'_>, p: i64, l: Value, r: Value| {
        let pa = b.ctx.int_attr(pt, i128::from(p));
        b.op("arith.cmpf", &[l, r], i1, &[("predicate", pa)])
    };
    // Below: dx = lo - x; above: dx = x - hi.
    let below = cmpf(b, 4, x, lov); // olt
    let above = cmpf(b, 2, x, hiv); // ogt
    let d_lo = b.bin(Bin::Sub, lov, x);
    let d_hi = b.bin(Bin::Sub, x, hiv);
    let dx = b.select(below, d_lo, d_hi);
    let q = b.bin(Bin::Div, dx, rv);
    let n = b.un("math.floor", q);
    let nr = b.bin(Bin::Mul, n, rv);
    let r = b.bin(Bin::Sub, dx, nr);
    let half = b.bin(Bin::Div, n, two);
    let hf = b.un("math.floor", half);
    let h2 = b.bin(Bin::Mul, hf, two);
    let parity = b.bin(Bin::Sub, n, h2);
    let z = b.cst(e, 0.0);
    let even = cmpf(b, 1, parity, z); // oeq
    let lo_r = b.bin(Bin::Add, lov, r);
    let hi_r = b.bin(Bin::Sub, hiv, r);
    let from_below = b.select(even, lo_r, hi_r);
    let from_above = b.select(even, hi_r, lo_r);
    let v = b.select(above, from_above, x);
    b.select(below, from_below, v)
}

/// The weight of tap `t` (index) for fraction `frac`: linear (1-f, f) or
/// cubic (Keys, a = -0.75, taps at -1, 0, 1, 2).
fn tap_weight(b: &mut B<'_>, mode: &str, frac: Value, t: Value, e: dlc_ir::Type) -> Value {
    let n = if mode == "linear" { 2 } else { 4 };
    let mut ws = Vec::with_capacity(n);
    let one = b.cst(e, 1.0);
    if mode == "linear" {
        ws.push(b.bin(Bin::Sub, one, frac));
        ws.push(frac);
    } else {
        let a = -0.75;
        let cst = |b: &mut B<'_>, v: f64| b.cst(e, v);
        // distances 1 + f, f, 1 - f, 2 - f
        let fp1 = b.bin(Bin::Add, frac, one);
        let omf = b.bin(Bin::Sub, one, frac);
        let two = cst(b, 2.0);
        let tmf = b.bin(Bin::Sub, two, frac);
        let far = |b: &mut B<'_>, d: Value| {
            // ((a*d - 5a)*d + 8a)*d - 4a
            let ac = cst(b, a);
            let ad = b.bin(Bin::Mul, ac, d);
            let f5 = cst(b, 5.0 * a);
            let s1 = b.bin(Bin::Sub, ad, f5);
            let m1 = b.bin(Bin::Mul, s1, d);
            let e8 = cst(b, 8.0 * a);
            let s2 = b.bin(Bin::Add, m1, e8);
            let m2 = b.bin(Bin::Mul, s2, d);
            let f4 = cst(b, 4.0 * a);
            b.bin(Bin::Sub, m2, f4)
        };
        let near = |b: &mut B<'_>, d: Value| {
            // ((a+2)*d - (a+3))*d*d + 1
            let a2 = cst(b, a + 2.0);
            let m = b.bin(Bin::Mul, a2, d);
            let a3 = cst(b, a + 3.0);
            let s = b.bin(Bin::Sub, m, a3);
            let dd = b.bin(Bin::Mul, d, d);
            let m2 = b.bin(Bin::Mul, s, dd);
            let one = cst(b, 1.0);
            b.bin(Bin::Add, m2, one)
        };
        ws.push(far(b, fp1));
        ws.push(near(b, frac));
        ws.push(near(b, omf));
        ws.push(far(b, tmf));
    }
    // Select the weight of tap t.
    let mut w = ws[n - 1];
    for k in (0..n - 1).rev() {
        let kv = b.idx(k as i64);
        let is = b.cmpi(EQ, t, kv);
        w = b.select(is, ws[k], w);
    }
    w
}
