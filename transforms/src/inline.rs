//! `inline`: MLIR's Inliner. Builds the call graph of the callables under the
//! pass's op, walks its SCCs bottom-up (callees before callers), and inlines
//! every direct call whose callee has a body and is not in the caller's SCC
//! (recursive calls are left alone). After each round it simplifies the
//! SCC's callables with the canonicalization patterns (upstream's default
//! `default-pipeline=canonicalize`), and erases private callables that no
//! longer have uses.
//!
//! Multi-block callees split the caller's block: the inlined blocks go
//! between the split halves and each `return` becomes a `cf.br` to the
//! continuation block, whose arguments replace the call's results.

use dlc_ir::attrs::{AttrKind, Loc};
use dlc_ir::diag::Diagnostic;
use dlc_ir::pass::{Pass, PassInfo, PassOptionInfo, PassRegistry};
use dlc_ir::rewrite::{FrozenPatterns, GreedyConfig, apply_patterns_greedily};
use dlc_ir::{Attr, Block, Context, Op, OperationState, PatternSet, Region, Traits, Value};
use std::collections::{HashMap as FxHashMap, HashSet as FxHashSet};

pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "inline",
        description: "Inline function calls",
        options: &[
            PassOptionInfo {
                name: "default-pipeline",
                description: "The optimizer pipeline run on callables after inlining ('canonicalize' or empty)",
                default: "canonicalize",
            },
            PassOptionInfo {
                name: "max-iterations",
                description: "Maximum number of inline-and-simplify rounds per SCC",
                default: "4",
            },
        ],
        create: || Box::new(InlinerPass::default()),
    });
}

/// The `inline` pass; its fields are its options.
pub struct InlinerPass {
    /// Run canonicalization on callables after inlining (`canonicalize`) or
    /// nothing (empty).
    pub default_pipeline: String,
    pub max_iterations: u32,
}

impl Default for InlinerPass {
    fn default() -> Self {
        InlinerPass {
            default_pipeline: "canonicalize".into(),
            max_iterations: 4,
        }
    }
}

impl Pass for InlinerPass {
    fn argument(&self) -> &'static str {
        "inline"
    }
    fn display_name(&self) -> &'static str {
        "Inliner"
    }
    fn set_option(&mut self, key: &str, value: &str) -> Result<(), String> {
        match key {
            "default-pipeline" => {
                let v = value.trim();
                if !v.is_empty() && v != "canonicalize" {
                    return Err(format!(
                        "unsupported default-pipeline '{v}' (only 'canonicalize' or empty)"
                    ));
                }
                self.default_pipeline = v.to_string();
                Ok(())
            }
            "max-iterations" => {
                self.max_iterations = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("invalid value '{value}' for max-iterations"))?;
                Ok(())
            }
            _ => Err(format!("no such option '{key}'")),
        }
    }
    fn options(&self) -> Vec<(String, String)> {
        vec![
            ("default-pipeline".into(), self.default_pipeline.clone()),
            ("max-iterations".into(), self.max_iterations.to_string()),
        ]
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        run_inliner(
            ctx,
            op,
            !self.default_pipeline.is_empty(),
            self.max_iterations,
        );
        Ok(())
    }
}

// ----- call graph -------------------------------------------------------------

fn callable_region(ctx: &Context, op: Op) -> Option<Region> {
    let f = ctx.op_def(op)?.interfaces.callable_region?;
    f(ctx, op)
}

fn call_callee(ctx: &Context, op: Op) -> Option<Attr> {
    let f = ctx.op_def(op)?.interfaces.call_callee?;
    f(ctx, op)
}

/// Callables (with a body) under `root`, in walk order.
fn callables(ctx: &Context, root: Op) -> Vec<Op> {
    let mut out = Vec::new();
    ctx.walk_ops(root, &mut |o| {
        if o != root && callable_region(ctx, o).is_some() {
            out.push(o);
        }
        dlc_ir::WalkResult::Advance
    });
    out
}

/// The callable directly containing `op`.
fn enclosing_callable(ctx: &Context, op: Op) -> Option<Op> {
    let mut cur = ctx.parent_op(op);
    while let Some(p) = cur {
        if callable_region(ctx, p).is_some() {
            return Some(p);
        }
        cur = ctx.parent_op(p);
    }
    None
}

/// Calls inside `f` (not inside nested callables) with their resolved callees.
fn calls_in(ctx: &Context, f: Op) -> Vec<(Op, Option<Op>)> {
    let mut out = Vec::new();
    ctx.walk_ops(f, &mut |o| {
        if o == f {
            return dlc_ir::WalkResult::Advance;
        }
        if callable_region(ctx, o).is_some() {
            return dlc_ir::WalkResult::Skip;
        }
        if let Some(c) = call_callee(ctx, o) {
            let callee = dlc_ir::symbol::lookup_symbol_from(ctx, o, c);
            out.push((o, callee));
        }
        dlc_ir::WalkResult::Advance
    });
    out
}

/// Tarjan's SCCs, emitted callees first.
fn sccs(nodes: &[Op], edges: &FxHashMap<Op, Vec<Op>>) -> Vec<Vec<Op>> {
    struct St<'a> {
        edges: &'a FxHashMap<Op, Vec<Op>>,
        index: FxHashMap<Op, usize>,
        low: FxHashMap<Op, usize>,
        on_stack: FxHashSet<Op>,
        stack: Vec<Op>,
        next: usize,
        out: Vec<Vec<Op>>,
    }
    // Iterative DFS: (node, next edge index).
    fn visit(s: &mut St<'_>, start: Op) {
        let mut work: Vec<(Op, usize)> = vec![(start, 0)];
        s.index.insert(start, s.next);
        s.low.insert(start, s.next);
        s.next += 1;
        s.stack.push(start);
        s.on_stack.insert(start);
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            let succ = s.edges.get(&v).and_then(|e| e.get(*ei)).copied();
            if let Some(w) = succ {
                *ei += 1;
                if !s.index.contains_key(&w) {
                    s.index.insert(w, s.next);
                    s.low.insert(w, s.next);
                    s.next += 1;
                    s.stack.push(w);
                    s.on_stack.insert(w);
                    work.push((w, 0));
                } else if s.on_stack.contains(&w) {
                    let l = s.low[&v].min(s.index[&w]);
                    s.low.insert(v, l);
                }
                continue;
            }
            work.pop();
            if let Some(&(p, _)) = work.last() {
                let l = s.low[&p].min(s.low[&v]);
                s.low.insert(p, l);
            }
            if s.low[&v] == s.index[&v] {
                let mut comp = Vec::new();
                while let Some(w) = s.stack.pop() {
                    s.on_stack.remove(&w);
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                comp.reverse();
                s.out.push(comp);
            }
        }
    }
    let mut s = St {
        edges,
        index: FxHashMap::new(),
        low: FxHashMap::new(),
        on_stack: FxHashSet::new(),
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for &n in nodes {
        if !s.index.contains_key(&n) {
            visit(&mut s, n);
        }
    }
    s.out
}

// ----- driver -----------------------------------------------------------------

/// Runs the inliner on everything under `root`.
pub fn run_inliner(ctx: &mut Context, root: Op, simplify: bool, max_iterations: u32) {
    let nodes = callables(ctx, root);
    let node_set: FxHashSet<Op> = nodes.iter().copied().collect();
    let mut edges: FxHashMap<Op, Vec<Op>> = FxHashMap::new();
    for &n in &nodes {
        let e: Vec<Op> = calls_in(ctx, n)
            .into_iter()
            .filter_map(|(_, c)| c)
            .filter(|c| node_set.contains(c))
            .collect();
        edges.insert(n, e);
    }
    let frozen = if simplify {
        Some(canonicalization_patterns(ctx))
    } else {
        None
    };
    let mut erased: FxHashSet<Op> = FxHashSet::new();
    let components = sccs(&nodes, &edges);
    // Callees in a call cycle (or calling themselves) are never inlined:
    // that would only unroll the recursion.
    let mut recursive: FxHashSet<Op> = FxHashSet::new();
    for c in &components {
        for &n in c {
            if c.len() > 1 || edges.get(&n).is_some_and(|e| e.contains(&n)) {
                recursive.insert(n);
            }
        }
    }
    for scc in components {
        let scc_set: FxHashSet<Op> = scc.iter().copied().collect();
        let mut iter = 0;
        loop {
            // Dead private callables are dropped instead of optimized.
            for &n in &scc {
                if !erased.contains(&n) && is_dead(ctx, root, n) {
                    erase_callable(ctx, n);
                    erased.insert(n);
                }
            }
            if let Some(p) = &frozen {
                for &n in &scc {
                    if !erased.contains(&n) {
                        apply_patterns_greedily(ctx, n, p, &GreedyConfig::default());
                    }
                }
            }
            if iter >= max_iterations {
                break;
            }
            iter += 1;
            let mut inlined_any = false;
            let mut callees: Vec<Op> = Vec::new();
            for &n in &scc {
                if erased.contains(&n) {
                    continue;
                }
                for (call, callee) in calls_in(ctx, n) {
                    let Some(callee) = callee else { continue };
                    if scc_set.contains(&callee)
                        || recursive.contains(&callee)
                        || erased.contains(&callee)
                        || callee == n
                        || ctx.attr(call, "no_inline").is_some()
                        || enclosing_callable(ctx, call) != Some(n)
                    {
                        continue;
                    }
                    if inline_call(ctx, call, callee) {
                        inlined_any = true;
                        callees.push(callee);
                    }
                }
            }
            for c in callees {
                if !erased.contains(&c) && is_dead(ctx, root, c) {
                    erase_callable(ctx, c);
                    erased.insert(c);
                }
            }
            if !inlined_any {
                break;
            }
        }
    }
}

/// A private callable with no symbol uses left (uses from inside itself
/// count, so self-recursive functions stay).
fn is_dead(ctx: &Context, root: Op, f: Op) -> bool {
    if !dlc_ir::symbol::is_private(ctx, f) || !ctx.op_has_trait(f, Traits::SYMBOL) {
        return false;
    }
    let Some(name) = dlc_ir::symbol::symbol_name(ctx, f) else {
        return false;
    };
    let uses = dlc_ir::symbol::symbol_uses(ctx, root);
    !uses.iter().any(|&(user, a)| match ctx.attr_kind(a) {
        AttrKind::SymbolRef { root: r, .. } => {
            ctx.ident_str(*r) == name
                && dlc_ir::symbol::lookup_symbol_from(ctx, user, a).is_some_and(|t| t == f)
        }
        _ => false,
    })
}

fn erase_callable(ctx: &mut Context, f: Op) {
    for &r in ctx.regions(f).to_vec().iter() {
        ctx.clear_region(r);
    }
    ctx.erase_op(f);
}

/// Every canonicalization pattern of the registered dialects and ops.
pub fn canonicalization_patterns(ctx: &mut Context) -> FrozenPatterns {
    let mut set = PatternSet::new();
    for d in ctx.dialects().to_vec() {
        if let Some(f) = d.canonicalize {
            f(&mut set);
        }
        for def in d.ops {
            if let Some(f) = def.canonicalize {
                f(&mut set);
            }
        }
    }
    FrozenPatterns::new(ctx, set)
}

// ----- inlining one call --------------------------------------------------------

/// Clones the blocks of `src` (detached, in order) mapping the entry
/// block's arguments to `entry_args`. Inlined ops get `callsite(loc at
/// call_loc)` locations.
fn clone_body(ctx: &mut Context, src: Region, entry_args: &[Value], call_loc: Attr) -> Vec<Block> {
    let mut vmap: FxHashMap<Value, Value> = FxHashMap::new();
    let mut bmap: FxHashMap<Block, Block> = FxHashMap::new();
    let mut new_ops = Vec::new();
    let blocks = clone_region_blocks(
        ctx,
        src,
        Some(entry_args),
        &mut vmap,
        &mut bmap,
        &mut new_ops,
        Some(call_loc),
    );
    fix_forward_refs(ctx, &new_ops, &vmap);
    blocks
}

fn remap_loc(ctx: &mut Context, loc: Attr, call_loc: Option<Attr>) -> Attr {
    let Some(c) = call_loc else { return loc };
    // `callsite(a at b)` becomes `callsite(a at callsite(b at call))`, so
    // the outermost caller stays last, as upstream stacks them.
    if let AttrKind::Loc(Loc::CallSite { callee, caller }) = ctx.attr_kind(loc).clone() {
        let inner = remap_loc(ctx, caller, call_loc);
        return ctx.intern_attr(AttrKind::Loc(Loc::CallSite {
            callee,
            caller: inner,
        }));
    }
    ctx.intern_attr(AttrKind::Loc(Loc::CallSite {
        callee: loc,
        caller: c,
    }))
}

fn clone_region_blocks(
    ctx: &mut Context,
    src: Region,
    entry_args: Option<&[Value]>,
    vmap: &mut FxHashMap<Value, Value>,
    bmap: &mut FxHashMap<Block, Block>,
    new_ops: &mut Vec<Op>,
    call_loc: Option<Attr>,
) -> Vec<Block> {
    let src_blocks: Vec<Block> = ctx.region_blocks(src).collect();
    let mut out = Vec::new();
    for (i, &b) in src_blocks.iter().enumerate() {
        let loc = ctx.unknown_loc();
        let nb = ctx.create_block(&[], loc);
        let args = ctx.block_args(b).to_vec();
        match entry_args {
            Some(ea) if i == 0 => {
                for (a, &v) in args.iter().zip(ea) {
                    vmap.insert(*a, v);
                }
            }
            _ => {
                for a in args {
                    let l = ctx.block_arg_loc(a).unwrap_or(loc);
                    let l = remap_loc(ctx, l, call_loc);
                    let ty = ctx.value_type(a);
                    let na = ctx.add_block_arg(nb, ty, l);
                    vmap.insert(a, na);
                }
            }
        }
        bmap.insert(b, nb);
        out.push(nb);
    }
    for (&b, &nb) in src_blocks.iter().zip(&out) {
        for op in ctx.block_ops_vec(b) {
            let c = clone_op(ctx, op, vmap, bmap, new_ops, call_loc);
            ctx.append_op(nb, c);
        }
    }
    out
}

fn clone_op(
    ctx: &mut Context,
    op: Op,
    vmap: &mut FxHashMap<Value, Value>,
    bmap: &mut FxHashMap<Block, Block>,
    new_ops: &mut Vec<Op>,
    call_loc: Option<Attr>,
) -> Op {
    let loc = ctx.op_loc(op);
    let loc = remap_loc(ctx, loc, call_loc);
    let mut st = OperationState::new(ctx.op_name(op), loc);
    st.operands = ctx
        .operands(op)
        .map(|v| vmap.get(&v).copied().unwrap_or(v))
        .collect();
    st.result_types = ctx.result_types(op);
    st.raw_props = ctx.op_props(op);
    st.attrs = ctx.dict_entries(ctx.op_attr_dict(op)).to_vec();
    st.successors = ctx
        .successors(op)
        .iter()
        .map(|b| bmap.get(b).copied().unwrap_or(*b))
        .collect();
    for &r in ctx.regions(op).to_vec().iter() {
        let nr = ctx.create_region();
        let blocks = clone_region_blocks(ctx, r, None, vmap, bmap, new_ops, call_loc);
        for b in blocks {
            ctx.append_block(nr, b);
        }
        st.regions.push(nr);
    }
    let new = ctx.create_op(st);
    let olds: Vec<Value> = ctx.results(op).collect();
    let news: Vec<Value> = ctx.results(new).collect();
    for (o, n) in olds.into_iter().zip(news) {
        vmap.insert(o, n);
    }
    new_ops.push(new);
    new
}

/// Operands cloned before their definition (a use in an earlier block)
/// still point at the original value; remap them now.
fn fix_forward_refs(ctx: &mut Context, ops: &[Op], vmap: &FxHashMap<Value, Value>) {
    for &op in ops {
        for i in 0..ctx.num_operands(op) {
            let v = ctx.operand(op, i);
            if let Some(&n) = vmap.get(&v)
                && n != v
            {
                ctx.set_operand(op, i, n);
            }
        }
    }
}

/// Inlines `callee`'s body at `call`. Returns false (changing nothing) if
/// the callee has no body or the types do not line up.
pub fn inline_call(ctx: &mut Context, call: Op, callee: Op) -> bool {
    let Some(body) = callable_region(ctx, callee) else {
        return false;
    };
    let Some(entry) = ctx.region_first_block(body) else {
        return false;
    };
    let args: Vec<Value> = ctx.operand_vec(call);
    let arg_range = ctx
        .op_def(call)
        .and_then(|d| d.interfaces.call_args)
        .map(|f| f(ctx, call))
        .unwrap_or(0..args.len());
    let args: Vec<Value> = args[arg_range].to_vec();
    if args.len() != ctx.block_args(entry).len()
        || args
            .iter()
            .zip(ctx.block_args(entry))
            .any(|(&a, &b)| ctx.value_type(a) != ctx.value_type(b))
    {
        return false;
    }
    let Some(call_block) = ctx.op_block(call) else {
        return false;
    };
    let call_loc = ctx.op_loc(call);
    let blocks = clone_body(ctx, body, &args, call_loc);
    let results: Vec<Value> = ctx.results(call).collect();
    let is_return = |ctx: &Context, op: Op| {
        ctx.op_has_trait(op, Traits::RETURN_LIKE) || ctx.op_name_str(op) == "func.return"
    };

    if blocks.len() == 1 {
        let b = blocks[0];
        let Some(term) = ctx.last_op(b) else {
            return false;
        };
        if !is_return(ctx, term) || ctx.num_operands(term) != results.len() {
            return false;
        }
        let vals = ctx.operand_vec(term);
        for op in ctx.block_ops_vec(b) {
            if op == term {
                break;
            }
            ctx.move_op_before(op, call);
        }
        for (r, v) in results.iter().zip(vals) {
            ctx.replace_all_uses_with(*r, v);
        }
        ctx.erase_block(b);
        ctx.erase_op(call);
        return true;
    }

    // Multi-block: split after the call.
    let result_types: Vec<_> = results.iter().map(|&r| ctx.value_type(r)).collect();
    let cont = ctx.create_block(&result_types, call_loc);
    let mut after = Vec::new();
    let mut cur = ctx.next_op(call);
    while let Some(o) = cur {
        after.push(o);
        cur = ctx.next_op(o);
    }
    for o in after {
        ctx.remove_op(o);
        ctx.append_op(cont, o);
    }
    ctx.insert_block_after(call_block, cont);
    for (i, &r) in results.iter().enumerate() {
        let a = ctx.block_arg(cont, i);
        ctx.replace_all_uses_with(r, a);
    }
    for &b in &blocks {
        ctx.insert_block_before(cont, b);
    }
    // Returns become branches to the continuation.
    let br_name = ctx.op_name_id("cf.br");
    for &b in &blocks {
        if let Some(t) = ctx.last_op(b)
            && is_return(ctx, t)
        {
            let vals = ctx.operand_vec(t);
            let mut st = OperationState::new(br_name, ctx.op_loc(t));
            st.operands = vals;
            st.successors.push(cont);
            let br = ctx.create_op(st);
            ctx.insert_op_before(t, br);
            ctx.erase_op(t);
        }
    }
    // The inlined entry block continues the caller's block.
    let first = blocks[0];
    ctx.erase_op(call);
    ctx.splice_block_end(first, call_block);
    ctx.erase_block(first);
    true
}
