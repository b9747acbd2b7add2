//! Loop canonicalizations (zero-trip loops fold to their inits,
//! single-iteration loops, also `lb to lb + c step s` with `c <= s`, are
//! inlined) and the `--loop-hoist` pass, which
//! moves pure loop-invariant ops out of `loop.for` bodies.

use crate::ops::{ForOp, for_body};
use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::rewrite::{FnPattern, PatternRewriter, value_constant};
use dlc_ir::{Context, Diagnostic, Op, PatternSet, Traits, Value, WalkResult};

/// The integer value of a constant `index` (or integer) value.
pub fn constant_index(ctx: &Context, v: Value) -> Option<i64> {
    let a = value_constant(ctx, v)?;
    ctx.int_value(a).and_then(|x| i64::try_from(x).ok())
}

/// Static trip count of a `loop.for` with constant bounds and step.
pub fn trip_count(ctx: &Context, op: Op) -> Option<i64> {
    let lb = constant_index(ctx, ctx.operand(op, 0))?;
    let ub = constant_index(ctx, ctx.operand(op, 1))?;
    let step = constant_index(ctx, ctx.operand(op, 2))?;
    if step <= 0 {
        return None;
    }
    if ub <= lb {
        return Some(0);
    }
    let span = (ub as i128) - (lb as i128);
    i64::try_from((span + step as i128 - 1) / step as i128).ok()
}

/// Canonicalization patterns of `loop.for`.
pub fn for_patterns(set: &mut PatternSet) {
    set.add(FnPattern {
        root: Some(ForOp::NAME),
        name: "FoldZeroTripLoop",
        benefit: 2,
        f: fold_zero_trip,
    });
    set.add(FnPattern {
        root: Some(ForOp::NAME),
        name: "InlineSingleIterationLoop",
        benefit: 1,
        f: inline_single_iteration,
    });
}

fn fold_zero_trip(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    if trip_count(rw.ctx, op) != Some(0) {
        return false;
    }
    let inits: Vec<Value> = rw.ctx.operands(op).skip(3).collect();
    rw.replace_op(op, &inits);
    true
}

/// Whether `loop.for` `op` runs exactly once: a constant trip count of 1,
/// or `ub = lb + c` with `0 < c <= step` (a tile's point loop stepping by
/// the whole tile).
fn single_iteration(ctx: &Context, op: Op) -> bool {
    if let Some(t) = trip_count(ctx, op) {
        return t == 1;
    }
    let (lb, ub) = (ctx.operand(op, 0), ctx.operand(op, 1));
    let Some(step) = constant_index(ctx, ctx.operand(op, 2)) else {
        return false;
    };
    let Some(d) = ctx.defining_op(ub) else {
        return false;
    };
    if ctx.op_name_str(d) != "arith.addi" || ctx.num_operands(d) != 2 {
        return false;
    }
    let (a, b) = (ctx.operand(d, 0), ctx.operand(d, 1));
    let c = if a == lb {
        constant_index(ctx, b)
    } else if b == lb {
        constant_index(ctx, a)
    } else {
        None
    };
    c.is_some_and(|c| c > 0 && c <= step)
}

fn inline_single_iteration(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    if !single_iteration(rw.ctx, op) {
        return false;
    }
    let Some(body) = for_body(rw.ctx, op) else {
        return false;
    };
    let Some(term) = rw.ctx.last_op(body) else {
        return false;
    };
    let mut args: Vec<Value> = vec![rw.ctx.operand(op, 0)];
    args.extend(rw.ctx.operands(op).skip(3));
    if args.len() != rw.ctx.block_args(body).len() {
        return false;
    }
    rw.inline_block_before(body, op, &args);
    let yielded = rw.ctx.operand_vec(term);
    if yielded.len() != rw.ctx.num_results(op) {
        return false;
    }
    rw.replace_op(op, &yielded);
    rw.erase_op(term);
    true
}

/// Adds the loop dialect's canonicalization patterns to `set`.
pub fn populate_loop_canonicalization_patterns(set: &mut PatternSet) {
    for_patterns(set);
}

/// Hoists pure, region-free ops whose operands are all defined outside a
/// `loop.for` out of it, innermost loops first. Returns the number moved.
pub fn hoist_loop_invariants(ctx: &mut Context, root: Op) -> usize {
    let mut loops = Vec::new();
    ctx.walk_ops(root, &mut |o| {
        if ctx.op_name_str(o) == ForOp::NAME {
            loops.push(o);
        }
        WalkResult::Advance
    });
    // Inner loops first, so invariants bubble outwards.
    loops.reverse();
    let mut moved = 0;
    for lp in loops {
        let Some(body) = for_body(ctx, lp) else {
            continue;
        };
        // Iterate to a fixed point within this body: hoisting one op can make
        // its users invariant.
        loop {
            let mut changed = false;
            for o in ctx.block_ops_vec(body) {
                if !ctx.op_has_trait(o, Traits::PURE)
                    || ctx.op_has_trait(o, Traits::TERMINATOR)
                    || ctx.num_regions(o) != 0
                    || !speculatable(ctx.op_name_str(o))
                {
                    continue;
                }
                let invariant = ctx.operands(o).all(|v| !defined_inside(ctx, v, lp));
                if invariant {
                    ctx.move_op_before(o, lp);
                    moved += 1;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
    moved
}

/// Integer division may trap (or be undefined) on a zero divisor, so it is
/// not executed speculatively when the loop might run zero times.
fn speculatable(name: &str) -> bool {
    !(name.starts_with("arith.")
        && (name.contains("div") && !name.ends_with("divf")
            || name.starts_with("arith.rem") && !name.ends_with("remf")))
}

/// Whether `v` is defined inside (a region of) `op`.
pub(crate) fn defined_inside(ctx: &Context, v: Value, op: Op) -> bool {
    let Some(b) = ctx.value_block(v) else {
        return false;
    };
    match ctx.block_parent_op(b) {
        Some(p) => p == op || ctx.is_ancestor(op, p),
        None => false,
    }
}

/// The `--loop-hoist` pass.
#[derive(Default)]
pub struct LoopHoist;

impl Pass for LoopHoist {
    fn argument(&self) -> &'static str {
        "loop-hoist"
    }
    fn display_name(&self) -> &'static str {
        "LoopInvariantHoisting"
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        hoist_loop_invariants(ctx, op);
        Ok(())
    }
}

/// Registers the loop dialect's passes.
pub fn register_passes(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "loop-hoist",
        description: "Hoist pure loop-invariant ops out of loop.for bodies",
        options: &[],
        create: || Box::new(LoopHoist),
    });
}
