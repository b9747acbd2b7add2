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
//! * `peel = array<i64: ...>` — tiled axes whose partial last tile is
//!   peeled off (`--loop-peel`), so full tiles have constant extents;
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
use dlc_ir::{Attr, Context, Diagnostic, Op, Value, WalkOrder, WalkResult};

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
            "peel" => {
                for a in ints(ctx, v, key)? {
                    check_axis(a, n, key)?;
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

/// The register tile of the contraction micro-kernel: `mr` rows (one
/// broadcast each) by `nr` columns (`nr / width` vectors), so `mr * nr /
/// width` accumulators, `nr / width` vectors of the right-hand side and one
/// broadcast are live in vector registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MicroTile {
    pub mr: i64,
    pub nr: i64,
    /// f32 lanes per vector register.
    pub width: i64,
    /// The reduction block (elements of the reduction axis per pass over
    /// the accumulators): a `kc x nr` panel of the right-hand side stays
    /// in L1.
    pub kc: i64,
}

impl MicroTile {
    /// The tile for `width` f32 lanes and `regs` vector registers: the
    /// largest `mr x (2 vectors)` tile that leaves room for the two
    /// right-hand-side vectors and the broadcast (6 x 16 for AVX2's 16
    /// ymm registers, 8 x 8 for NEON's 32 q registers at width 4 with 2
    /// vectors).
    pub fn for_target(width: i64, regs: i64) -> MicroTile {
        let nv = 2;
        let mr = ((regs - nv - 1) / nv).clamp(1, 8);
        MicroTile {
            mr,
            nr: nv * width,
            width,
            kc: 256,
        }
    }
}

impl Default for MicroTile {
    fn default() -> Self {
        MicroTile::for_target(8, 16)
    }
}

/// Float ops a contraction body may apply to values along its vector axis.
const CONTRACTION_OPS: &[&str] = &["arith.mulf", "arith.addf", "arith.subf", "arith.negf"];

/// How a contraction body reads along its vector axis `v`: `None` unless
/// every op depending on `v` is an index `arith.addi` of a unit-stride
/// index and one independent of `v` (`%ow + %kw`), a `te.extract` whose
/// last index is unit-stride in `v` and whose other indices do not depend
/// on `v`, or a float op of [`CONTRACTION_OPS`]. Otherwise, for each
/// output axis, whether some extract moving along `v` also depends on it
/// (such an axis is a poor broadcast axis: its rows share no loads).
fn unit_stride_along(ctx: &Context, op: Op, v: usize, rank: usize) -> Option<Vec<bool>> {
    let body = crate::body_block(ctx, op)?;
    let args = ctx.block_args(body).to_vec();
    let iv = *args.get(v)?;
    // Unit-stride index values, vector values, and the axes each index
    // value depends on.
    let mut unit = vec![iv];
    let mut vector: Vec<Value> = Vec::new();
    let mut axes: rustc_hash::FxHashMap<Value, Vec<usize>> = Default::default();
    for (a, &x) in args.iter().enumerate() {
        axes.insert(x, vec![a]);
    }
    let mut shared = vec![false; rank];
    for o in ctx.block_ops_vec(body) {
        let name = ctx.op_name_str(o);
        let ins: Vec<Value> = ctx.operands(o).collect();
        let mut dep: Vec<usize> = Vec::new();
        for x in &ins {
            if let Some(d) = axes.get(x) {
                dep.extend(d);
            }
        }
        dep.sort_unstable();
        dep.dedup();
        for r in ctx.results(o) {
            axes.insert(r, dep.clone());
        }
        let depends = ins.iter().any(|x| unit.contains(x) || vector.contains(x));
        if !depends {
            if ctx.num_regions(o) != 0 {
                return None;
            }
            continue;
        }
        match name {
            "te.yield" => {}
            "arith.addi" => {
                let units = ins.iter().filter(|x| unit.contains(x)).count();
                if units != 1 || ins.iter().any(|x| vector.contains(x)) {
                    return None;
                }
                unit.push(ctx.result(o, 0));
            }
            "te.extract" => {
                let idx = &ins[1..];
                let (last, rest) = idx.split_last()?;
                if !unit.contains(last) || rest.iter().any(|x| unit.contains(x)) {
                    return None;
                }
                for &a in &dep {
                    if a < rank && a != v {
                        shared[a] = true;
                    }
                }
                vector.push(ctx.result(o, 0));
            }
            _ if CONTRACTION_OPS.contains(&name) && !ins.iter().any(|x| unit.contains(x)) => {
                vector.extend(ctx.results(o));
            }
            _ => return None,
        }
    }
    Some(shared)
}

/// The micro-kernel schedule of a contraction (f32, `add` reductions, a
/// static last output axis `v` along which the reads have unit stride),
/// or `None`. `out[.., u, .., v] = sum_r f(..)` gets an `mr x nr` register
/// tile over `u` (an output axis the reads along `v` do not depend on, so
/// its rows share their vector loads: a matmul's `m`, a convolution's
/// output channels) and `v` (a matmul's `n`, a convolution's output
/// columns), and reduction blocks of about `kc` steps; loops
/// `others.., r0.o, u.o, v.o, r0, r1.., u, v`; `v` vectorized, the point
/// loops of `u` and `v` unrolled completely after peeling partial tiles,
/// so `--loop-promote` keeps the accumulators in registers for the whole
/// reduction block; the tiles of `u` (or, when `u` has a single tile, of
/// `v`) are split over the thread pool.
pub fn contraction_schedule(
    ctx: &mut Context,
    op: Op,
    tile: MicroTile,
) -> Option<Vec<(&'static str, Attr)>> {
    let info = compute_info(ctx, op).ok()?;
    let rank = info.rank();
    let nred = info.reduce_extents.len();
    if rank < 2 || nred == 0 || info.combiner.as_deref() != Some("add") || info.elem != ctx.f32() {
        return None;
    }
    let v = rank - 1;
    let n = info.shape[v];
    if n != crate::DYNAMIC && n < tile.width {
        return None;
    }
    let shared = unit_stride_along(ctx, op, v, rank)?;
    // The broadcast axis: the longest static axis whose rows share loads,
    // else a run-time one whose rows share loads (a sequence), else the
    // one before v.
    let u = (0..v)
        .filter(|&a| !shared[a] && info.shape[a] != crate::DYNAMIC && info.shape[a] > 1)
        .max_by_key(|&a| (info.shape[a], a))
        .or_else(|| {
            (0..v)
                .rev()
                .find(|&a| !shared[a] && info.shape[a] == crate::DYNAMIC)
        })
        .unwrap_or(v - 1);
    let m = info.shape[u];
    let mr = if m == crate::DYNAMIC {
        tile.mr
    } else {
        tile.mr.min(m)
    };
    let nr = if n == crate::DYNAMIC || n >= tile.nr {
        tile.nr
    } else {
        tile.width
    };
    // Reduction blocks of about kc steps (a run-time extent is blocked too).
    let inner: i64 = info.reduce_extents[1..]
        .iter()
        .map(|&e| if e == crate::DYNAMIC { 1 } else { e })
        .product();
    let r0 = info.reduce_extents[0];
    let kc = (tile.kc / inner.max(1)).max(1);
    let kc = if r0 == crate::DYNAMIC { kc } else { kc.min(r0) };
    let mut tiles = vec![0; rank + nred];
    tiles[u] = mr;
    tiles[v] = nr;
    tiles[rank] = kc;
    let mut order: Vec<i64> = (0..rank)
        .filter(|&a| a != u && a != v)
        .map(|a| a as i64)
        .collect();
    order.extend((rank..rank + nred).map(|a| a as i64));
    order.extend([u as i64, v as i64]);
    let (u, v) = (u as i64, v as i64);
    Some(vec![
        ("tile", ctx.dense_i64_array(&tiles)),
        ("reorder", ctx.dense_i64_array(&order)),
        ("vectorize", ctx.dense_i64_array(&[v, tile.width])),
        ("unroll", ctx.dense_i64_array(&[u, mr, v, nr / tile.width])),
        ("peel", ctx.dense_i64_array(&[u, v])),
        ("parallel", ctx.dense_i64_array(&[u, v])),
    ])
}

/// Output elements from which a compute's nest is worth splitting over
/// threads (below, waking the pool costs more than the work).
pub const MIN_PARALLEL_ELEMENTS: i64 = 1 << 14;

/// The schedule of a compute the micro-kernel does not take: its first
/// output axis longer than 1 runs in parallel when the compute writes at
/// least [`MIN_PARALLEL_ELEMENTS`] elements (static extents), else none.
fn parallel_schedule(ctx: &mut Context, op: Op) -> Option<Vec<(&'static str, Attr)>> {
    let info = compute_info(ctx, op).ok()?;
    if info.shape.contains(&crate::DYNAMIC)
        || info.shape.iter().product::<i64>() < MIN_PARALLEL_ELEMENTS
    {
        return None;
    }
    let a = info.shape.iter().position(|&e| e > 1)? as i64;
    Some(vec![("parallel", ctx.dense_i64_array(&[a]))])
}

/// The schedule the code-generation strategy picks for a compute: the
/// micro-kernel of [`contraction_schedule`] for matmul-like computes; for
/// the others at most a parallel outer axis ([`parallel_schedule`]).
pub fn strategy_schedule(ctx: &mut Context, op: Op, tile: MicroTile) -> Option<Attr> {
    let entries = contraction_schedule(ctx, op, tile).or_else(|| parallel_schedule(ctx, op))?;
    let entries = entries
        .into_iter()
        .map(|(k, v)| (ctx.ident(k), v))
        .collect();
    Some(ctx.dictionary_attr(entries))
}

/// The default schedule the heuristic picks for a compute.
pub fn default_schedule(ctx: &mut Context, op: Op) -> Option<Attr> {
    if let Some(entries) = contraction_schedule(ctx, op, MicroTile::default()) {
        let entries = entries
            .into_iter()
            .map(|(k, v)| (ctx.ident(k), v))
            .collect();
        return Some(ctx.dictionary_attr(entries));
    }
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

/// `--te-schedule`: attaches [`default_schedule`] to every compute without
/// one; with `contractions-only=true` (as in dlc's pipeline) only the
/// micro-kernel schedules of matmul-like computes ([`strategy_schedule`]).
#[derive(Default)]
pub struct TeSchedule {
    contractions_only: bool,
}

impl Pass for TeSchedule {
    fn argument(&self) -> &'static str {
        "te-schedule"
    }
    fn display_name(&self) -> &'static str {
        "TeSchedule"
    }
    fn set_option(&mut self, key: &str, value: &str) -> Result<(), String> {
        match (key, value) {
            ("contractions-only", "true" | "1") => self.contractions_only = true,
            ("contractions-only", "false" | "0") => self.contractions_only = false,
            ("contractions-only", _) => return Err(format!("'{value}' is not a boolean")),
            _ => return Err(format!("no such option '{key}'")),
        }
        Ok(())
    }
    fn options(&self) -> Vec<(String, String)> {
        vec![(
            "contractions-only".into(),
            self.contractions_only.to_string(),
        )]
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
            let s = if self.contractions_only {
                strategy_schedule(ctx, op, MicroTile::default())
            } else {
                default_schedule(ctx, op)
            };
            if let Some(s) = s
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
        options: &[dlc_ir::pass::PassOptionInfo {
            name: "contractions-only",
            description: "Schedule only matmul-like computes (register-blocked micro-kernels), as dlc's pipeline does",
            default: "false",
        }],
        create: || Box::new(TeSchedule::default()),
    });
}
