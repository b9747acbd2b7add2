//! onnx-to-graph for the `ai.onnx.ml` operators: Binarizer (a comparison
//! cast back to the input type), ArrayFeatureExtractor (a gather along
//! the last axis with the flattened indices) and TreeEnsemble (every
//! root-to-leaf path unrolled: the AND of its node tests, as 0/1, times a
//! constant leaf-weight matrix).

use super::nn::{cast, cmp, elem_of, ew, float_const, matmul, slice};
use super::{LowerFn, LowerResult, float_attr, reshape, result_shape, shape_of};
use dlc_ir::rewrite::PatternRewriter;
use dlc_ir::{Op, Value};

/// The lowering of onnx op `name`, if it is one of this module's.
pub(crate) fn lowering(name: &str) -> Option<LowerFn> {
    match name {
        "onnx.Binarizer" => Some(lower_binarizer),
        "onnx.ArrayFeatureExtractor" => Some(lower_afe),
        "onnx.TreeEnsemble" => Some(lower_tree_ensemble),
        _ => None,
    }
}

fn lower_binarizer(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let x = rw.ctx.operand(op, 0);
    let e = elem_of(rw, x);
    if !rw.ctx.is_float(e) {
        return Err("supports floating-point inputs".into());
    }
    let t = float_attr(rw.ctx, op, "threshold", 0.0)?;
    let thr = float_const(rw, loc, &[], e, &[t])?;
    let above = cmp(rw, loc, "greater", x, thr)?;
    Ok(vec![cast(rw, loc, above, e)?])
}

fn lower_afe(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let loc = rw.ctx.op_loc(op);
    let (x, i) = (rw.ctx.operand(op, 0), rw.ctx.operand(op, 1));
    let (sx, si) = (shape_of(rw.ctx, x)?, shape_of(rw.ctx, i)?);
    if si.iter().any(|&d| d < 0) || sx.iter().any(|&d| d < 0) {
        return Err("needs static shapes".into());
    }
    let k: i64 = si.iter().product();
    let i = reshape(rw, loc, i, &[k])?;
    let x = if sx.len() == 1 {
        reshape(rw, loc, x, &[1, sx[0]])?
    } else {
        x
    };
    let rank = shape_of(rw.ctx, x)?.len();
    let rs = result_shape(rw.ctx, op)?;
    let e = elem_of(rw, x);
    let ty = rw.ctx.tensor_type(&rs, e);
    let a = rw.ctx.i64_attr(rank as i64 - 1);
    let g = rw.create_op("graph.gather", loc, &[x, i], &[ty], vec![("axis", a)]);
    Ok(vec![rw.ctx.result(g, 0)])
}

/// One node test on the way to a leaf: node index and the branch taken.
type Step = (usize, bool);

/// TreeEnsemble (opset 5) with aggregate SUM or AVERAGE and no post
/// transform: each leaf's indicator (the AND of its path's tests, true or
/// negated) as 0/1, times a constant [leaves, n_targets] weight matrix.
fn lower_tree_ensemble(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ctx = &*rw.ctx;
    let loc = ctx.op_loc(op);
    let x = ctx.operand(op, 0);
    let sx = shape_of(ctx, x)?;
    if sx.len() != 2 || sx.iter().any(|&d| d < 0) {
        return Err("needs a static 2-D input".into());
    }
    let ints = |n: &str| {
        ctx.attr(op, n)
            .and_then(|a| dlc_onnx::ints_value(ctx, a))
            .unwrap_or_default()
    };
    // Tensor attributes (floats, or uint8 for nodes_modes) as f64.
    let floats = |n: &str| {
        ctx.attr(op, n)
            .and_then(|a| {
                dlc_ir::dense::dense_values_f64(ctx, a).or_else(|| {
                    dlc_ir::dense::dense_values_i128(ctx, a)
                        .map(|v| v.into_iter().map(|x| x as f64).collect())
                })
            })
            .unwrap_or_default()
    };
    let int = |n: &str, d: i64| {
        ctx.attr(op, n)
            .and_then(|a| ctx.int_value(a))
            .and_then(|v| i64::try_from(v).ok())
            .unwrap_or(d)
    };
    let aggregate = int("aggregate_function", 1);
    if int("post_transform", 0) != 0 {
        return Err("post_transform other than NONE is not supported".into());
    }
    if !matches!(aggregate, 0 | 1) {
        return Err(
            "aggregate_function MIN and MAX are not supported (SUM and AVERAGE are)".into(),
        );
    }
    let n_targets = int("n_targets", 1);
    let (feat, splits, modes) = (
        ints("nodes_featureids"),
        floats("nodes_splits"),
        floats("nodes_modes"),
    );
    let (tn, fnid) = (ints("nodes_truenodeids"), ints("nodes_falsenodeids"));
    let (tl, fl) = (ints("nodes_trueleafs"), ints("nodes_falseleafs"));
    let tracks = ints("nodes_missing_value_tracks_true");
    let (targets, weights) = (ints("leaf_targetids"), floats("leaf_weights"));
    let roots = ints("tree_roots");
    let members = floats("membership_values");
    let nn = feat.len();
    if [
        splits.len(),
        modes.len(),
        tn.len(),
        fnid.len(),
        tl.len(),
        fl.len(),
    ]
    .iter()
    .any(|&l| l != nn)
        || targets.len() != weights.len()
    {
        return Err("node and leaf attribute arrays must have matching lengths".into());
    }
    // MEMBER nodes take the NaN-separated sets of membership_values in order.
    let mut sets: Vec<Vec<f64>> = Vec::new();
    let mut cur = Vec::new();
    for &v in &members {
        if v.is_nan() {
            sets.push(std::mem::take(&mut cur));
        } else {
            cur.push(v);
        }
    }
    if !cur.is_empty() {
        sets.push(cur);
    }
    let mut set_of = vec![None; nn];
    let mut k = 0;
    for (i, &m) in modes.iter().enumerate() {
        if m as i64 == 6 {
            set_of[i] = Some(
                sets.get(k)
                    .cloned()
                    .ok_or("membership_values has too few sets")?,
            );
            k += 1;
        }
    }
    // Every root-to-leaf path, by depth-first search.
    let mut paths: Vec<(usize, Vec<Step>)> = Vec::new();
    for &r in &roots {
        let mut stack: Vec<(usize, Vec<Step>)> = vec![(r as usize, Vec::new())];
        while let Some((node, path)) = stack.pop() {
            if node >= nn || path.len() > nn {
                return Err("the trees reference a node out of range (or loop)".into());
            }
            for (branch, next, leaf) in [(true, tn[node], tl[node]), (false, fnid[node], fl[node])]
            {
                let mut p = path.clone();
                p.push((node, branch));
                if leaf != 0 {
                    let l = usize::try_from(next).ok().filter(|&l| l < weights.len());
                    paths.push((l.ok_or("a leaf index is out of range")?, p));
                } else {
                    stack.push((usize::try_from(next).map_err(|_| "bad node id")?, p));
                }
            }
        }
    }
    let e = elem_of(rw, x);
    let i1 = rw.ctx.i1();
    let n = sx[0];
    // Each node's test, built once.
    let mut tests: Vec<Option<Value>> = vec![None; nn];
    let mut indicators = Vec::with_capacity(paths.len());
    for (_, path) in &paths {
        let mut all: Option<Value> = None;
        for &(node, branch) in path {
            let t = match tests[node] {
                Some(t) => t,
                None => {
                    let f = feat[node];
                    if f < 0 || f >= sx[1] {
                        return Err(format!("feature id {f} is out of range"));
                    }
                    let col = slice(rw, loc, x, &[0, f], &[n, 1])?;
                    let col = reshape(rw, loc, col, &[n])?;
                    let t = match (modes[node] as i64, &set_of[node]) {
                        (6, Some(set)) => {
                            let mut any: Option<Value> = None;
                            for &v in set {
                                let c = float_const(rw, loc, &[], e, &[v])?;
                                let eq = cmp(rw, loc, "equal", col, c)?;
                                any = Some(match any {
                                    None => eq,
                                    Some(a) => ew(rw, loc, "or", &[a, eq], i1)?,
                                });
                            }
                            match any {
                                Some(a) => a,
                                None => {
                                    let z = float_const(rw, loc, &[], e, &[f64::NAN])?;
                                    cmp(rw, loc, "equal", col, z)?
                                }
                            }
                        }
                        (m, _) => {
                            let kind = match m {
                                0 => "less_equal",
                                1 => "less",
                                2 => "greater_equal",
                                3 => "greater",
                                4 | 5 => "equal",
                                _ => return Err(format!("unknown node mode {m}")),
                            };
                            let c = float_const(rw, loc, &[], e, &[splits[node]])?;
                            let t = cmp(rw, loc, kind, col, c)?;
                            if m == 5 {
                                ew(rw, loc, "not", &[t], i1)?
                            } else {
                                t
                            }
                        }
                    };
                    let t = if tracks.get(node).copied().unwrap_or(0) != 0 {
                        let nan = ew(rw, loc, "isnan", &[col], i1)?;
                        ew(rw, loc, "or", &[t, nan], i1)?
                    } else {
                        t
                    };
                    tests[node] = Some(t);
                    t
                }
            };
            let t = if branch {
                t
            } else {
                ew(rw, loc, "not", &[t], i1)?
            };
            all = Some(match all {
                None => t,
                Some(a) => ew(rw, loc, "and", &[a, t], i1)?,
            });
        }
        let ind = all.ok_or("an empty path")?;
        let ind = cast(rw, loc, ind, e)?;
        indicators.push(reshape(rw, loc, ind, &[n, 1])?);
    }
    if paths.is_empty() {
        return Ok(vec![float_const(rw, loc, &[n, n_targets], e, &[0.0])?]);
    }
    let ind = if indicators.len() == 1 {
        indicators[0]
    } else {
        super::nn::concat(rw, loc, &indicators, 1)?
    };
    let scale = if aggregate == 0 {
        1.0 / roots.len().max(1) as f64
    } else {
        1.0
    };
    let mut wm = vec![0.0; paths.len() * n_targets as usize];
    for (p, (leaf, _)) in paths.iter().enumerate() {
        let t = targets[*leaf];
        if t < 0 || t >= n_targets {
            return Err(format!("leaf target id {t} is out of range"));
        }
        wm[p * n_targets as usize + t as usize] = weights[*leaf] * scale;
    }
    let w = float_const(rw, loc, &[paths.len() as i64, n_targets], e, &wm)?;
    let y = matmul(rw, loc, ind, w, false)?;
    Ok(vec![y])
}
