//! Loop unrolling: `--loop-unroll` unrolls every `loop.for` marked
//! `{unroll = N : i64}` by N. te-to-loop marks the loops of a schedule's
//! `unroll` entries and calls [`unroll_loop`] on them itself.
//!
//! A loop with a constant step `s` becomes a main loop of step `s * N`
//! whose body holds N copies of the original body (copy `k` sees the
//! induction variable `iv + k * s` and the iter_args yielded by copy
//! `k - 1`), followed by the original loop as the remainder, starting where
//! the main loop stopped and carrying its results. When the trip count is
//! a known constant (constant bounds, or `ub = lb + c`) the main loop's
//! bound is a constant and the remainder is dropped when N divides the trip
//! count; otherwise the bound is computed at run time. A loop whose known
//! trip count is at most N is unrolled completely: its copies replace it in
//! straight-line code.

use crate::canonicalize::{constant_index, trip_count};
use crate::ops::{ForOp, for_body};
use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::{Attr, Context, Diagnostic, Op, OperationState, Value, WalkResult};
use rustc_hash::FxHashMap;

/// The `unroll` factor a loop is marked with, if any.
pub fn unroll_factor(ctx: &Context, op: Op) -> Option<i64> {
    ctx.attr(op, "unroll")
        .and_then(|a| ctx.int_value(a))
        .and_then(|v| i64::try_from(v).ok())
}

pub(crate) fn new_op(
    ctx: &mut Context,
    anchor: Op,
    loc: Attr,
    name: &str,
    operands: &[Value],
    attrs: &[(&str, Attr)],
) -> Value {
    let n = ctx.op_name_id(name);
    let mut st = OperationState::new(n, loc);
    st.operands = operands.to_vec();
    st.result_types = vec![ctx.index_type()];
    for (k, v) in attrs {
        let id = ctx.ident(k);
        st.attrs.push((id, *v));
    }
    let op = ctx.create_op(st);
    ctx.insert_op_before(anchor, op);
    ctx.result(op, 0)
}

pub(crate) fn index_const(ctx: &mut Context, anchor: Op, loc: Attr, v: i64) -> Value {
    let a = ctx.index_attr(v);
    new_op(ctx, anchor, loc, "arith.constant", &[], &[("value", a)])
}

/// `ub - lb` when it is a known constant: constant bounds, or
/// `ub = arith.addi lb, c` (either operand order).
pub(crate) fn constant_span(ctx: &Context, op: Op) -> Option<i64> {
    let (lb, ub) = (ctx.operand(op, 0), ctx.operand(op, 1));
    if let (Some(l), Some(u)) = (constant_index(ctx, lb), constant_index(ctx, ub)) {
        return u.checked_sub(l);
    }
    let d = ctx.defining_op(ub)?;
    if ctx.op_name_str(d) != "arith.addi" || ctx.num_operands(d) != 2 {
        return None;
    }
    let (a, b) = (ctx.operand(d, 0), ctx.operand(d, 1));
    if a == lb {
        constant_index(ctx, b)
    } else if b == lb {
        constant_index(ctx, a)
    } else {
        None
    }
}

/// Clones `op` (with its regions) before `anchor`, remapping operands
/// through `map`; the clone's results are recorded in `map`.
pub(crate) fn clone_op_before(
    ctx: &mut Context,
    op: Op,
    anchor: Option<Op>,
    map: &mut FxHashMap<Value, Value>,
) -> Op {
    let loc = ctx.op_loc(op);
    let mut st = OperationState::new(ctx.op_name(op), loc);
    st.operands = ctx
        .operands(op)
        .map(|v| map.get(&v).copied().unwrap_or(v))
        .collect();
    st.result_types = ctx.result_types(op);
    st.raw_props = ctx.op_props(op);
    st.attrs = ctx.dict_entries(ctx.op_attr_dict(op)).to_vec();
    st.successors = ctx.successors(op).to_vec();
    for r in ctx.regions(op).to_vec() {
        let nr = ctx.create_region();
        for b in ctx.region_blocks(r).collect::<Vec<_>>() {
            let bloc = ctx.unknown_loc();
            let nb = ctx.create_block(&[], bloc);
            for a in ctx.block_args(b).to_vec() {
                let l = ctx.block_arg_loc(a).unwrap_or(bloc);
                let t = ctx.value_type(a);
                let na = ctx.add_block_arg(nb, t, l);
                map.insert(a, na);
            }
            ctx.append_block(nr, nb);
            for o in ctx.block_ops_vec(b) {
                let c = clone_op_before(ctx, o, None, map);
                ctx.append_op(nb, c);
            }
        }
        st.regions.push(nr);
    }
    let new = ctx.create_op(st);
    for (o, n) in ctx
        .results(op)
        .collect::<Vec<_>>()
        .into_iter()
        .zip(ctx.results(new).collect::<Vec<_>>())
    {
        map.insert(o, n);
    }
    if let Some(a) = anchor {
        ctx.insert_op_before(a, new);
    }
    new
}

/// Unrolls the `loop.for` `lp` by `factor` (see the module doc). Returns
/// false, leaving the loop unchanged, when its step is not a positive
/// constant or there is nothing to unroll; the `unroll` mark is removed
/// either way.
pub fn unroll_loop(ctx: &mut Context, lp: Op, factor: i64) -> bool {
    ctx.remove_attr(lp, "unroll");
    let Some(step) = constant_index(ctx, ctx.operand(lp, 2)).filter(|&s| s > 0) else {
        return false;
    };
    let Some(body) = for_body(ctx, lp) else {
        return false;
    };
    let Some(term) = ctx.last_op(body) else {
        return false;
    };
    if factor < 2 {
        return false;
    }
    let Some(big_step) = step.checked_mul(factor) else {
        return false;
    };
    let loc = ctx.op_loc(lp);
    let lb = ctx.operand(lp, 0);
    let ub = ctx.operand(lp, 1);
    let inits: Vec<Value> = ctx.operands(lp).skip(3).collect();
    // The main loop's upper bound, and whether a remainder is left.
    let span = trip_count(ctx, lp)
        .map(|t| t.saturating_mul(step))
        .or_else(|| constant_span(ctx, lp));
    let (main_ub, remainder) = match span {
        Some(span) => {
            let trips = if span <= 0 {
                0
            } else {
                (span + step - 1) / step
            };
            if trips >= 1 && trips <= factor {
                full_unroll(ctx, lp, trips, step);
                return true;
            }
            let main_trips = trips / factor;
            if main_trips == 0 {
                return false;
            }
            let len = main_trips * big_step;
            let v = match constant_index(ctx, lb) {
                Some(l) => index_const(ctx, lp, loc, l + len),
                None => {
                    let c = index_const(ctx, lp, loc, len);
                    new_op(ctx, lp, loc, "arith.addi", &[lb, c], &[])
                }
            };
            (v, trips % factor != 0)
        }
        None => {
            // lb + (max(ub - lb, 0) / big_step) * big_step
            let zero = index_const(ctx, lp, loc, 0);
            let bs = index_const(ctx, lp, loc, big_step);
            let d = new_op(ctx, lp, loc, "arith.subi", &[ub, lb], &[]);
            let d = new_op(ctx, lp, loc, "arith.maxsi", &[d, zero], &[]);
            let q = new_op(ctx, lp, loc, "arith.divsi", &[d, bs], &[]);
            let m = new_op(ctx, lp, loc, "arith.muli", &[q, bs], &[]);
            (new_op(ctx, lp, loc, "arith.addi", &[lb, m], &[]), true)
        }
    };
    let bs = index_const(ctx, lp, loc, big_step);
    let offsets: Vec<Value> = (1..factor)
        .map(|k| index_const(ctx, lp, loc, k * step))
        .collect();
    // The main loop: a fresh loop.for whose body holds `factor` copies.
    let arg_tys: Vec<_> = ctx
        .block_args(body)
        .iter()
        .map(|&a| ctx.value_type(a))
        .collect();
    let r = ctx.create_region();
    let nb = ctx.create_block(&arg_tys, loc);
    ctx.append_block(r, nb);
    let yname = ctx.op_name_id("loop.yield");
    let ny = ctx.create_op(OperationState::new(yname, ctx.op_loc(term)));
    ctx.append_op(nb, ny);
    let name = ctx.op_name(lp);
    let mut st = OperationState::new(name, loc);
    st.operands = vec![lb, main_ub, bs];
    st.operands.extend(&inits);
    st.result_types = ctx.result_types(lp);
    st.raw_props = ctx.op_props(lp);
    st.attrs = ctx.dict_entries(ctx.op_attr_dict(lp)).to_vec();
    st.regions.push(r);
    let main = ctx.create_op(st);
    ctx.insert_op_before(lp, main);
    let nargs = ctx.block_args(nb).to_vec();
    let old_args = ctx.block_args(body).to_vec();
    let mut carried: Vec<Value> = nargs[1..].to_vec();
    for k in 0..factor as usize {
        let mut map: FxHashMap<Value, Value> = FxHashMap::default();
        let iv = if k == 0 {
            nargs[0]
        } else {
            new_op(ctx, ny, loc, "arith.addi", &[nargs[0], offsets[k - 1]], &[])
        };
        map.insert(old_args[0], iv);
        for (&a, &c) in old_args[1..].iter().zip(&carried) {
            map.insert(a, c);
        }
        for o in ctx.block_ops_vec(body) {
            if o == term {
                continue;
            }
            clone_op_before(ctx, o, Some(ny), &mut map);
        }
        carried = ctx
            .operands(term)
            .map(|v| map.get(&v).copied().unwrap_or(v))
            .collect();
    }
    ctx.set_operands(ny, &carried);
    let main_results: Vec<Value> = ctx.results(main).collect();
    if remainder {
        // The original loop runs the rest, from where the main loop stopped.
        let mut ops = vec![main_ub, ub, ctx.operand(lp, 2)];
        ops.extend(&main_results);
        ctx.set_operands(lp, &ops);
    } else {
        for (o, n) in ctx
            .results(lp)
            .collect::<Vec<_>>()
            .into_iter()
            .zip(main_results)
        {
            ctx.replace_all_uses_with(o, n);
        }
        ctx.erase_op(lp);
    }
    true
}

/// Replaces `lp`, whose trip count `trips` is known, by `trips` copies of
/// its body in straight-line code (copy `k` sees `lb + k * step`).
fn full_unroll(ctx: &mut Context, lp: Op, trips: i64, step: i64) {
    let Some(body) = for_body(ctx, lp) else {
        return;
    };
    let Some(term) = ctx.last_op(body) else {
        return;
    };
    let loc = ctx.op_loc(lp);
    let lb = ctx.operand(lp, 0);
    let old_args = ctx.block_args(body).to_vec();
    let mut carried: Vec<Value> = ctx.operands(lp).skip(3).collect();
    for k in 0..trips {
        let iv = if k == 0 {
            lb
        } else {
            match constant_index(ctx, lb) {
                Some(l) => index_const(ctx, lp, loc, l + k * step),
                None => {
                    let c = index_const(ctx, lp, loc, k * step);
                    new_op(ctx, lp, loc, "arith.addi", &[lb, c], &[])
                }
            }
        };
        let mut map: FxHashMap<Value, Value> = FxHashMap::default();
        map.insert(old_args[0], iv);
        for (&a, &c) in old_args[1..].iter().zip(&carried) {
            map.insert(a, c);
        }
        for o in ctx.block_ops_vec(body) {
            if o != term {
                clone_op_before(ctx, o, Some(lp), &mut map);
            }
        }
        carried = ctx
            .operands(term)
            .map(|v| map.get(&v).copied().unwrap_or(v))
            .collect();
    }
    for (o, n) in ctx.results(lp).collect::<Vec<_>>().into_iter().zip(carried) {
        ctx.replace_all_uses_with(o, n);
    }
    ctx.erase_op(lp);
}

/// Unrolls every loop under `root` marked `{unroll = N}`, innermost first.
/// Returns the number of loops unrolled.
pub fn unroll_marked_loops(ctx: &mut Context, root: Op) -> usize {
    let mut loops = Vec::new();
    ctx.walk_ops(root, &mut |o| {
        if ctx.op_name_str(o) == ForOp::NAME && ctx.attr(o, "unroll").is_some() {
            loops.push(o);
        }
        WalkResult::Advance
    });
    // Reverse pre-order: a loop comes after the loops nested in it, so
    // copies of an outer body hold already unrolled inner loops.
    loops.reverse();
    let mut n = 0;
    for lp in loops {
        let f = unroll_factor(ctx, lp).unwrap_or(1);
        if unroll_loop(ctx, lp, f) {
            n += 1;
        }
    }
    n
}

/// The `--loop-unroll` pass.
#[derive(Default)]
pub struct LoopUnroll;

impl Pass for LoopUnroll {
    fn argument(&self) -> &'static str {
        "loop-unroll"
    }
    fn display_name(&self) -> &'static str {
        "LoopUnroll"
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        unroll_marked_loops(ctx, op);
        Ok(())
    }
}

/// Registers `--loop-unroll`.
pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "loop-unroll",
        description: "Unroll loop.for ops marked {unroll = N} by N (remainder loop when N does not divide the trip count)",
        options: &[],
        create: || Box::new(LoopUnroll),
    });
}
