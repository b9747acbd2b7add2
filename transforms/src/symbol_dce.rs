//! `symbol-dce`: erases symbols that are not public and not referenced,
//! transitively, from a live root. Public symbols and every op that is not a
//! symbol are roots; references are followed through nested symbol tables
//! (`@mod::@fn` keeps both `@mod` and `@fn`), and a dead nested symbol table
//! goes with everything in it — MLIR's SymbolDCE.

use dlc_ir::attrs::AttrKind;
use dlc_ir::diag::Diagnostic;
use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::{Context, Op, Traits, WalkResult};
use std::collections::HashSet;

pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "symbol-dce",
        description: "Eliminate dead symbols",
        options: &[],
        create: || Box::new(SymbolDcePass),
    });
}

/// The `symbol-dce` pass.
pub struct SymbolDcePass;

impl Pass for SymbolDcePass {
    fn argument(&self) -> &'static str {
        "symbol-dce"
    }
    fn display_name(&self) -> &'static str {
        "SymbolDCE"
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        if !ctx.op_has_trait(op, Traits::SYMBOL_TABLE) {
            return Err(ctx.op_error(
                op,
                " was scheduled to run under SymbolDCE, but does not define a symbol table",
            ));
        }
        symbol_dce(ctx, op);
        Ok(())
    }
}

fn is_symbol(ctx: &Context, op: Op) -> bool {
    dlc_ir::symbol::symbol_name(ctx, op).is_some()
}

/// The ops directly inside the regions of `table`.
fn children(ctx: &Context, table: Op) -> Vec<Op> {
    let mut out = Vec::new();
    for &r in ctx.regions(table) {
        for b in ctx.region_blocks(r) {
            out.extend(ctx.block_ops(b));
        }
    }
    out
}

/// Erases the dead symbols under symbol table `root`; returns how many.
pub fn symbol_dce(ctx: &mut Context, root: Op) -> usize {
    let mut live: HashSet<Op> = HashSet::new();
    let mut worklist: Vec<Op> = Vec::new();
    seed(ctx, root, &mut live, &mut worklist);
    let mut seeded: HashSet<Op> = HashSet::new();
    seeded.insert(root);
    while let Some(op) = worklist.pop() {
        if op != root && ctx.op_has_trait(op, Traits::SYMBOL_TABLE) && seeded.insert(op) {
            seed(ctx, op, &mut live, &mut worklist);
        }
        for (user, sym) in uses_in(ctx, op) {
            let AttrKind::SymbolRef { root: r, nested } = ctx.attr_kind(sym).clone() else {
                continue;
            };
            // Mark every symbol along a nested reference.
            let Some(mut found) = lookup_root(ctx, user, ctx.ident_str(r)) else {
                continue;
            };
            mark(found, &mut live, &mut worklist);
            for n in nested.iter() {
                match dlc_ir::symbol::lookup_in(ctx, found, ctx.ident_str(*n)) {
                    Some(f) => {
                        found = f;
                        mark(found, &mut live, &mut worklist);
                    }
                    None => break,
                }
            }
        }
    }
    let mut erased = 0;
    erase_dead(ctx, root, &live, &mut erased);
    erased
}

fn mark(op: Op, live: &mut HashSet<Op>, worklist: &mut Vec<Op>) {
    if live.insert(op) {
        worklist.push(op);
    }
}

/// Roots of a symbol table: public symbols and non-symbol ops.
fn seed(ctx: &Context, table: Op, live: &mut HashSet<Op>, worklist: &mut Vec<Op>) {
    for op in children(ctx, table) {
        if !is_symbol(ctx, op) {
            worklist.push(op);
            continue;
        }
        if dlc_ir::symbol::visibility(ctx, op) == "public" {
            mark(op, live, worklist);
        }
    }
}

/// Resolves a root symbol name as seen from `user`, searching outward
/// through the enclosing symbol tables.
fn lookup_root(ctx: &Context, user: Op, name: &str) -> Option<Op> {
    let mut table = dlc_ir::symbol::nearest_symbol_table(ctx, user);
    if ctx.op_has_trait(user, Traits::SYMBOL_TABLE) {
        table = Some(user);
    }
    while let Some(t) = table {
        if let Some(f) = dlc_ir::symbol::lookup_in(ctx, t, name) {
            return Some(f);
        }
        table = dlc_ir::symbol::nearest_symbol_table(ctx, t);
    }
    None
}

/// Symbol references made by `op` and the ops nested in it, not looking
/// into symbol tables (their contents are handled when they are seeded); a
/// symbol table's own attributes count as its uses.
fn uses_in(ctx: &Context, op: Op) -> Vec<(Op, dlc_ir::Attr)> {
    let mut out = Vec::new();
    ctx.walk_ops(op, &mut |o| {
        let mut stack = vec![ctx.op_attr_dict(o)];
        if let Some(p) = ctx.op_props(o) {
            stack.push(p);
        }
        // A symbol table's references to its own children resolve from
        // the table that contains it.
        let user = if ctx.op_has_trait(o, Traits::SYMBOL_TABLE) {
            ctx.parent_op(o).unwrap_or(o)
        } else {
            o
        };
        while let Some(a) = stack.pop() {
            match ctx.attr_kind(a) {
                AttrKind::SymbolRef { .. } => out.push((user, a)),
                AttrKind::Dictionary(e) => stack.extend(e.iter().map(|x| x.1)),
                AttrKind::Array(e) => stack.extend(e.iter().copied()),
                _ => {}
            }
        }
        if ctx.op_has_trait(o, Traits::SYMBOL_TABLE) {
            WalkResult::Skip
        } else {
            WalkResult::Advance
        }
    });
    out
}

fn erase_dead(ctx: &mut Context, table: Op, live: &HashSet<Op>, erased: &mut usize) {
    for op in children(ctx, table) {
        if is_symbol(ctx, op) && !live.contains(&op) {
            for &r in ctx.regions(op).to_vec().iter() {
                ctx.clear_region(r);
            }
            ctx.erase_op(op);
            *erased += 1;
            continue;
        }
        if ctx.op_has_trait(op, Traits::SYMBOL_TABLE) {
            erase_dead(ctx, op, live, erased);
        }
    }
}
