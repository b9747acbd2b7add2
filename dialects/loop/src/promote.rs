//! Scalar replacement of loop-invariant accesses (register promotion):
//! `--loop-promote` keeps in `iter_args` the buffer elements a loop reads
//! and writes at the same address on every iteration, such as the
//! accumulators of a matmul tile in its reduction loop:
//!
//! ```mlir
//! loop.for %k = ... {                    %c0 = loop.vector_load %C[%i, %j]
//!   %c = loop.vector_load %C[%i, %j]     %r = loop.for %k = ... iter_args(%c = %c0) {
//!   %s = arith.addf %c, %p          =>     %s = arith.addf %c, %p
//!   loop.vector_store %s, %C[%i, %j]       loop.yield %s
//! }                                      }
//!                                        loop.vector_store %r, %C[%i, %j]
//! ```
//!
//! An address is promoted out of a loop when every access to its buffer in
//! the loop (nested loops included) is a `loop.load`/`store` or
//! `loop.vector_load`/`vector_store` directly in the loop body with indices
//! defined outside the loop, and the addresses are provably distinct from
//! one another (per dimension `base + c` with the same base and constants
//! at least an access width apart). Distinct buffer values are taken not to
//! overlap, as memory planning guarantees for buffers live at once; a loop
//! that reads or writes memory any other way, or through `loop.flatten`, is
//! skipped. The load is moved before the loop and the store after it, so
//! the loop must provably run at least once: constant bounds, or the point
//! loop of a tile (`lb = %o`, `ub = %o + c` or `min(%o + c, u)` with `%o`
//! the induction variable of an enclosing loop that ends at or before `u`:
//! a constant, or the same run-time value). Loops are
//! visited innermost first, so an accumulator climbs as far as its indices
//! stay invariant.

use crate::canonicalize::{constant_index, defined_inside};
use crate::ops::{ForOp, for_body};
use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::{Context, Diagnostic, Op, OperationState, Traits, Type, Value, WalkResult};
use rustc_hash::FxHashMap;

/// One access directly in the loop body.
struct Access {
    op: Op,
    store: bool,
    mem: Value,
    idx: Vec<Value>,
    /// The element or vector type moved.
    ty: Type,
    /// Elements along the last index (the vector width, else 1).
    width: i64,
}

fn access(ctx: &Context, o: Op) -> Option<Access> {
    let name = ctx.op_name_str(o);
    let (store, first) = match name {
        "loop.load" | "loop.vector_load" => (false, 0),
        "loop.store" | "loop.vector_store" => (true, 1),
        _ => return None,
    };
    let ops = ctx.operand_vec(o);
    let ty = if store {
        ctx.value_type(ops[0])
    } else {
        ctx.value_type(ctx.result(o, 0))
    };
    let width = match ctx.type_kind(ty) {
        dlc_ir::TypeKind::Vector { shape, .. } => shape.iter().product(),
        _ => 1,
    };
    Some(Access {
        op: o,
        store,
        mem: ops[first],
        idx: ops[first + 1..].to_vec(),
        ty,
        width,
    })
}

/// `v` as `(base, c)` with `v = base + c` (`base` `None` for a constant).
fn affine(ctx: &Context, v: Value) -> (Option<Value>, i64) {
    if let Some(c) = constant_index(ctx, v) {
        return (None, c);
    }
    if let Some(d) = ctx.defining_op(v)
        && ctx.op_name_str(d) == "arith.addi"
        && ctx.num_operands(d) == 2
    {
        let (a, b) = (ctx.operand(d, 0), ctx.operand(d, 1));
        if let Some(c) = constant_index(ctx, b) {
            let (base, k) = affine(ctx, a);
            return (base, k.saturating_add(c));
        }
        if let Some(c) = constant_index(ctx, a) {
            let (base, k) = affine(ctx, b);
            return (base, k.saturating_add(c));
        }
    }
    (Some(v), 0)
}

/// Whether the loop `lp` provably runs at least once (module doc).
fn runs_at_least_once(ctx: &Context, lp: Op) -> bool {
    let (lb, ub) = (ctx.operand(lp, 0), ctx.operand(lp, 1));
    if let (Some(l), Some(u)) = (constant_index(ctx, lb), constant_index(ctx, ub)) {
        return u > l;
    }
    // ub = lb + c, or min(lb + c, u) where lb is an enclosing loop's
    // induction variable and that loop stops before u.
    // The clamp `min(x, u)`: `u` a constant or a run-time value.
    let (base, c, clamp) = match ctx.defining_op(ub) {
        Some(d) if ctx.op_name_str(d) == "arith.minsi" && ctx.num_operands(d) == 2 => {
            let (a, b) = (ctx.operand(d, 0), ctx.operand(d, 1));
            let (x, u) = if affine(ctx, a).0 == Some(lb) {
                (a, b)
            } else {
                (b, a)
            };
            let (base, c) = affine(ctx, x);
            (base, c, Some(u))
        }
        _ => {
            let (base, c) = affine(ctx, ub);
            (base, c, None)
        }
    };
    if base != Some(lb) || c < 1 {
        return false;
    }
    let Some(u) = clamp else {
        return true;
    };
    // lb must be the induction variable of an enclosing loop that stops
    // before u (a constant at least its end, or its end itself).
    let Some(b) = ctx.value_block(lb) else {
        return false;
    };
    let Some(outer) = ctx.block_parent_op(b) else {
        return false;
    };
    let oub = ctx.operand(outer, 1);
    let stops = oub == u
        || matches!(
            (constant_index(ctx, oub), constant_index(ctx, u)),
            (Some(ou), Some(u)) if ou <= u
        );
    ctx.op_name_str(outer) == ForOp::NAME && ctx.block_args(b).first() == Some(&lb) && stops
}

/// Promotes what can be promoted out of `lp`; returns the new loop (the
/// same op when nothing changed).
fn promote_loop(ctx: &mut Context, lp: Op) -> Op {
    let Some(body) = for_body(ctx, lp) else {
        return lp;
    };
    if !runs_at_least_once(ctx, lp) {
        return lp;
    }
    // Every memory access in the loop, and whether it is direct.
    let mut direct: Vec<Access> = Vec::new();
    let mut nested_mems: Vec<Value> = Vec::new();
    let mut unknown = false;
    for o in ctx.nested_ops(lp) {
        match access(ctx, o) {
            Some(a) => {
                if ctx.op_block(o) == Some(body) {
                    direct.push(a);
                } else {
                    nested_mems.push(a.mem);
                }
            }
            None => {
                let name = ctx.op_name_str(o);
                if ctx.op_has_trait(o, Traits::MEMORY_READ)
                    || ctx.op_has_trait(o, Traits::MEMORY_WRITE)
                    || name == "loop.flatten"
                    || name.starts_with("func.call")
                    || !ctx.op_is_registered(o)
                {
                    unknown = true;
                }
            }
        }
    }
    if unknown || direct.is_empty() {
        return lp;
    }
    let flattened = |ctx: &Context, m: Value| {
        ctx.defining_op(m)
            .is_some_and(|d| ctx.op_name_str(d) == "loop.flatten")
    };
    // Groups of accesses at one address, per buffer.
    type Key = Vec<(Option<Value>, i64)>;
    let mut groups: Vec<(Value, Key, Vec<usize>)> = Vec::new();
    let mut bad: Vec<Value> = nested_mems;
    for (k, a) in direct.iter().enumerate() {
        if bad.contains(&a.mem) {
            continue;
        }
        if defined_inside(ctx, a.mem, lp)
            || flattened(ctx, a.mem)
            || a.idx.iter().any(|&v| defined_inside(ctx, v, lp))
        {
            bad.push(a.mem);
            continue;
        }
        let key: Key = a.idx.iter().map(|&v| affine(ctx, v)).collect();
        match groups.iter_mut().find(|g| g.0 == a.mem && g.1 == key) {
            Some(g) => g.2.push(k),
            None => groups.push((a.mem, key, vec![k])),
        }
    }
    // One type per address, and addresses of a buffer provably distinct.
    for g in &groups {
        let t = direct[g.2[0]].ty;
        if g.2.iter().any(|&k| direct[k].ty != t) {
            bad.push(g.0);
        }
    }
    for (x, gx) in groups.iter().enumerate() {
        for gy in &groups[x + 1..] {
            if gx.0 != gy.0 || bad.contains(&gx.0) {
                continue;
            }
            let w = direct[gx.2[0]].width.max(direct[gy.2[0]].width);
            let n = gx.1.len();
            let apart = (0..n).any(|p| {
                let (bx, cx) = gx.1[p];
                let (by, cy) = gy.1[p];
                let width = if p + 1 == n { w } else { 1 };
                bx == by && (cx - cy).abs() >= width
            });
            if !apart {
                bad.push(gx.0);
            }
        }
    }
    let groups: Vec<_> = groups
        .into_iter()
        .filter(|g| !bad.contains(&g.0) && g.2.iter().any(|&k| direct[k].store))
        .collect();
    if groups.is_empty() {
        return lp;
    }
    let loc = ctx.op_loc(lp);
    let term = match ctx.last_op(body) {
        Some(t) => t,
        None => return lp,
    };
    // Initial values, loaded before the loop.
    let mut inits = Vec::with_capacity(groups.len());
    for g in &groups {
        let a = &direct[g.2[0]];
        let vector = matches!(ctx.type_kind(a.ty), dlc_ir::TypeKind::Vector { .. });
        let name = if vector {
            "loop.vector_load"
        } else {
            "loop.load"
        };
        let mut st = OperationState::new(ctx.op_name_id(name), ctx.op_loc(a.op));
        st.operands = vec![a.mem];
        st.operands.extend(&a.idx);
        st.result_types = vec![a.ty];
        let l = ctx.create_op(st);
        ctx.insert_op_before(lp, l);
        inits.push(ctx.result(l, 0));
    }
    // The new loop: the old operands and results plus one per address.
    let n_old = ctx.num_results(lp);
    let mut st = OperationState::new(ctx.op_name(lp), loc);
    st.operands = ctx.operand_vec(lp);
    st.operands.extend(&inits);
    st.result_types = ctx.result_types(lp);
    st.result_types
        .extend(groups.iter().map(|g| direct[g.2[0]].ty));
    st.raw_props = ctx.op_props(lp);
    st.attrs = ctx.dict_entries(ctx.op_attr_dict(lp)).to_vec();
    let r = ctx.create_region();
    let old_r = ctx.regions(lp)[0];
    ctx.take_region_blocks(old_r, r);
    st.regions.push(r);
    let new = ctx.create_op(st);
    ctx.insert_op_before(lp, new);
    let mut current: Vec<Value> = Vec::with_capacity(groups.len());
    for (g, _) in groups.iter().zip(&inits) {
        let t = direct[g.2[0]].ty;
        let a = ctx.add_block_arg(body, t, loc);
        current.push(a);
    }
    // Accesses in program order: loads read the current value, stores set it.
    let mut group_of: FxHashMap<Op, (usize, bool)> = FxHashMap::default();
    for (gi, g) in groups.iter().enumerate() {
        for &k in &g.2 {
            group_of.insert(direct[k].op, (gi, direct[k].store));
        }
    }
    for o in ctx.block_ops_vec(body) {
        let Some(&(gi, store)) = group_of.get(&o) else {
            continue;
        };
        if store {
            current[gi] = ctx.operand(o, 0);
        } else {
            ctx.replace_all_uses_with(ctx.result(o, 0), current[gi]);
        }
        ctx.erase_op(o);
    }
    let mut yielded = ctx.operand_vec(term);
    yielded.extend(&current);
    ctx.set_operands(term, &yielded);
    for (o, nv) in ctx
        .results(lp)
        .collect::<Vec<_>>()
        .into_iter()
        .zip(ctx.results(new).collect::<Vec<_>>())
    {
        ctx.replace_all_uses_with(o, nv);
    }
    ctx.erase_op(lp);
    // Final values, stored after the loop.
    let after = ctx.next_op(new);
    for (gi, g) in groups.iter().enumerate() {
        let a = &direct[g.2[0]];
        let vector = matches!(ctx.type_kind(a.ty), dlc_ir::TypeKind::Vector { .. });
        let name = if vector {
            "loop.vector_store"
        } else {
            "loop.store"
        };
        let mut st = OperationState::new(ctx.op_name_id(name), ctx.op_loc(a.op));
        st.operands = vec![ctx.result(new, n_old + gi), a.mem];
        st.operands.extend(&a.idx);
        let s = ctx.create_op(st);
        match after {
            Some(n) => ctx.insert_op_before(n, s),
            None => {
                let b = ctx.op_block(new).expect("loop in a block");
                ctx.append_op(b, s)
            }
        }
    }
    new
}

/// Promotes invariant accesses out of every loop under `root`, innermost
/// first. Returns the number of loops changed.
pub fn promote_loops(ctx: &mut Context, root: Op) -> usize {
    let mut loops = Vec::new();
    ctx.walk_ops(root, &mut |o| {
        if ctx.op_name_str(o) == ForOp::NAME {
            loops.push(o);
        }
        WalkResult::Advance
    });
    loops.reverse();
    let mut n = 0;
    for lp in loops {
        if promote_loop(ctx, lp) != lp {
            n += 1;
        }
    }
    n
}

/// The `--loop-promote` pass.
#[derive(Default)]
pub struct LoopPromote;

impl Pass for LoopPromote {
    fn argument(&self) -> &'static str {
        "loop-promote"
    }
    fn display_name(&self) -> &'static str {
        "LoopScalarReplacement"
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        promote_loops(ctx, op);
        Ok(())
    }
}

/// Registers `--loop-promote`.
pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "loop-promote",
        description: "Scalar replacement: keep buffer elements a loop reads and writes at one invariant address in iter_args (register promotion)",
        options: &[],
        create: || Box::new(LoopPromote),
    });
}
