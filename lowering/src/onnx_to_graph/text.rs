//! onnx-to-graph for the text operators: TfIdfVectorizer over integer
//! tokens, with static shapes.
//!
//! For each n-gram size n in [min_gram_length, max_gram_length] and each
//! skip distance d (1 for unigrams, 1..=max_skip_count+1 otherwise, as the
//! ONNX reference counts), the n token columns `x[.., j*d .. j*d + L]`
//! (L = N - (n-1) d start positions) are compared with the pool's n-grams
//! of that size: equal in every column, summed over the start positions,
//! gives each pool n-gram's count. A constant one-hot matrix (pool n-gram
//! -> `ngram_indexes`) turns the counts into the output frequencies, then
//! TF, IDF or TFIDF weighting.

use super::nn::{cast, cmp, concat, ew, float_const, int_const, matmul, reduce, select, slice};
use super::{LowerFn, LowerResult, build, reshape, shape_of};
use dlc_ir::rewrite::PatternRewriter;
use dlc_ir::{Op, Value};

/// The lowering of onnx op `name`, if it is one of this module's.
pub(crate) fn lowering(name: &str) -> Option<LowerFn> {
    (name == "onnx.TfIdfVectorizer").then_some(lower_tfidf as LowerFn)
}

fn lower_tfidf(rw: &mut PatternRewriter<'_>, op: Op) -> LowerResult<Vec<Value>> {
    let ctx = &*rw.ctx;
    let loc = ctx.op_loc(op);
    let x = ctx.operand(op, 0);
    let sx = shape_of(ctx, x)?;
    if sx.iter().any(|&d| d < 0) {
        return Err("needs a static input shape".into());
    }
    let ints = |n: &str| {
        ctx.attr(op, n)
            .and_then(|a| dlc_onnx::ints_value(ctx, a))
            .unwrap_or_default()
    };
    let int = |n: &str, d: i64| {
        ctx.attr(op, n)
            .and_then(|a| ctx.int_value(a))
            .and_then(|v| i64::try_from(v).ok())
            .unwrap_or(d)
    };
    let (min_g, max_g, max_skip) = (
        int("min_gram_length", 1),
        int("max_gram_length", 1),
        int("max_skip_count", 0),
    );
    let mode = ctx
        .attr(op, "mode")
        .and_then(|a| ctx.string_value(a))
        .unwrap_or("TF")
        .to_string();
    let (counts, indexes, pool) = (
        ints("ngram_counts"),
        ints("ngram_indexes"),
        ints("pool_int64s"),
    );
    let weights: Vec<f64> = ctx
        .attr(op, "weights")
        .and_then(|a| ctx.array_value(a))
        .map(|v| v.iter().filter_map(|&w| ctx.float_value(w)).collect())
        .unwrap_or_default();
    if !matches!(mode.as_str(), "TF" | "IDF" | "TFIDF") {
        return Err(format!("unknown mode '{mode}' (expected TF, IDF or TFIDF)"));
    }
    if min_g < 1 || max_g < min_g || max_skip < 0 {
        return Err("invalid min_gram_length, max_gram_length or max_skip_count".into());
    }
    let c = indexes.iter().copied().max().map_or(0, |m| m + 1);
    if indexes.iter().any(|&i| i < 0) || (!weights.is_empty() && weights.len() < c as usize) {
        return Err("invalid ngram_indexes or weights".into());
    }
    let xe = rw.ctx.element_type(rw.ctx.value_type(x));
    let f32t = rw.ctx.f32();
    let rank = sx.len();
    let n_tok = sx[rank - 1];
    let batch: Vec<i64> = sx[..rank - 1].to_vec();
    // Per used pool n-gram: its counts ([batch.., G] per size) and output index.
    let mut parts = Vec::new();
    let mut out_index = Vec::new();
    let mut ngram_id = 0usize;
    for (i, &start) in counts.iter().enumerate() {
        let size = i as i64 + 1;
        let end = counts.get(i + 1).copied().unwrap_or(pool.len() as i64);
        if start < 0 || end < start || end as usize > pool.len() {
            return Err("invalid ngram_counts".into());
        }
        let ngrams = ((end - start) / size) as usize;
        if ngrams == 0 || size < min_g || size > max_g {
            ngram_id += ngrams;
            continue;
        }
        let grams: Vec<&[i64]> = pool[start as usize..start as usize + ngrams * size as usize]
            .chunks(size as usize)
            .collect();
        let skips: Vec<i64> = if size == 1 {
            vec![1]
        } else {
            (1..=max_skip + 1).collect()
        };
        let mut total: Option<Value> = None;
        for d in skips {
            let l = n_tok - (size - 1) * d;
            if l <= 0 {
                continue;
            }
            let mut all: Option<Value> = None;
            for j in 0..size {
                let mut starts = vec![0; rank];
                starts[rank - 1] = j * d;
                let mut sizes = batch.clone();
                sizes.push(l);
                let col = slice(rw, loc, x, &starts, &sizes)?;
                let mut s3 = sizes.clone();
                s3.push(1);
                let col = reshape(rw, loc, col, &s3)?;
                let column: Vec<i128> = grams.iter().map(|g| i128::from(g[j as usize])).collect();
                let p = int_const(rw, loc, &[ngrams as i64], xe, &column)?;
                let e = cmp(rw, loc, "equal", col, p)?;
                all = Some(match all {
                    None => e,
                    Some(a) => {
                        let i1 = rw.ctx.i1();
                        ew(rw, loc, "and", &[a, e], i1)?
                    }
                });
            }
            let hits = all.ok_or("empty n-gram")?;
            let hits = cast(rw, loc, hits, f32t)?;
            let cnt = reduce(rw, loc, "graph.reduce_sum", hits, &[rank as i64 - 1], false)?;
            total = Some(match total {
                None => cnt,
                Some(t) => build(rw, loc, "graph.add", &[t, cnt], vec![])?,
            });
        }
        let total = match total {
            Some(t) => t,
            None => {
                let mut shape = batch.clone();
                shape.push(ngrams as i64);
                float_const(rw, loc, &shape, f32t, &[0.0])?
            }
        };
        parts.push(total);
        for k in 0..ngrams {
            let idx = *indexes
                .get(ngram_id + k)
                .ok_or("ngram_indexes has fewer entries than the pool has n-grams")?;
            out_index.push(idx);
        }
        ngram_id += ngrams;
    }
    let mut out_shape = batch.clone();
    out_shape.push(c);
    let freq = if parts.is_empty() || c == 0 {
        float_const(rw, loc, &out_shape, f32t, &[0.0])?
    } else {
        let all = if parts.len() == 1 {
            parts[0]
        } else {
            concat(rw, loc, &parts, rank as i64 - 1)?
        };
        let g = out_index.len();
        let mut onehot = vec![0.0; g * c as usize];
        for (k, &idx) in out_index.iter().enumerate() {
            onehot[k * c as usize + idx as usize] = 1.0;
        }
        let m = float_const(rw, loc, &[g as i64, c], f32t, &onehot)?;
        if batch.is_empty() {
            // matmul needs rank 2: [G] -> [1, G] -> [1, C] -> [C].
            let row = reshape(rw, loc, all, &[1, g as i64])?;
            let f = matmul(rw, loc, row, m, false)?;
            reshape(rw, loc, f, &[c])?
        } else {
            matmul(rw, loc, all, m, false)?
        }
    };
    let w = || -> Vec<f64> { weights[..c as usize].to_vec() };
    let y = match (mode.as_str(), weights.is_empty()) {
        ("TF", _) | ("TFIDF", true) => freq,
        ("TFIDF", false) => {
            let wv = float_const(rw, loc, &[c], f32t, &w())?;
            build(rw, loc, "graph.mul", &[freq, wv], vec![])?
        }
        (_, empty) => {
            let zero = float_const(rw, loc, &[], f32t, &[0.0])?;
            let seen = cmp(rw, loc, "greater", freq, zero)?;
            if empty {
                cast(rw, loc, seen, f32t)?
            } else {
                let wv = float_const(rw, loc, &[c], f32t, &w())?;
                select(rw, loc, seen, wv, zero)?
            }
        }
    };
    Ok(vec![y])
}
