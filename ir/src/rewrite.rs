//! Pattern rewriting: the `RewritePattern` trait, the `PatternRewriter` through
//! which every mutation goes (it records what changed, like MLIR's listener),
//! and the greedy worklist driver that applies patterns and fold hooks,
//! uniques and hoists constants, and erases dead ops until a fixed point or
//! an iteration bound.

use crate::attrs::Attr;
use crate::context::Context;
use crate::ir::{Block, Op, OperationState, Region, Value, WalkResult};
use crate::opdef::{OpName, Traits};
use crate::value_or_attr::{FoldResult, OpFoldResult};
use rustc_hash::{FxHashMap, FxHashSet};

/// A rewrite rooted at ops of one name (or any op).
pub trait RewritePattern {
    /// The op name this pattern matches, or `None` for any op.
    fn root(&self) -> Option<&'static str>;
    /// Higher benefit patterns are tried first.
    fn benefit(&self) -> u16 {
        1
    }
    /// A name for debugging and statistics.
    fn name(&self) -> &'static str;
    /// Tries to rewrite `op`; returns whether the IR changed. All mutations
    /// must go through `rw`.
    fn match_and_rewrite(&self, op: Op, rw: &mut PatternRewriter<'_>) -> bool;
}

/// A set of patterns (MLIR's `RewritePatternSet`).
#[derive(Default)]
pub struct PatternSet {
    patterns: Vec<Box<dyn RewritePattern>>,
}

impl PatternSet {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, p: impl RewritePattern + 'static) {
        self.patterns.push(Box::new(p));
    }
    pub fn add_boxed(&mut self, p: Box<dyn RewritePattern>) {
        self.patterns.push(p);
    }
    pub fn len(&self) -> usize {
        self.patterns.len()
    }
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
    pub fn patterns(&self) -> &[Box<dyn RewritePattern>] {
        &self.patterns
    }
}

/// A pattern from a closure.
pub struct FnPattern {
    pub root: Option<&'static str>,
    pub name: &'static str,
    pub benefit: u16,
    pub f: fn(Op, &mut PatternRewriter<'_>) -> bool,
}

impl RewritePattern for FnPattern {
    fn root(&self) -> Option<&'static str> {
        self.root
    }
    fn benefit(&self) -> u16 {
        self.benefit
    }
    fn name(&self) -> &'static str {
        self.name
    }
    fn match_and_rewrite(&self, op: Op, rw: &mut PatternRewriter<'_>) -> bool {
        (self.f)(op, rw)
    }
}

/// Something that happened to the IR through a rewriter.
#[derive(Clone, Debug)]
pub enum RewriteEvent {
    Inserted(Op),
    Modified(Op),
    /// The op's results were replaced by these values.
    Replaced(Op, Vec<Value>),
    /// The op was erased; these ops defined its operands.
    Erased(Op, Vec<Op>),
}

/// Where a rewriter inserts new ops.
#[derive(Copy, Clone, Debug)]
pub enum InsertPoint {
    Before(Op),
    After(Op),
    BlockStart(Block),
    BlockEnd(Block),
    Detached,
}

/// Mutates IR on behalf of patterns, recording every change.
pub struct PatternRewriter<'a> {
    pub ctx: &'a mut Context,
    ip: InsertPoint,
    pub events: Vec<RewriteEvent>,
}

impl<'a> PatternRewriter<'a> {
    pub fn new(ctx: &'a mut Context) -> Self {
        PatternRewriter {
            ctx,
            ip: InsertPoint::Detached,
            events: Vec::new(),
        }
    }
    pub fn set_insertion_point(&mut self, ip: InsertPoint) {
        self.ip = ip;
    }
    pub fn insertion_point(&self) -> InsertPoint {
        self.ip
    }
    /// Inserts a detached op at the insertion point.
    pub fn insert(&mut self, op: Op) -> Op {
        match self.ip {
            InsertPoint::Before(a) => self.ctx.insert_op_before(a, op),
            InsertPoint::After(a) => {
                self.ctx.insert_op_after(a, op);
                self.ip = InsertPoint::After(op);
            }
            InsertPoint::BlockStart(b) => {
                self.ctx.prepend_op(b, op);
                self.ip = InsertPoint::After(op);
            }
            InsertPoint::BlockEnd(b) => self.ctx.append_op(b, op),
            InsertPoint::Detached => {}
        }
        self.events.push(RewriteEvent::Inserted(op));
        op
    }
    /// Creates an op at the insertion point.
    pub fn create(&mut self, st: OperationState) -> Op {
        let op = self.ctx.create_op(st);
        self.insert(op)
    }
    /// Convenience: creates an op by name.
    pub fn create_op(
        &mut self,
        name: &str,
        loc: Attr,
        operands: &[Value],
        result_types: &[crate::Type],
        attrs: Vec<(&str, Attr)>,
    ) -> Op {
        let n = self.ctx.op_name_id(name);
        let mut st = OperationState::new(n, loc);
        st.operands = operands.to_vec();
        st.result_types = result_types.to_vec();
        for (k, v) in attrs {
            let id = self.ctx.ident(k);
            st.attrs.push((id, v));
        }
        self.create(st)
    }
    /// Replaces the results of `op` with `values` and erases it.
    pub fn replace_op(&mut self, op: Op, values: &[Value]) {
        debug_assert_eq!(values.len(), self.ctx.num_results(op));
        let results: Vec<Value> = self.ctx.results(op).collect();
        for (r, &v) in results.iter().zip(values) {
            self.ctx.replace_all_uses_with(*r, v);
        }
        self.events
            .push(RewriteEvent::Replaced(op, values.to_vec()));
        self.erase_op(op);
    }
    /// Replaces `op` by a newly created op (inserted before it).
    pub fn replace_op_with_new(&mut self, op: Op, st: OperationState) -> Op {
        self.ip = InsertPoint::Before(op);
        let new = self.create(st);
        let vals: Vec<Value> = self.ctx.results(new).collect();
        self.replace_op(op, &vals);
        new
    }
    /// Erases an op whose results have no uses.
    pub fn erase_op(&mut self, op: Op) {
        let mut defs = Vec::new();
        self.ctx.walk_ops(op, &mut |o| {
            for v in self.ctx.operands(o) {
                if let Some(d) = self.ctx.defining_op(v) {
                    defs.push(d);
                }
            }
            WalkResult::Advance
        });
        // Drop uses of the results that remain inside the op itself.
        self.ctx.erase_op(op);
        self.events.push(RewriteEvent::Erased(op, defs));
    }
    /// Records an in-place modification made by `f`.
    pub fn modify_in_place(&mut self, op: Op, f: impl FnOnce(&mut Context)) {
        f(self.ctx);
        self.events.push(RewriteEvent::Modified(op));
    }
    /// Replaces all uses of `from` with `to`, notifying the users.
    pub fn replace_all_uses_with(&mut self, from: Value, to: Value) {
        let users: Vec<Op> = self.ctx.users(from).collect();
        self.ctx.replace_all_uses_with(from, to);
        for u in users {
            self.events.push(RewriteEvent::Modified(u));
        }
    }
    /// Moves the ops of `src` before `anchor`, replacing `src`'s arguments
    /// with `args`, and erases `src`.
    pub fn inline_block_before(&mut self, src: Block, anchor: Op, args: &[Value]) {
        let bargs = self.ctx.block_args(src).to_vec();
        for (a, &v) in bargs.iter().zip(args) {
            self.replace_all_uses_with(*a, v);
        }
        for op in self.ctx.block_ops_vec(src) {
            self.ctx.move_op_before(op, anchor);
            self.events.push(RewriteEvent::Inserted(op));
        }
        self.ctx.erase_block(src);
    }
    /// Appends the ops of `src` to `dst`, replacing `src`'s arguments with
    /// `args`, and erases `src`.
    pub fn merge_blocks(&mut self, src: Block, dst: Block, args: &[Value]) {
        let bargs = self.ctx.block_args(src).to_vec();
        for (a, &v) in bargs.iter().zip(args) {
            self.replace_all_uses_with(*a, v);
        }
        for op in self.ctx.block_ops_vec(src) {
            self.ctx.remove_op(op);
            self.ctx.append_op(dst, op);
            self.events.push(RewriteEvent::Inserted(op));
        }
        self.ctx.erase_block(src);
    }
    /// Moves the blocks of `src` before block `anchor` in its region.
    pub fn inline_region_before(&mut self, src: Region, anchor: Block) {
        let blocks: Vec<Block> = self.ctx.region_blocks(src).collect();
        for b in blocks {
            self.ctx.remove_block(b);
            self.ctx.insert_block_before(anchor, b);
            for op in self.ctx.block_ops_vec(b) {
                self.events.push(RewriteEvent::Inserted(op));
            }
        }
    }
}

/// Whether `op` has no uses and no side effects (so it can be erased).
pub fn is_trivially_dead(ctx: &Context, op: Op) -> bool {
    ctx.op_results_unused(op) && would_be_trivially_dead(ctx, op)
}

/// Whether `op` would be dead if its results were unused.
pub fn would_be_trivially_dead(ctx: &Context, op: Op) -> bool {
    let Some(def) = ctx.op_def(op) else {
        return false;
    };
    if def.traits.contains(Traits::TERMINATOR) || def.traits.contains(Traits::SYMBOL) {
        return false;
    }
    if def.traits.contains(Traits::PURE) || def.traits.contains(Traits::CONSTANT_LIKE) {
        return true;
    }
    if def.traits.contains(Traits::RECURSIVE_MEMORY_EFFECTS) {
        let mut ok = true;
        for &r in ctx.regions(op) {
            for b in ctx.region_blocks(r) {
                for o in ctx.block_ops(b) {
                    if !would_be_trivially_dead(ctx, o) && !ctx.op_has_trait(o, Traits::TERMINATOR)
                    {
                        ok = false;
                    }
                }
            }
        }
        return ok;
    }
    false
}

/// Whether `op` is constant-like; returns its value attribute.
pub fn constant_value(ctx: &Context, op: Op) -> Option<Attr> {
    if ctx.op_has_trait(op, Traits::CONSTANT_LIKE) {
        ctx.attr(op, "value")
    } else {
        None
    }
}

/// The constant attribute feeding `v`, if `v` is defined by a constant op.
pub fn value_constant(ctx: &Context, v: Value) -> Option<Attr> {
    constant_value(ctx, ctx.defining_op(v)?)
}

/// Settings of the greedy driver.
#[derive(Clone, Debug)]
pub struct GreedyConfig {
    /// Stop after this many passes over the worklist (`-1` for no bound).
    pub max_iterations: i64,
    /// Stop after this many rewrites (`-1` for no bound).
    pub max_rewrites: i64,
    /// Apply fold hooks and unique/hoist constants.
    pub fold: bool,
    /// Erase unreachable blocks and dead values between iterations.
    pub region_simplify: bool,
    /// Process ops top-down (pre-order) instead of post-order.
    pub top_down: bool,
}

impl Default for GreedyConfig {
    fn default() -> Self {
        GreedyConfig {
            max_iterations: 10,
            max_rewrites: -1,
            fold: true,
            region_simplify: true,
            top_down: true,
        }
    }
}

/// Patterns indexed by root op name, by decreasing benefit.
pub struct FrozenPatterns {
    set: PatternSet,
    by_name: FxHashMap<OpName, Vec<usize>>,
    any: Vec<usize>,
}

impl FrozenPatterns {
    pub fn new(ctx: &mut Context, set: PatternSet) -> Self {
        let mut by_name: FxHashMap<OpName, Vec<usize>> = FxHashMap::default();
        let mut any = Vec::new();
        for (i, p) in set.patterns.iter().enumerate() {
            match p.root() {
                Some(n) => {
                    let id = ctx.op_name_id(n);
                    by_name.entry(id).or_default().push(i);
                }
                None => any.push(i),
            }
        }
        let benefit = |i: &usize| std::cmp::Reverse(set.patterns[*i].benefit());
        for v in by_name.values_mut() {
            v.extend(any.iter().copied());
            v.sort_by_key(benefit);
        }
        any.sort_by_key(benefit);
        FrozenPatterns { set, by_name, any }
    }
    fn for_op(&self, name: OpName) -> &[usize] {
        self.by_name
            .get(&name)
            .map(|v| v.as_slice())
            .unwrap_or(&self.any)
    }
}

/// Uniques constants per isolated region and hoists them to the region's
/// entry block, as MLIR's `OperationFolder` does.
#[derive(Default)]
struct ConstantFolder {
    /// (region, op name, value, type) -> constant op.
    uniqued: FxHashMap<(Region, OpName, Attr, crate::Type), Op>,
    owned: FxHashSet<Op>,
}

impl ConstantFolder {
    /// The region constants of `b` are hoisted into.
    fn insertion_region(ctx: &Context, b: Block) -> Option<Region> {
        let mut r = ctx.block_region(b)?;
        loop {
            let Some(owner) = ctx.region_owner(r) else {
                return Some(r);
            };
            if ctx.op_has_trait(owner, Traits::ISOLATED_FROM_ABOVE) || !ctx.op_is_registered(owner)
            {
                return Some(r);
            }
            let pb = ctx.op_block(owner)?;
            r = ctx.block_region(pb)?;
        }
    }

    /// Registers an existing constant op; returns false if it was replaced by
    /// an equal one (and erased).
    fn insert_known(&mut self, rw: &mut PatternRewriter<'_>, op: Op, value: Attr) -> bool {
        let Some(b) = rw.ctx.op_block(op) else {
            return true;
        };
        let Some(region) = Self::insertion_region(rw.ctx, b) else {
            return true;
        };
        let Some(entry) = rw.ctx.region_first_block(region) else {
            return true;
        };
        if self.owned.contains(&op) {
            if b == entry && rw.ctx.first_op(entry) != Some(op) {
                let front = rw.ctx.first_op(entry).unwrap();
                rw.ctx.move_op_before(op, front);
            }
            return true;
        }
        let ty = rw.ctx.value_type(rw.ctx.result(op, 0));
        let key = (region, rw.ctx.op_name(op), value, ty);
        if let Some(&existing) = self.uniqued.get(&key)
            && existing != op
            && !rw.ctx.is_erased(existing)
        {
            let v = rw.ctx.result(existing, 0);
            rw.replace_op(op, &[v]);
            return false;
        }
        let at_front = rw.ctx.first_op(entry) == Some(op);
        let prev_owned = rw.ctx.prev_op(op).is_some_and(|p| self.owned.contains(&p));
        if b != entry || (!at_front && !prev_owned) {
            let front = rw.ctx.first_op(entry).unwrap();
            if front != op {
                rw.ctx.move_op_before(op, front);
            }
        }
        self.uniqued.insert(key, op);
        self.owned.insert(op);
        true
    }

    /// Gets or creates a constant of `value`/`ty` for the region of `near`.
    fn get_or_create(
        &mut self,
        rw: &mut PatternRewriter<'_>,
        near: Op,
        dialect: &str,
        value: Attr,
        ty: crate::Type,
    ) -> Option<Value> {
        let b = rw.ctx.op_block(near)?;
        let region = Self::insertion_region(rw.ctx, b)?;
        let entry = rw.ctx.region_first_block(region)?;
        let d = rw.ctx.dialect(dialect)?;
        let materialize = d.materialize_constant?;
        let loc = rw.ctx.op_loc(near);
        let op = materialize(rw.ctx, value, ty, loc)?;
        // Dedupe against an existing one.
        let name = rw.ctx.op_name(op);
        let const_val = constant_value(rw.ctx, op).unwrap_or(value);
        let key = (region, name, const_val, ty);
        if let Some(&existing) = self.uniqued.get(&key)
            && !rw.ctx.is_erased(existing)
        {
            rw.ctx.erase_op(op);
            return Some(rw.ctx.result(existing, 0));
        }
        rw.ctx.prepend_op(entry, op);
        rw.events.push(RewriteEvent::Inserted(op));
        self.uniqued.insert(key, op);
        self.owned.insert(op);
        Some(rw.ctx.result(op, 0))
    }
}

/// Applies `patterns` (and folding) to everything nested in `root` until
/// nothing changes. Returns whether it converged within the bounds.
pub fn apply_patterns_greedily(
    ctx: &mut Context,
    root: Op,
    patterns: &FrozenPatterns,
    config: &GreedyConfig,
) -> bool {
    let mut folder = ConstantFolder::default();
    let mut iteration = 0i64;
    let mut rewrites = 0i64;
    loop {
        let mut changed = false;
        let mut worklist: Vec<Op> = Vec::new();
        let mut in_list: FxHashSet<Op> = FxHashSet::default();
        {
            let mut all = Vec::new();
            if config.top_down {
                ctx.walk_ops(root, &mut |o| {
                    if o != root {
                        all.push(o);
                    }
                    WalkResult::Advance
                });
            } else {
                post_order(ctx, root, &mut all);
                all.retain(|&o| o != root);
            }
            all.reverse();
            for o in all {
                in_list.insert(o);
                worklist.push(o);
            }
        }
        while let Some(op) = worklist.pop() {
            in_list.remove(&op);
            if ctx.is_erased(op) || ctx.op_block(op).is_none() {
                continue;
            }
            if config.max_rewrites >= 0 && rewrites >= config.max_rewrites {
                break;
            }
            let mut rw = PatternRewriter::new(ctx);
            let did = process_op(&mut rw, op, patterns, &mut folder, config);
            let events = std::mem::take(&mut rw.events);
            if did {
                changed = true;
                rewrites += 1;
            }
            for e in events {
                let push = |o: Op, worklist: &mut Vec<Op>, in_list: &mut FxHashSet<Op>| {
                    if !ctx.is_erased(o) && in_list.insert(o) {
                        worklist.push(o);
                    }
                };
                match e {
                    RewriteEvent::Inserted(o) | RewriteEvent::Modified(o) => {
                        push(o, &mut worklist, &mut in_list);
                        // Nested ops of inserted ops too.
                        for n in ctx.nested_ops(o) {
                            push(n, &mut worklist, &mut in_list);
                        }
                    }
                    RewriteEvent::Replaced(_, vals) => {
                        for v in vals {
                            let users: Vec<Op> = ctx.users(v).collect();
                            for u in users {
                                push(u, &mut worklist, &mut in_list);
                            }
                        }
                    }
                    RewriteEvent::Erased(_, defs) => {
                        for d in defs {
                            if !ctx.is_erased(d) {
                                push(d, &mut worklist, &mut in_list);
                            }
                        }
                    }
                }
            }
        }
        if config.region_simplify && simplify_regions(ctx, root) {
            changed = true;
        }
        iteration += 1;
        if !changed {
            return true;
        }
        if config.max_iterations >= 0 && iteration >= config.max_iterations {
            return false;
        }
        if config.max_rewrites >= 0 && rewrites >= config.max_rewrites {
            return false;
        }
    }
}

fn post_order(ctx: &Context, op: Op, out: &mut Vec<Op>) {
    for &r in ctx.regions(op) {
        for b in ctx.region_blocks(r) {
            for o in ctx.block_ops(b) {
                post_order(ctx, o, out);
            }
        }
    }
    out.push(op);
}

fn process_op(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    patterns: &FrozenPatterns,
    folder: &mut ConstantFolder,
    config: &GreedyConfig,
) -> bool {
    if is_trivially_dead(rw.ctx, op) {
        rw.erase_op(op);
        return true;
    }
    if config.fold {
        if let Some(v) = constant_value(rw.ctx, op) {
            let before = rw.ctx.prev_op(op);
            let kept = folder.insert_known(rw, op, v);
            if !kept {
                return true;
            }
            // Moving a constant is not counted as a change (MLIR doesn't).
            let _ = before;
            return false;
        }
        if try_fold(rw, op, folder) {
            return true;
        }
    }
    let name = rw.ctx.op_name(op);
    for &i in patterns.for_op(name) {
        let p = &patterns.set.patterns[i];
        rw.set_insertion_point(InsertPoint::Before(op));
        if p.match_and_rewrite(op, rw) {
            return true;
        }
    }
    false
}

/// Runs the op's fold hook; on success replaces or updates the op.
fn try_fold(rw: &mut PatternRewriter<'_>, op: Op, folder: &mut ConstantFolder) -> bool {
    let Some(def) = rw.ctx.op_def(op) else {
        return false;
    };
    let Some(fold) = def.fold else { return false };
    let consts: Vec<Option<Attr>> = rw
        .ctx
        .operands(op)
        .map(|v| value_constant(rw.ctx, v))
        .collect();
    match fold(rw.ctx, op, &consts) {
        FoldResult::None => false,
        FoldResult::InPlace => {
            rw.events.push(RewriteEvent::Modified(op));
            true
        }
        FoldResult::Results(rs) => {
            let dialect = rw.ctx.op_names.dialect(rw.ctx.op_name(op)).to_string();
            let mut vals = Vec::with_capacity(rs.len());
            for (i, r) in rs.iter().enumerate() {
                match *r {
                    OpFoldResult::Value(v) => vals.push(v),
                    OpFoldResult::Attr(a) => {
                        let ty = rw.ctx.value_type(rw.ctx.result(op, i));
                        match folder.get_or_create(rw, op, &dialect, a, ty) {
                            Some(v) => vals.push(v),
                            None => return false,
                        }
                    }
                }
            }
            let results: Vec<Value> = rw.ctx.results(op).collect();
            if results == vals {
                return false;
            }
            rw.replace_op(op, &vals);
            true
        }
    }
}

/// Erases unreachable blocks and trivially dead ops in every region under
/// `root`. Returns whether anything changed.
pub fn simplify_regions(ctx: &mut Context, root: Op) -> bool {
    let mut changed = false;
    let mut regions = Vec::new();
    ctx.walk_ops(root, &mut |o| {
        regions.extend(ctx.regions(o).iter().copied());
        WalkResult::Advance
    });
    for r in regions {
        if ctx.region_owner(r).is_some_and(|o| ctx.is_erased(o)) {
            continue;
        }
        changed |= erase_unreachable_blocks(ctx, r);
    }
    changed
}

/// Erases blocks of `r` not reachable from its entry block.
pub fn erase_unreachable_blocks(ctx: &mut Context, r: Region) -> bool {
    let Some(entry) = ctx.region_first_block(r) else {
        return false;
    };
    let blocks: Vec<Block> = ctx.region_blocks(r).collect();
    if blocks.len() < 2 {
        return false;
    }
    let mut reach: FxHashSet<Block> = FxHashSet::default();
    let mut stack = vec![entry];
    while let Some(b) = stack.pop() {
        if !reach.insert(b) {
            continue;
        }
        if let Some(t) = ctx.last_op(b) {
            stack.extend(ctx.successors(t).iter().copied());
        }
    }
    let dead: Vec<Block> = blocks.into_iter().filter(|b| !reach.contains(b)).collect();
    if dead.is_empty() {
        return false;
    }
    // Drop all uses of values defined in dead blocks first.
    for &b in &dead {
        for op in ctx.block_ops_vec(b) {
            for v in ctx.results(op).collect::<Vec<_>>() {
                let users: Vec<Op> = ctx.users(v).collect();
                for u in users {
                    if dead.iter().any(|&d| ctx.op_block(u) == Some(d)) {
                        continue;
                    }
                }
            }
        }
    }
    for b in dead {
        ctx.erase_block(b);
    }
    true
}
