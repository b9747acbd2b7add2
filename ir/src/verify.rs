//! The verifier: operand/result/attribute constraints of registered ops,
//! traits, terminators, SSA dominance (within blocks, across blocks through
//! the dominator tree, and into nested regions), isolation from above, symbol
//! uniqueness, and each op's own verifier.

use crate::attrs::AttrKind;
use crate::context::Context;
use crate::diag::Diagnostic;
use crate::entity::SecondaryMap;
use crate::ir::{Block, Op, Region, Value, ValueDef};
use crate::opdef::{Arity, OpDef, Traits};
use rustc_hash::{FxHashMap, FxHashSet};

/// Verifies `root` and everything nested in it.
pub fn verify(ctx: &Context, root: Op) -> Result<(), Diagnostic> {
    let mut v = Verifier {
        ctx,
        order: SecondaryMap::with_default(u32::MAX),
        doms: FxHashMap::default(),
    };
    v.verify_op(root)
}

struct Verifier<'c> {
    ctx: &'c Context,
    /// Position of each op in its block (filled per block).
    order: SecondaryMap<Op, u32>,
    /// Immediate dominators per multi-block region.
    doms: FxHashMap<Region, FxHashMap<Block, Block>>,
}

fn type_str(ctx: &Context, t: crate::Type) -> String {
    let mut s = String::new();
    crate::printer::print_type_to(ctx, t, &mut s);
    s
}

impl<'c> Verifier<'c> {
    fn verify_op(&mut self, op: Op) -> Result<(), Diagnostic> {
        let ctx = self.ctx;
        if let Some(def) = ctx.op_def(op) {
            self.verify_invariants(op, def)?;
        } else if !ctx.allow_unregistered {
            let name = ctx.op_name_str(op);
            let dialect = name.split('.').next().unwrap_or("");
            if ctx.is_dialect_registered(dialect) {
                return Err(ctx.op_error(op, format!("unregistered operation '{name}' found in dialect ('{dialect}') that does not allow unknown operations")));
            }
        }
        // Regions.
        let def = ctx.op_def(op);
        let graph = def.is_some_and(|d| d.traits.contains(Traits::GRAPH_REGION));
        let needs_terminator = def.is_some_and(|d| !d.traits.contains(Traits::NO_TERMINATOR));
        let isolated = def.is_some_and(|d| d.traits.contains(Traits::ISOLATED_FROM_ABOVE));
        for (ri, &r) in ctx.regions(op).iter().enumerate() {
            if def.is_some_and(|d| d.traits.contains(Traits::SINGLE_BLOCK))
                && ctx.region_blocks(r).count() > 1
            {
                return Err(ctx.op_error(op, format!("expects region #{ri} to have 0 or 1 blocks")));
            }
            let mut first = true;
            for b in ctx.region_blocks(r) {
                if first
                    && def.is_some_and(|d| d.traits.contains(Traits::NO_REGION_ARGUMENTS))
                    && !ctx.block_args(b).is_empty()
                {
                    return Err(ctx.op_error(op, format!("region #{ri} should have no arguments")));
                }
                first = false;
                self.verify_block(op, r, b, graph, needs_terminator)?;
            }
            if isolated {
                self.verify_isolated(op, r)?;
            }
        }
        if let Some(d) = def {
            if d.traits.contains(Traits::SYMBOL_TABLE) {
                self.verify_symbol_table(op)?;
            }
            if let Some(f) = d.verify_regions {
                f(ctx, op)?;
            }
        }
        Ok(())
    }

    fn verify_block(
        &mut self,
        parent: Op,
        r: Region,
        b: Block,
        graph: bool,
        needs_terminator: bool,
    ) -> Result<(), Diagnostic> {
        let ctx = self.ctx;
        // Number ops.
        for (i, op) in ctx.block_ops(b).enumerate() {
            self.order.set(op, i as u32);
        }
        for op in ctx.block_ops(b) {
            // Dominance of operands.
            if !graph {
                for (i, v) in ctx.operands(op).enumerate() {
                    if !self.dominates(v, op) {
                        let mut d =
                            ctx.op_error(op, format!("operand #{i} does not dominate this use"));
                        if let Some(def) = ctx.defining_op(v) {
                            d.add_note(ctx.op_loc(def), "operand defined here");
                        }
                        return Err(d);
                    }
                }
            } else {
                for (i, v) in ctx.operands(op).enumerate() {
                    if !self.defined_in_scope(v, op) {
                        return Err(
                            ctx.op_error(op, format!("operand #{i} does not dominate this use"))
                        );
                    }
                }
            }
            for &s in ctx.successors(op) {
                if ctx.block_region(s) != Some(r) {
                    return Err(ctx.op_error(op, "reference to block defined in another region"));
                }
            }
            let is_term = ctx.op_has_trait(op, Traits::TERMINATOR);
            if is_term && ctx.next_op(op).is_some() {
                return Err(ctx.op_error(op, "must be the last operation in the parent block"));
            }
            if !ctx.successors(op).is_empty() && !is_term && ctx.op_is_registered(op) {
                return Err(ctx.op_error(op, "successors are only allowed on terminators"));
            }
            self.verify_op(op)?;
        }
        if needs_terminator {
            match ctx.last_op(b) {
                None => {
                    return Err(Diagnostic::error(
                        ctx.op_loc(parent),
                        "empty block: expect at least a terminator",
                    ));
                }
                Some(last) => {
                    if ctx.op_is_registered(last) && !ctx.op_has_trait(last, Traits::TERMINATOR) {
                        return Err(Diagnostic::error(
                            ctx.op_loc(last),
                            format!("block with no terminator, has '{}'", ctx.op_name_str(last)),
                        )
                        .with_note(ctx.op_loc(parent), "in this region"));
                    }
                }
            }
        } else if let Some(last) = ctx.last_op(b)
            && ctx.op_has_trait(last, Traits::TERMINATOR)
            && ctx
                .region_owner(r)
                .is_some_and(|o| ctx.op_name_str(o) == "builtin.module")
        {
            // Modules have no terminator; a terminator at module level is
            // caught by its own parent check.
        }
        Ok(())
    }

    /// For graph regions: the value is visible (defined in an enclosing
    /// region or this one).
    fn defined_in_scope(&self, v: Value, user: Op) -> bool {
        let ctx = self.ctx;
        let Some(vb) = ctx.value_block(v) else {
            return false;
        };
        let Some(vr) = ctx.block_region(vb) else {
            return false;
        };
        let mut b = ctx.op_block(user);
        while let Some(cb) = b {
            if ctx.block_region(cb) == Some(vr) {
                return true;
            }
            b = ctx.block_parent_op(cb).and_then(|o| ctx.op_block(o));
        }
        false
    }

    /// Whether the definition of `v` properly dominates `user`.
    fn dominates(&mut self, v: Value, user: Op) -> bool {
        let ctx = self.ctx;
        let Some(def_block) = ctx.value_block(v) else {
            return false;
        };
        let Some(def_region) = ctx.block_region(def_block) else {
            return false;
        };
        // Find the ancestor of `user` that lives in `def_region`.
        let mut anc = user;
        loop {
            let Some(ab) = ctx.op_block(anc) else {
                return false;
            };
            if ctx.block_region(ab) == Some(def_region) {
                break;
            }
            match ctx.block_parent_op(ab) {
                Some(p) => anc = p,
                None => return false,
            }
            // Graph regions between: still dominance by block containment.
        }
        let anc_block = ctx.op_block(anc).unwrap();
        let owner_graph = ctx
            .region_owner(def_region)
            .is_some_and(|o| ctx.op_has_trait(o, Traits::GRAPH_REGION));
        match ctx.value_def(v) {
            ValueDef::BlockArg { block, .. } => {
                if block == anc_block {
                    return true;
                }
                owner_graph || self.block_dominates(def_region, block, anc_block)
            }
            ValueDef::Result { op: def, .. } => {
                if def == anc {
                    // Used inside its own regions, or by itself.
                    return anc != user;
                }
                if anc_block == def_block {
                    if owner_graph {
                        return true;
                    }
                    return self.order.get(def) < self.order.get(anc);
                }
                owner_graph || self.block_dominates(def_region, def_block, anc_block)
            }
        }
    }

    fn block_dominates(&mut self, r: Region, a: Block, b: Block) -> bool {
        if a == b {
            return true;
        }
        let ctx = self.ctx;
        self.doms.entry(r).or_insert_with(|| compute_idoms(ctx, r));
        let idom = &self.doms[&r];
        // Unreachable blocks are dominated by everything (as in MLIR).
        if !idom.contains_key(&b) {
            return true;
        }
        let mut cur = b;
        while let Some(&d) = idom.get(&cur) {
            if d == a {
                return true;
            }
            if d == cur {
                return false;
            }
            cur = d;
        }
        false
    }

    fn verify_isolated(&self, op: Op, r: Region) -> Result<(), Diagnostic> {
        let ctx = self.ctx;
        let mut result = Ok(());
        for b in ctx.region_blocks(r) {
            for o in ctx.block_ops(b) {
                ctx.walk_ops(o, &mut |inner| {
                    for v in ctx.operands(inner) {
                        // The value must be defined within `op`.
                        let inside = match ctx.value_def(v) {
                            ValueDef::Result { op: d, .. } => ctx.is_ancestor(op, d) && d != op,
                            ValueDef::BlockArg { block, .. } => ctx
                                .block_parent_op(block)
                                .is_some_and(|p| ctx.is_ancestor(op, p)),
                        };
                        if !inside {
                            let d = ctx
                                .op_error(inner, "using value defined outside the region")
                                .with_note(
                                    ctx.op_loc(op),
                                    "required by region isolation constraints",
                                );
                            result = Err(d);
                            return crate::ir::WalkResult::Interrupt;
                        }
                    }
                    crate::ir::WalkResult::Advance
                });
                result.clone()?;
            }
        }
        result
    }

    fn verify_symbol_table(&self, op: Op) -> Result<(), Diagnostic> {
        let ctx = self.ctx;
        let mut seen: FxHashMap<&str, Op> = FxHashMap::default();
        for &r in ctx.regions(op) {
            for b in ctx.region_blocks(r) {
                for o in ctx.block_ops(b) {
                    if let Some(n) = ctx.attr(o, "sym_name").and_then(|a| ctx.string_value(a)) {
                        if let Some(&prev) = seen.get(n) {
                            return Err(Diagnostic::error(
                                ctx.op_loc(o),
                                format!("redefinition of symbol named '{n}'"),
                            )
                            .with_note(ctx.op_loc(prev), "see existing symbol definition here"));
                        }
                        seen.insert(n, o);
                    }
                }
            }
        }
        Ok(())
    }

    fn verify_invariants(&self, op: Op, def: &'static OpDef) -> Result<(), Diagnostic> {
        let ctx = self.ctx;
        // Operand and result counts.
        check_count(ctx, op, def.operands, ctx.num_operands(op), "operand")?;
        check_count(ctx, op, def.results, ctx.num_results(op), "result")?;
        // Fixed-arity groups (the common case) map index to index; only ops
        // with optional or variadic groups need the ranges computed.
        let fixed_operands = def.operands.iter().all(|a| a.arity == Arity::Single);
        if fixed_operands {
            for (i, a) in def.operands.iter().enumerate() {
                let t = ctx.value_type(ctx.operand(op, i));
                if !(a.constraint.check)(ctx, t) {
                    return Err(constraint_error(ctx, op, "operand", i, a, t));
                }
            }
        } else {
            let oranges = ctx.group_ranges(
                op,
                def.operands,
                ctx.num_operands(op),
                "operandSegmentSizes",
            );
            for (g, a) in def.operands.iter().enumerate() {
                for i in oranges[g].clone() {
                    let t = ctx.value_type(ctx.operand(op, i));
                    if !(a.constraint.check)(ctx, t) {
                        return Err(constraint_error(ctx, op, "operand", i, a, t));
                    }
                }
            }
        }
        if def.results.iter().all(|a| a.arity == Arity::Single) {
            for (i, a) in def.results.iter().enumerate() {
                let t = ctx.value_type(ctx.result(op, i));
                if !(a.constraint.check)(ctx, t) {
                    return Err(constraint_error(ctx, op, "result", i, a, t));
                }
            }
        } else {
            let rranges =
                ctx.group_ranges(op, def.results, ctx.num_results(op), "resultSegmentSizes");
            for (g, a) in def.results.iter().enumerate() {
                for i in rranges[g].clone() {
                    let t = ctx.value_type(ctx.result(op, i));
                    if !(a.constraint.check)(ctx, t) {
                        return Err(constraint_error(ctx, op, "result", i, a, t));
                    }
                }
            }
        }
        // Attributes.
        for a in def.attributes {
            match ctx.attr(op, a.name) {
                None if !a.optional => {
                    return Err(ctx.op_error(op, format!("requires attribute '{}'", a.name)));
                }
                None => {}
                Some(v) if !(a.constraint.check)(ctx, v) => {
                    return Err(ctx.op_error(
                        op,
                        format!(
                            "attribute '{}' failed to satisfy constraint: {}",
                            a.name, a.constraint.desc
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        // Regions and successors.
        let nr = ctx.num_regions(op);
        let variadic_regions = def.regions.iter().any(|r| r.variadic);
        if (!variadic_regions && nr != def.regions.len())
            || (variadic_regions && nr < def.regions.len() - 1)
        {
            return Err(ctx.op_error(op, format!("requires {} regions", def.regions.len())));
        }
        let ns = ctx.successors(op).len();
        let variadic_succ = def.successors.iter().any(|s| s.variadic);
        if (!variadic_succ && ns != def.successors.len())
            || (variadic_succ && ns < def.successors.len() - 1)
        {
            return Err(ctx.op_error(
                op,
                format!(
                    "requires {} successors but found {ns}",
                    def.successors.len()
                ),
            ));
        }
        // Traits.
        let t = def.traits;
        if t.contains(Traits::SAME_OPERANDS_AND_RESULT_TYPE) {
            let mut tys = ctx
                .operands(op)
                .chain(ctx.results(op))
                .map(|v| ctx.value_type(v));
            if let Some(first) = tys.next()
                && tys.any(|t| t != first)
            {
                return Err(ctx.op_error(op, "requires the same type for all operands and results"));
            }
        }
        if t.contains(Traits::SAME_TYPE_OPERANDS) {
            let mut tys = ctx.operands(op).map(|v| ctx.value_type(v));
            if let Some(first) = tys.next()
                && tys.any(|t| t != first)
            {
                return Err(ctx.op_error(op, "requires all operands to have the same type"));
            }
        }
        if t.contains(Traits::SAME_OPERANDS_AND_RESULT_SHAPE) {
            let mut tys = ctx.operand_types(op);
            tys.extend(ctx.result_types(op));
            let shapes: Vec<Option<Vec<i64>>> = tys
                .iter()
                .map(|&x| ctx.shape(x).map(|s| s.to_vec()))
                .collect();
            let kinds: Vec<u8> = tys.iter().map(|&x| shape_kind(ctx, x)).collect();
            if shapes.windows(2).any(|w| w[0] != w[1]) || kinds.windows(2).any(|w| w[0] != w[1]) {
                return Err(
                    ctx.op_error(op, "requires the same shape for all operands and results")
                );
            }
        }
        if t.contains(Traits::SAME_OPERANDS_AND_RESULT_ELEMENT_TYPE) {
            let mut tys = ctx.operand_types(op);
            tys.extend(ctx.result_types(op));
            if tys
                .windows(2)
                .any(|w| ctx.element_type(w[0]) != ctx.element_type(w[1]))
            {
                return Err(ctx.op_error(
                    op,
                    "requires the same element type for all operands and results",
                ));
            }
        }
        if !def.parents.is_empty() {
            let parent_name = ctx.parent_op(op).map(|p| ctx.op_name_str(p).to_string());
            if !parent_name
                .as_deref()
                .is_some_and(|n| def.parents.contains(&n))
            {
                let msg = if def.parents.len() == 1 {
                    format!("expects parent op '{}'", def.parents[0])
                } else {
                    format!(
                        "expects parent op to be one of '{}'",
                        def.parents.join(", ")
                    )
                };
                return Err(ctx.op_error(op, msg));
            }
        }
        if t.contains(Traits::TERMINATOR) && ctx.op_block(op).is_none() {
            return Ok(());
        }
        if let Some(f) = def.verify {
            f(ctx, op)?;
        }
        // Nested attribute sanity: dictionary property contents.
        if let Some(p) = ctx.op_props(op)
            && !matches!(ctx.attr_kind(p), AttrKind::Dictionary(_))
        {
            return Err(ctx.op_error(op, "expected a dictionary of properties"));
        }
        Ok(())
    }
}

fn constraint_error(
    ctx: &Context,
    op: Op,
    what: &str,
    i: usize,
    a: &crate::opdef::ArgDef,
    t: crate::Type,
) -> Diagnostic {
    ctx.op_error(
        op,
        format!(
            "{what} #{i} must be {}, but got '{}'",
            a.constraint.desc,
            type_str(ctx, t)
        ),
    )
}

fn shape_kind(ctx: &Context, t: crate::Type) -> u8 {
    use crate::types::TypeKind;
    match ctx.type_kind(t) {
        TypeKind::Tensor { .. } | TypeKind::UnrankedTensor { .. } => 1,
        TypeKind::Vector { .. } => 2,
        TypeKind::MemRef { .. } | TypeKind::UnrankedMemRef { .. } => 3,
        _ => 0,
    }
}

fn check_count(
    ctx: &Context,
    op: Op,
    defs: &[crate::opdef::ArgDef],
    n: usize,
    what: &str,
) -> Result<(), Diagnostic> {
    let fixed = defs.iter().filter(|a| a.arity == Arity::Single).count();
    let variadic = defs.iter().any(|a| a.arity == Arity::Variadic);
    let optional = defs.iter().filter(|a| a.arity == Arity::Optional).count();
    let ok = if variadic {
        n >= fixed
    } else {
        n >= fixed && n <= fixed + optional
    };
    if ok {
        return Ok(());
    }
    let msg = if variadic {
        format!("expected {fixed} or more {what}s, but found {n}")
    } else if optional > 0 {
        format!(
            "expected between {fixed} and {} {what}s, but found {n}",
            fixed + optional
        )
    } else {
        format!(
            "expected {fixed} {what}{}, but found {n}",
            if fixed == 1 { "" } else { "s" }
        )
    };
    Err(ctx.op_error(op, msg))
}

/// Immediate dominators of the reachable blocks of `r` (the entry maps to
/// itself), by the Cooper–Harvey–Kennedy iteration.
pub fn compute_idoms(ctx: &Context, r: Region) -> FxHashMap<Block, Block> {
    let mut idom = FxHashMap::default();
    let Some(entry) = ctx.region_first_block(r) else {
        return idom;
    };
    // Reverse post-order.
    let mut rpo = Vec::new();
    let mut visited = FxHashSet::default();
    let mut stack: Vec<(Block, usize)> = vec![(entry, 0)];
    visited.insert(entry);
    while let Some((b, i)) = stack.pop() {
        let succs: Vec<Block> = ctx
            .last_op(b)
            .map(|t| ctx.successors(t).to_vec())
            .unwrap_or_default();
        if i < succs.len() {
            stack.push((b, i + 1));
            let s = succs[i];
            if visited.insert(s) {
                stack.push((s, 0));
            }
        } else {
            rpo.push(b);
        }
    }
    rpo.reverse();
    let index: FxHashMap<Block, usize> = rpo.iter().enumerate().map(|(i, &b)| (b, i)).collect();
    let mut preds: FxHashMap<Block, Vec<Block>> = FxHashMap::default();
    for &b in &rpo {
        if let Some(t) = ctx.last_op(b) {
            for &s in ctx.successors(t) {
                preds.entry(s).or_default().push(b);
            }
        }
    }
    idom.insert(entry, entry);
    let mut changed = true;
    while changed {
        changed = false;
        for &b in rpo.iter().skip(1) {
            let mut new: Option<Block> = None;
            for &p in preds.get(&b).map(|v| v.as_slice()).unwrap_or(&[]) {
                if !idom.contains_key(&p) {
                    continue;
                }
                new = Some(match new {
                    None => p,
                    Some(n) => intersect(&idom, &index, p, n),
                });
            }
            if let Some(n) = new
                && idom.get(&b) != Some(&n)
            {
                idom.insert(b, n);
                changed = true;
            }
        }
    }
    idom
}

fn intersect(
    idom: &FxHashMap<Block, Block>,
    index: &FxHashMap<Block, usize>,
    mut a: Block,
    mut b: Block,
) -> Block {
    while a != b {
        while index[&a] > index[&b] {
            a = idom[&a];
        }
        while index[&b] > index[&a] {
            b = idom[&b];
        }
    }
    a
}
