//! Loop peeling: `--loop-peel` splits every `loop.for` marked `{peel}`
//! into full steps and the partial last step, so the point loops of a
//! tile get constant trip counts (which `--loop-unroll` then unrolls
//! completely and `--loop-promote` keeps in registers).
//!
//! A loop `for %o = lb to ub step s` with constant bounds and step, where
//! `(ub - lb) % s = r`, becomes `for %o = lb to ub - r step s` followed by
//! one copy of its body at `%o = ub - r` (none when `r = 0`). Inside the
//! main loop every `arith.minsi(%o + c, u)` with `c <= s` and a constant
//! `u >= ub` (the clamp of a tile's point loop, as te-to-loop builds it)
//! becomes `%o + c`: a full step never runs past the end. In the peeled
//! copy `%o` is a constant, so the clamp folds. With a run-time end the
//! main loop stops at `lb + ((ub - lb) / s) * s` and the loop as it was
//! (clamps kept) runs the rest; a run-time step is left alone (only the
//! mark is removed).

use crate::canonicalize::constant_index;
use crate::ops::{ForOp, for_body};
use crate::unroll::{clone_op_before, index_const, new_op};
use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::{Context, Diagnostic, Op, Value, WalkResult};
use rustc_hash::FxHashMap;

/// `v` as `base + c` when it is an `arith.addi` of `base` and a constant.
fn plus_constant(ctx: &Context, v: Value) -> Option<(Value, i64)> {
    let d = ctx.defining_op(v)?;
    if ctx.op_name_str(d) != "arith.addi" || ctx.num_operands(d) != 2 {
        return None;
    }
    let (a, b) = (ctx.operand(d, 0), ctx.operand(d, 1));
    match (constant_index(ctx, a), constant_index(ctx, b)) {
        (_, Some(c)) => Some((a, c)),
        (Some(c), _) => Some((b, c)),
        _ => None,
    }
}

/// The loop's end for [`drop_clamps`]: a constant, or a run-time value.
#[derive(Clone, Copy)]
enum End {
    Const(i64),
    Value(Value),
}

/// Replaces the clamps `minsi(iv + c, u)` under `lp`, where `c <= step`
/// and `u` is at least the loop's end (a constant `u >= ub`, or the
/// run-time end itself), by `iv + c`. Returns how many were removed.
fn drop_clamps(ctx: &mut Context, lp: Op, iv: Value, step: i64, end: End) -> usize {
    let mut n = 0;
    for o in ctx.nested_ops(lp) {
        if ctx.op_name_str(o) != "arith.minsi" || ctx.num_operands(o) != 2 {
            continue;
        }
        let (a, b) = (ctx.operand(o, 0), ctx.operand(o, 1));
        let covers = |u: Value| match end {
            End::Const(e) => constant_index(ctx, u).is_some_and(|u| u >= e),
            End::Value(e) => u == e,
        };
        let x = if covers(b) {
            a
        } else if covers(a) {
            b
        } else {
            continue;
        };
        let Some((base, c)) = plus_constant(ctx, x) else {
            continue;
        };
        if base == iv && c <= step {
            let r = ctx.result(o, 0);
            ctx.replace_all_uses_with(r, x);
            ctx.erase_op(o);
            n += 1;
        }
    }
    n
}

/// The uses of each of `results`, as (user, operand index), recorded
/// before a copy of the loop body starts reading them.
fn result_uses(ctx: &Context, results: &[Value]) -> Vec<Vec<(Op, usize)>> {
    results
        .iter()
        .map(|&r| {
            ctx.uses(r)
                .map(|u| (ctx.use_owner(u), ctx.use_index(u)))
                .collect()
        })
        .collect()
}

/// Peels the partial last step off `lp` (see the module doc). Returns
/// whether the loop changed; the `peel` mark is removed either way.
pub fn peel_loop(ctx: &mut Context, lp: Op) -> bool {
    ctx.remove_attr(lp, "peel");
    let bounds = (
        constant_index(ctx, ctx.operand(lp, 0)),
        constant_index(ctx, ctx.operand(lp, 1)),
        constant_index(ctx, ctx.operand(lp, 2)),
    );
    let (lb, ub, step) = match bounds {
        (Some(lb), Some(ub), Some(step)) => (lb, ub, step),
        (_, _, Some(step)) if step > 0 => return peel_dynamic(ctx, lp, step),
        _ => return false,
    };
    if step <= 0 || ub <= lb {
        return false;
    }
    let Some(body) = for_body(ctx, lp) else {
        return false;
    };
    let Some(term) = ctx.last_op(body) else {
        return false;
    };
    let r = (ub - lb) % step;
    let loc = ctx.op_loc(lp);
    let iv = ctx.block_args(body)[0];
    if r == 0 {
        return drop_clamps(ctx, lp, iv, step, End::Const(ub)) > 0;
    }
    let main_ub = ub - r;
    let next = ctx.next_op(lp);
    let anchor = match next {
        Some(n) => n,
        None => return false,
    };
    if main_ub > lb {
        let v = index_const(ctx, lp, loc, main_ub);
        ctx.set_operand(lp, 1, v);
    }
    // The peeled step: a copy of the body at iv = main_ub, after the loop,
    // carrying the main loop's results. The loop's users (recorded before
    // the copy reads the results) take the copy's values instead.
    let results: Vec<Value> = ctx.results(lp).collect();
    let users = result_uses(ctx, &results);
    let start = index_const(ctx, anchor, loc, main_ub);
    let mut map: FxHashMap<Value, Value> = FxHashMap::default();
    map.insert(iv, start);
    let args = ctx.block_args(body).to_vec();
    for (&a, &res) in args[1..].iter().zip(&results) {
        map.insert(a, res);
    }
    for o in ctx.block_ops_vec(body) {
        if o == term {
            continue;
        }
        clone_op_before(ctx, o, Some(anchor), &mut map);
    }
    for (k, v) in ctx.operand_vec(term).into_iter().enumerate() {
        let fin = map.get(&v).copied().unwrap_or(v);
        for &(owner, i) in &users[k] {
            ctx.set_operand(owner, i, fin);
        }
    }
    if main_ub > lb {
        drop_clamps(ctx, lp, iv, step, End::Const(main_ub));
    } else {
        // Only the partial step runs: the main loop is empty.
        let inits: Vec<Value> = ctx.operands(lp).skip(3).collect();
        for (&res, &init) in results.iter().zip(&inits) {
            ctx.replace_all_uses_with(res, init);
        }
        ctx.erase_op(lp);
    }
    true
}

/// Peeling with run-time bounds: the loop runs to
/// `lb + ((ub - lb) / step) * step` without the clamps, and a copy of it
/// (the original loop, clamps kept) runs from there to `ub`: at most one
/// partial step.
fn peel_dynamic(ctx: &mut Context, lp: Op, step: i64) -> bool {
    let Some(body) = for_body(ctx, lp) else {
        return false;
    };
    let Some(anchor) = ctx.next_op(lp) else {
        return false;
    };
    let loc = ctx.op_loc(lp);
    let (lb, ub) = (ctx.operand(lp, 0), ctx.operand(lp, 1));
    let zero = index_const(ctx, lp, loc, 0);
    let s = index_const(ctx, lp, loc, step);
    let d = new_op(ctx, lp, loc, "arith.subi", &[ub, lb], &[]);
    let d = new_op(ctx, lp, loc, "arith.maxsi", &[d, zero], &[]);
    let q = new_op(ctx, lp, loc, "arith.divsi", &[d, s], &[]);
    let m = new_op(ctx, lp, loc, "arith.muli", &[q, s], &[]);
    let main_ub = new_op(ctx, lp, loc, "arith.addi", &[lb, m], &[]);
    // The rest: the loop as it was, from main_ub, carrying the main
    // loop's results.
    let results: Vec<Value> = ctx.results(lp).collect();
    let users = result_uses(ctx, &results);
    let mut map = FxHashMap::default();
    let rest = clone_op_before(ctx, lp, Some(anchor), &mut map);
    let mut ops = vec![main_ub, ub, ctx.operand(lp, 2)];
    ops.extend(&results);
    ctx.set_operands(rest, &ops);
    for (k, &r) in ctx.results(rest).collect::<Vec<_>>().iter().enumerate() {
        for &(owner, i) in &users[k] {
            ctx.set_operand(owner, i, r);
        }
    }
    ctx.set_operand(lp, 1, main_ub);
    let iv = ctx.block_args(body)[0];
    drop_clamps(ctx, lp, iv, step, End::Value(ub));
    true
}

/// Peels every loop under `root` marked `{peel}`, outermost first (the
/// copies of an outer body carry the marks of the loops inside it, which
/// are peeled in turn). Returns the number of loops changed.
pub fn peel_marked_loops(ctx: &mut Context, root: Op) -> usize {
    let mut n = 0;
    loop {
        let mut found = None;
        ctx.walk_ops(root, &mut |o| {
            if ctx.op_name_str(o) == ForOp::NAME && ctx.attr(o, "peel").is_some() {
                found = Some(o);
                return WalkResult::Interrupt;
            }
            WalkResult::Advance
        });
        let Some(lp) = found else {
            return n;
        };
        if peel_loop(ctx, lp) {
            n += 1;
        }
    }
}

/// The `--loop-peel` pass.
#[derive(Default)]
pub struct LoopPeel;

impl Pass for LoopPeel {
    fn argument(&self) -> &'static str {
        "loop-peel"
    }
    fn display_name(&self) -> &'static str {
        "LoopPeel"
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        peel_marked_loops(ctx, op);
        Ok(())
    }
}

/// Registers `--loop-peel`.
pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "loop-peel",
        description: "Peel the partial last step off loop.for ops marked {peel}, so tile point loops get constant trip counts",
        options: &[],
        create: || Box::new(LoopPeel),
    });
}
