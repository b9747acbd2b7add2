//! Symbols and symbol tables: ops with a `sym_name`, nested in ops with the
//! `SYMBOL_TABLE` trait, referenced by `@name` attributes.

use crate::attrs::{Attr, AttrKind};
use crate::context::Context;
use crate::ir::{Op, WalkResult};
use crate::opdef::Traits;

/// The symbol name of `op`, if it defines one.
pub fn symbol_name(ctx: &Context, op: Op) -> Option<&str> {
    ctx.attr(op, "sym_name").and_then(|a| ctx.string_value(a))
}

/// `public` (default), `private` or `nested`.
pub fn visibility(ctx: &Context, op: Op) -> &str {
    ctx.attr(op, "sym_visibility")
        .and_then(|a| ctx.string_value(a))
        .unwrap_or("public")
}

pub fn is_private(ctx: &Context, op: Op) -> bool {
    visibility(ctx, op) == "private"
}

/// Finds the symbol `name` directly inside symbol table `table`.
pub fn lookup_in(ctx: &Context, table: Op, name: &str) -> Option<Op> {
    for &r in ctx.regions(table) {
        for b in ctx.region_blocks(r) {
            for o in ctx.block_ops(b) {
                if symbol_name(ctx, o) == Some(name) {
                    return Some(o);
                }
            }
        }
    }
    None
}

/// The nearest enclosing symbol table of `op` (excluding `op` itself).
pub fn nearest_symbol_table(ctx: &Context, op: Op) -> Option<Op> {
    let mut cur = ctx.parent_op(op);
    while let Some(p) = cur {
        if ctx.op_has_trait(p, Traits::SYMBOL_TABLE) {
            return Some(p);
        }
        cur = ctx.parent_op(p);
    }
    None
}

/// Resolves a symbol reference attribute as seen from `from`.
pub fn lookup_symbol_from(ctx: &Context, from: Op, sym: Attr) -> Option<Op> {
    let AttrKind::SymbolRef { root, nested } = ctx.attr_kind(sym) else {
        return None;
    };
    let mut table = if ctx.op_has_trait(from, Traits::SYMBOL_TABLE) {
        Some(from)
    } else {
        nearest_symbol_table(ctx, from)
    };
    while let Some(t) = table {
        if let Some(mut found) = lookup_in(ctx, t, ctx.ident_str(*root)) {
            for &n in nested.iter() {
                found = lookup_in(ctx, found, ctx.ident_str(n))?;
            }
            return Some(found);
        }
        table = nearest_symbol_table(ctx, t);
    }
    None
}

/// Every symbol reference under `root` (inclusive): the user op and the
/// referenced root name.
pub fn symbol_uses(ctx: &Context, root: Op) -> Vec<(Op, Attr)> {
    let mut out = Vec::new();
    ctx.walk_ops(root, &mut |op| {
        let mut stack = vec![ctx.op_attr_dict(op)];
        if let Some(p) = ctx.op_props(op) {
            stack.push(p);
        }
        while let Some(a) = stack.pop() {
            match ctx.attr_kind(a) {
                AttrKind::SymbolRef { .. } => out.push((op, a)),
                AttrKind::Dictionary(e) => stack.extend(e.iter().map(|x| x.1)),
                AttrKind::Array(e) => stack.extend(e.iter().copied()),
                _ => {}
            }
        }
        WalkResult::Advance
    });
    out
}
