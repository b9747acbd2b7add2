//! Schedules on `te.compute` and the heuristic scheduler `--te-schedule`.
//!
//! A schedule is one dictionary attribute `schedule = {...}` on a compute.
//! Axes are numbered output axes `0..rank` then reduction axes
//! `rank..rank+nred`. Entries (all optional):
//!
//! * `tile = array<i64: t0, ..., tn-1>` — a tile size per axis (0 = untiled);
//! * `split = array<i64: axis, factor, ...>` — pairs, `1 <= factor <= extent`;
//! * `reorder = array<i64: ...>` — a permutation of all axes (loop order);
//! * `parallel = array<i64: ...>` — output axes run in parallel;
//! * `vectorize = array<i64: axis, width>` — an output axis, power-of-two width;
//! * `unroll = array<i64: axis, factor, ...>` — pairs;
//! * `compute_at = N : i64` — compute inside the loop nest of the single
//!   consuming compute, at depth `N` (< the consumer's axis count);
//! * `inline` (unit) — substitute into consumers; no reduction allowed.
//!
//! The verifier checks them against the compute's axes. `--lower-te-to-loops`
//! honours tile, split, reorder, parallel, unroll and (when legal)
//! vectorize, and reports `compute_at`, `inline` and an illegal vectorize
//! in remarks (module doc of `lowering/src/te_to_loop.rs`). The scheduler is a
//! small, honest heuristic (no cost model): parallelise outer output axis
//! 0, vectorize the innermost output axis by 8 for f32 when its extent is a
//! multiple of 8, tile reduction axes longer than 16 by 16, and tile the two
//! innermost output axes of a reduction (matmul/conv-like) by 32 when larger.

use crate::{ComputeInfo, ComputeOp, compute_info};
use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::{Attr, Context, Diagnostic, Op, WalkOrder, WalkResult};

fn ints(ctx: &Context, a: Attr, name: &str) -> Result<Vec<i64>, String> {
    ctx.dense_int_array(a)
        .ok_or_else(|| format!("schedule '{name}' must be an array<i64>"))
}

fn check_axis(axis: i64, n: usize, name: &str) -> Result<usize, String> {
    if axis < 0 || axis as usize >= n {
        return Err(format!(
            "schedule '{name}' axis {axis} out of range (compute has {n} axes)"
        ));
    }
    Ok(axis as usize)
}

fn pairs(v: &[i64], name: &str) -> Result<Vec<(i64, i64)>, String> {
    if !v.len().is_multiple_of(2) {
        return Err(format!("schedule '{name}' must hold (axis, factor) pairs"));
    }
    Ok(v.chunks(2).map(|c| (c[0], c[1])).collect())
}

/// Checks a compute's `schedule` attribute against its axes.
pub fn verify_schedule(ctx: &Context, op: Op, info: &ComputeInfo) -> Result<(), String> {
    let Some(s) = ctx.attr(op, "schedule") else {
        return Ok(());
    };
    if !matches!(ctx.attr_kind(s), dlc_ir::AttrKind::Dictionary { .. }) {
        return Err("'schedule' must be a dictionary".into());
    }
    let ext = info.all_extents();
    let n = ext.len();
    let rank = info.rank();
    for &(k, v) in ctx.dict_entries(s) {
        let key = ctx.ident_str(k);
        match key {
            "tile" => {
                let t = ints(ctx, v, key)?;
                if t.len() != n {
                    return Err(format!("schedule 'tile' needs {n} sizes, got {}", t.len()));
                }
                for (i, (&t, &e)) in t.iter().zip(&ext).enumerate() {
                    // A run-time extent takes any tile size.
                    if t < 0 || (e != crate::DYNAMIC && t > e) {
                        return Err(format!(
                            "schedule 'tile' size {t} for axis {i} must be in [0, {e}]"
                        ));
                    }
                }
            }
            "split" | "unroll" => {
                for (a, f) in pairs(&ints(ctx, v, key)?, key)? {
                    let a = check_axis(a, n, key)?;
                    if f < 1 || (ext[a] != crate::DYNAMIC && f > ext[a]) {
                        return Err(format!(
                            "schedule '{key}' factor {f} for axis {a} must be in [1, {}]",
                            ext[a]
                        ));
                    }
                }
            }
            "reorder" => {
                let mut p = ints(ctx, v, key)?;
                p.sort_unstable();
                if p != (0..n as i64).collect::<Vec<_>>() {
                    return Err(format!(
                        "schedule 'reorder' must be a permutation of the {n} axes"
                    ));
                }
            }
            "parallel" => {
                for a in ints(ctx, v, key)? {
                    let a = check_axis(a, n, key)?;
                    if a >= rank {
                        return Err(format!("schedule 'parallel' axis {a} is a reduction axis"));
                    }
                }
            }
            "vectorize" => {
                let p = ints(ctx, v, key)?;
                let [a, w] = p[..] else {
                    return Err("schedule 'vectorize' must be (axis, width)".into());
                };
                let a = check_axis(a, n, key)?;
                if a >= rank {
                    return Err(format!("schedule 'vectorize' axis {a} is a reduction axis"));
                }
                if w < 1 || (w & (w - 1)) != 0 {
                    return Err(format!(
                        "schedule 'vectorize' width {w} must be a power of two"
                    ));
                }
            }
            "compute_at" => {
                let depth = ctx
                    .int_value(v)
                    .ok_or("schedule 'compute_at' must be an integer")?;
                let r = ctx.result(op, 0);
                let mut consumers: Vec<Op> = ctx
                    .users(r)
                    .filter_map(|u| enclosing_or_self_compute(ctx, u))
                    .collect();
                consumers.sort_unstable();
                consumers.dedup();
                let all_in_computes = ctx
                    .users(r)
                    .all(|u| enclosing_or_self_compute(ctx, u).is_some());
                let consumer = match consumers.as_slice() {
                    [c] if all_in_computes => Some(*c),
                    _ => None,
                };
                let Some(c) = consumer else {
                    return Err(
                        "schedule 'compute_at' needs exactly one consuming te.compute".into(),
                    );
                };
                let cn = compute_info(ctx, c)?.all_extents().len() as i128;
                if depth < 0 || depth >= cn {
                    return Err(format!(
                        "schedule 'compute_at' depth {depth} out of range for a consumer with {cn} axes"
                    ));
                }
            }
            "inline" => {
                if !info.reduce_extents.is_empty() {
                    return Err("schedule 'inline' is not allowed on a reduction".into());
                }
            }
            _ => return Err(format!("unknown schedule entry '{key}'")),
        }
    }
    Ok(())
}

/// `op` if it is a compute, else the nearest enclosing compute.
fn enclosing_or_self_compute(ctx: &Context, mut op: Op) -> Option<Op> {
    loop {
        if ComputeOp::cast(ctx, op).is_some() {
            return Some(op);
        }
        op = ctx.parent_op(op)?;
    }
}

/// The default schedule the heuristic picks for a compute.
pub fn default_schedule(ctx: &mut Context, op: Op) -> Option<Attr> {
    let info = compute_info(ctx, op).ok()?;
    let rank = info.rank();
    let mut entries: Vec<(&str, Attr)> = Vec::new();
    if rank >= 1 && info.shape[0] > 1 {
        let a = ctx.dense_i64_array(&[0]);
        entries.push(("parallel", a));
    }
    let is_f32 = ctx.element_type(ctx.value_type(ctx.result(op, 0))) == ctx.f32();
    if is_f32 && rank >= 1 && info.shape[rank - 1] >= 8 && info.shape[rank - 1] % 8 == 0 {
        let a = ctx.dense_i64_array(&[rank as i64 - 1, 8]);
        entries.push(("vectorize", a));
    }
    if !info.reduce_extents.is_empty() {
        let mut tile: Vec<i64> = vec![0; rank];
        if rank >= 2 {
            for t in &mut tile[rank - 2..] {
                *t = 32;
            }
            for (t, &e) in tile.iter_mut().zip(&info.shape) {
                if *t >= e {
                    *t = 0;
                }
            }
        }
        tile.extend(
            info.reduce_extents
                .iter()
                .map(|&e| if e > 16 { 16 } else { 0 }),
        );
        if tile.iter().any(|&t| t != 0) {
            let a = ctx.dense_i64_array(&tile);
            entries.push(("tile", a));
        }
    }
    let entries = entries
        .into_iter()
        .map(|(k, v)| (ctx.ident(k), v))
        .collect();
    Some(ctx.dictionary_attr(entries))
}

/// `--te-schedule`: attaches [`default_schedule`] to every compute without one.
pub struct TeSchedule;

impl Pass for TeSchedule {
    fn argument(&self) -> &'static str {
        "te-schedule"
    }
    fn display_name(&self) -> &'static str {
        "TeSchedule"
    }
    fn run(&mut self, ctx: &mut Context, root: Op) -> Result<(), Diagnostic> {
        let mut computes = Vec::new();
        ctx.walk(root, WalkOrder::PreOrder, &mut |c, o| {
            if ComputeOp::cast(c, o).is_some() && c.attr(o, "schedule").is_none() {
                computes.push(o);
            }
            WalkResult::Advance
        });
        for op in computes {
            if let Some(s) = default_schedule(ctx, op)
                && !ctx.dict_entries(s).is_empty()
            {
                ctx.set_attr(op, "schedule", s);
            }
        }
        Ok(())
    }
}

pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "te-schedule",
        description: "Attach heuristic schedules (parallel outer axis, vectorize innermost by 8 for f32, tile reductions) to te.compute ops",
        options: &[],
        create: || Box::new(TeSchedule),
    });
}
