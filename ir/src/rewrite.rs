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

/// Inserts a detached op at `ip`, advancing `ip` past it where ops are
/// inserted in sequence (after an op, at a block start).
pub fn insert_at(ctx: &mut Context, ip: &mut InsertPoint, op: Op) {
    match *ip {
        InsertPoint::Before(a) => ctx.insert_op_before(a, op),
        InsertPoint::After(a) => {
            ctx.insert_op_after(a, op);
            *ip = InsertPoint::After(op);
        }
        InsertPoint::BlockStart(b) => {
            ctx.prepend_op(b, op);
            *ip = InsertPoint::After(op);
        }
        InsertPoint::BlockEnd(b) => ctx.append_op(b, op),
        InsertPoint::Detached => {}
    }
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
        insert_at(self.ctx, &mut self.ip, op);
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
    /// Replaces the results of `op` with `values` and erases it. Every user
    /// of the old results is reported as modified (MLIR's `replaceOp`).
    pub fn replace_op(&mut self, op: Op, values: &[Value]) {
        debug_assert_eq!(values.len(), self.ctx.num_results(op));
        self.events
            .push(RewriteEvent::Replaced(op, values.to_vec()));
        let results: Vec<Value> = self.ctx.results(op).collect();
        for (r, &v) in results.iter().zip(values) {
            if *r != v {
                self.replace_all_uses_with(*r, v);
            }
        }
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
    /// Erases an op whose results have no uses (and everything nested in
    /// it). The event lists the defining ops of operands that had at most one
    /// use left, innermost ops first, as MLIR's driver revisits them.
    pub fn erase_op(&mut self, op: Op) {
        let mut nested = Vec::new();
        post_order(self.ctx, op, &mut nested);
        let mut defs = Vec::new();
        for &o in &nested {
            for v in self.ctx.operands(o) {
                if self.ctx.has_at_most_uses(v, 1)
                    && let Some(d) = self.ctx.defining_op(v)
                {
                    defs.push(d);
                }
            }
        }
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

/// How much the greedy driver simplifies regions between iterations.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RegionSimplify {
    Disabled,
    /// Erase unreachable blocks, dead ops and dead block arguments.
    Normal,
    /// Also merge identical blocks.
    Aggressive,
}

/// Settings of the greedy driver (MLIR's `GreedyRewriteConfig`).
#[derive(Clone, Debug)]
pub struct GreedyConfig {
    /// Stop after this many passes over the IR (`-1` for no bound).
    pub max_iterations: i64,
    /// Stop after this many pattern rewrites per pass over the IR (`-1` for no bound).
    pub max_rewrites: i64,
    /// Apply fold hooks and unique/hoist constants.
    pub fold: bool,
    pub region_simplify: RegionSimplify,
    /// Visit ops in pre-order from the top (else post-order from the bottom).
    pub top_down: bool,
}

impl Default for GreedyConfig {
    fn default() -> Self {
        GreedyConfig {
            max_iterations: 10,
            max_rewrites: -1,
            fold: true,
            region_simplify: RegionSimplify::Normal,
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
        // Stable sort: equal benefits keep insertion order.
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
    pub fn len(&self) -> usize {
        self.set.len()
    }
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

/// MLIR's worklist: a stack without duplicates whose removed entries are
/// tombstoned.
#[derive(Default)]
struct Worklist {
    list: Vec<Option<Op>>,
    map: FxHashMap<Op, usize>,
}

impl Worklist {
    fn push(&mut self, op: Op) {
        if let std::collections::hash_map::Entry::Vacant(e) = self.map.entry(op) {
            e.insert(self.list.len());
            self.list.push(Some(op));
        }
    }
    fn pop(&mut self) -> Option<Op> {
        while let Some(top) = self.list.pop() {
            if let Some(op) = top {
                self.map.remove(&op);
                return Some(op);
            }
        }
        None
    }
    fn remove(&mut self, op: Op) {
        if let Some(i) = self.map.remove(&op) {
            self.list[i] = None;
        }
    }
    fn reverse(&mut self) {
        self.list.reverse();
        for (i, o) in self.list.iter().enumerate() {
            if let Some(o) = o {
                self.map.insert(*o, i);
            }
        }
    }
    fn clear(&mut self) {
        self.list.clear();
        self.map.clear();
    }
    fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Uniques constants per insertion region and hoists them to the front of
/// the region's entry block, as MLIR's `OperationFolder` does when the driver
/// fills its worklist. A fresh one is used for every iteration.
#[derive(Default)]
struct ConstantFolder {
    /// (region, dialect, value, type) -> constant op.
    uniqued: FxHashMap<(Region, String, Attr, crate::Type), Op>,
    owned: FxHashSet<Op>,
}

impl ConstantFolder {
    /// The region constants used in `b` are hoisted into: the nearest one
    /// whose owner is isolated from above, unregistered, or top-level.
    fn insertion_region(ctx: &Context, b: Block) -> Option<Region> {
        let mut r = ctx.block_region(b)?;
        loop {
            let owner = ctx.region_owner(r)?;
            if ctx.op_has_trait(owner, Traits::ISOLATED_FROM_ABOVE)
                || !ctx.op_is_registered(owner)
                || ctx.op_block(owner).is_none()
            {
                return Some(r);
            }
            let pb = ctx.op_block(owner)?;
            r = ctx.block_region(pb)?;
        }
    }

    /// Registers an existing constant op; returns false if it was replaced by
    /// an equal earlier one (and erased).
    fn insert_known(&mut self, rw: &mut PatternRewriter<'_>, op: Op, value: Attr) -> bool {
        let Some(b) = rw.ctx.op_block(op) else {
            return true;
        };
        if self.owned.contains(&op) {
            let front = rw.ctx.first_op(b);
            let prev_owned = rw.ctx.prev_op(op).is_some_and(|p| self.owned.contains(&p));
            if front != Some(op)
                && !prev_owned
                && let Some(f) = front
            {
                rw.ctx.move_op_before(op, f);
            }
            return true;
        }
        let Some(region) = Self::insertion_region(rw.ctx, b) else {
            return true;
        };
        let Some(entry) = rw.ctx.region_first_block(region) else {
            return true;
        };
        if rw.ctx.num_results(op) != 1 {
            return true;
        }
        let ty = rw.ctx.value_type(rw.ctx.result(op, 0));
        let dialect = rw.ctx.op_names.dialect(rw.ctx.op_name(op)).to_string();
        let key = (region, dialect, value, ty);
        if let Some(&existing) = self.uniqued.get(&key)
            && existing != op
            && !rw.ctx.is_erased(existing)
        {
            let v = rw.ctx.result(existing, 0);
            rw.replace_op(op, &[v]);
            if rw.ctx.op_loc(existing) != rw.ctx.unknown_loc() {
                let unknown = rw.ctx.unknown_loc();
                rw.ctx.set_op_loc(existing, unknown);
            }
            return false;
        }
        let front = rw.ctx.first_op(entry);
        let prev_owned = rw.ctx.prev_op(op).is_some_and(|p| self.owned.contains(&p));
        if b != entry || (front != Some(op) && !prev_owned) {
            if b != entry {
                let unknown = rw.ctx.unknown_loc();
                rw.ctx.set_op_loc(op, unknown);
            }
            if let Some(f) = front
                && f != op
            {
                rw.ctx.move_op_before(op, f);
            }
        }
        self.uniqued.insert(key, op);
        self.owned.insert(op);
        true
    }
}

/// Applies `patterns` (and folding) to everything nested in the regions of
/// `root` (not `root` itself) until nothing changes. Returns whether it
/// converged within the bounds.
pub fn apply_patterns_greedily(
    ctx: &mut Context,
    root: Op,
    patterns: &FrozenPatterns,
    config: &GreedyConfig,
) -> bool {
    apply_patterns_greedily_with_listener(ctx, root, patterns, config, &mut |_, _| {})
}

/// [`apply_patterns_greedily`], reporting every change to `listener` (MLIR's
/// `RewriterBase::Listener`).
pub fn apply_patterns_greedily_with_listener(
    ctx: &mut Context,
    root: Op,
    patterns: &FrozenPatterns,
    config: &GreedyConfig,
    listener: &mut dyn FnMut(&Context, &RewriteEvent),
) -> bool {
    let mut d = Driver {
        root,
        patterns,
        config,
        worklist: Worklist::default(),
        listener,
    };
    d.simplify(ctx)
}

struct Driver<'a> {
    root: Op,
    patterns: &'a FrozenPatterns,
    config: &'a GreedyConfig,
    worklist: Worklist,
    listener: &'a mut dyn FnMut(&Context, &RewriteEvent),
}

impl Driver<'_> {
    /// Adds `op` and its ancestors up to the scope (the root's regions).
    fn add_to_worklist(&mut self, ctx: &Context, op: Op) {
        let mut chain = Vec::new();
        let mut cur = op;
        loop {
            if ctx.is_erased(cur) {
                return;
            }
            chain.push(cur);
            match ctx.parent_op(cur) {
                Some(p) if p == self.root => break,
                Some(p) => cur = p,
                None => return,
            }
        }
        for o in chain {
            self.worklist.push(o);
        }
    }

    /// Reacts to the changes a rewriter recorded.
    fn drain(&mut self, ctx: &Context, events: Vec<RewriteEvent>) {
        for e in events {
            (self.listener)(ctx, &e);
            match e {
                RewriteEvent::Inserted(o) => {
                    self.add_to_worklist(ctx, o);
                    for n in ctx.nested_ops(o) {
                        self.add_to_worklist(ctx, n);
                    }
                }
                RewriteEvent::Modified(o) => self.add_to_worklist(ctx, o),
                RewriteEvent::Replaced(..) => {}
                RewriteEvent::Erased(o, defs) => {
                    self.worklist.remove(o);
                    for d in defs {
                        self.add_to_worklist(ctx, d);
                    }
                }
            }
        }
    }

    fn simplify(&mut self, ctx: &mut Context) -> bool {
        let mut iteration = 0i64;
        let mut continue_rewrites = false;
        loop {
            iteration += 1;
            if self.config.max_iterations >= 0 && iteration > self.config.max_iterations {
                break;
            }
            self.worklist.clear();
            self.populate(ctx);
            continue_rewrites = self.process_worklist(ctx);
            if self.config.region_simplify != RegionSimplify::Disabled {
                let mut rw = PatternRewriter::new(ctx);
                let regions = rw.ctx.regions(self.root).to_vec();
                let aggressive = self.config.region_simplify == RegionSimplify::Aggressive;
                let changed = simplify_regions_with(&mut rw, &regions, aggressive);
                let events = std::mem::take(&mut rw.events);
                self.drain(ctx, events);
                continue_rewrites |= changed;
            }
            if !continue_rewrites {
                break;
            }
        }
        !continue_rewrites
    }

    fn populate(&mut self, ctx: &mut Context) {
        let mut folder = ConstantFolder::default();
        let mut all = Vec::new();
        for &r in ctx.regions(self.root) {
            for b in ctx.region_blocks(r) {
                for o in ctx.block_ops(b) {
                    if self.config.top_down {
                        ctx.walk_ops(o, &mut |x| {
                            all.push(x);
                            WalkResult::Advance
                        });
                    } else {
                        post_order(ctx, o, &mut all);
                    }
                }
            }
        }
        for op in all {
            if ctx.is_erased(op) {
                continue;
            }
            if self.config.fold
                && let Some(v) = constant_value(ctx, op)
            {
                let mut rw = PatternRewriter::new(ctx);
                let kept = folder.insert_known(&mut rw, op, v);
                let events = std::mem::take(&mut rw.events);
                self.drain(ctx, events);
                if !kept {
                    continue;
                }
            }
            self.add_to_worklist(ctx, op);
        }
        if self.config.top_down {
            self.worklist.reverse();
        }
    }

    fn process_worklist(&mut self, ctx: &mut Context) -> bool {
        let mut changed = false;
        let mut rewrites = 0i64;
        while !self.worklist.is_empty()
            && (self.config.max_rewrites < 0 || rewrites < self.config.max_rewrites)
        {
            let Some(op) = self.worklist.pop() else { break };
            if ctx.is_erased(op) || ctx.op_block(op).is_none() {
                continue;
            }
            let mut rw = PatternRewriter::new(ctx);
            let outcome = process_op(&mut rw, op, self.patterns, self.config);
            let events = std::mem::take(&mut rw.events);
            self.drain(ctx, events);
            match outcome {
                Outcome::Unchanged => {}
                Outcome::Changed => changed = true,
                Outcome::Rewritten => {
                    changed = true;
                    rewrites += 1;
                }
            }
        }
        changed
    }
}

enum Outcome {
    Unchanged,
    /// Erased as dead or folded.
    Changed,
    /// A pattern applied.
    Rewritten,
}

/// Appends the ops nested in `op`, then `op` (post-order).
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
    config: &GreedyConfig,
) -> Outcome {
    if is_trivially_dead(rw.ctx, op) {
        rw.erase_op(op);
        return Outcome::Changed;
    }
    if config.fold && !rw.ctx.op_has_trait(op, Traits::CONSTANT_LIKE) && try_fold(rw, op) {
        return Outcome::Changed;
    }
    let name = rw.ctx.op_name(op);
    for &i in patterns.for_op(name) {
        let p = &patterns.set.patterns[i];
        rw.set_insertion_point(InsertPoint::Before(op));
        if p.match_and_rewrite(op, rw) {
            return Outcome::Rewritten;
        }
    }
    Outcome::Unchanged
}

/// Runs the op's fold hook; on success replaces or updates the op. Constants
/// are materialized right before the op (the next iteration uniques and
/// hoists them).
fn try_fold(rw: &mut PatternRewriter<'_>, op: Op) -> bool {
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
            let results: Vec<Value> = rw.ctx.results(op).collect();
            if rs.len() != results.len() {
                return false;
            }
            if rs
                .iter()
                .zip(&results)
                .all(|(r, v)| *r == OpFoldResult::Value(*v))
            {
                // Folded to itself: an in-place update.
                rw.events.push(RewriteEvent::Modified(op));
                return true;
            }
            let dialect = rw.ctx.op_names.dialect(rw.ctx.op_name(op)).to_string();
            let materialize = rw
                .ctx
                .dialect(&dialect)
                .and_then(|d| d.materialize_constant);
            let loc = rw.ctx.op_loc(op);
            let mut vals = Vec::with_capacity(rs.len());
            let mut created = Vec::new();
            for (i, r) in rs.iter().enumerate() {
                match *r {
                    OpFoldResult::Value(v) => vals.push(v),
                    OpFoldResult::Attr(a) => {
                        let ty = rw.ctx.value_type(results[i]);
                        let made = materialize.and_then(|m| m(rw.ctx, a, ty, loc));
                        let Some(c) = made else {
                            for c in created {
                                rw.erase_op(c);
                            }
                            return false;
                        };
                        rw.set_insertion_point(InsertPoint::Before(op));
                        rw.insert(c);
                        created.push(c);
                        vals.push(rw.ctx.result(c, 0));
                    }
                }
            }
            rw.replace_op(op, &vals);
            true
        }
    }
}

/// Erases unreachable blocks and trivially dead ops in every region under
/// `root`. Returns whether anything changed.
pub fn simplify_regions(ctx: &mut Context, root: Op, aggressive: bool) -> bool {
    let mut rw = PatternRewriter::new(ctx);
    let regions = rw.ctx.regions(root).to_vec();
    simplify_regions_with(&mut rw, &regions, aggressive)
}

/// MLIR's `simplifyRegions`: unreachable-block erasure, then dead-code
/// elimination of ops and block arguments, then (aggressive) merging of
/// identical blocks.
pub fn simplify_regions_with(
    rw: &mut PatternRewriter<'_>,
    regions: &[Region],
    aggressive: bool,
) -> bool {
    let a = erase_unreachable_blocks(rw, regions);
    let b = run_region_dce(rw, regions);
    let mut c = false;
    if aggressive {
        c = merge_identical_blocks(rw, regions);
    }
    a || b || c
}

/// Erases blocks not reachable from their region's entry block, in `regions`
/// and every region nested in a reachable block.
pub fn erase_unreachable_blocks(rw: &mut PatternRewriter<'_>, regions: &[Region]) -> bool {
    let mut erased = false;
    let mut worklist: Vec<Region> = regions.to_vec();
    while let Some(r) = worklist.pop() {
        let Some(entry) = rw.ctx.region_first_block(r) else {
            continue;
        };
        let blocks: Vec<Block> = rw.ctx.region_blocks(r).collect();
        if blocks.len() == 1 {
            for o in rw.ctx.block_ops(entry) {
                worklist.extend(rw.ctx.regions(o).iter().copied());
            }
            continue;
        }
        let mut reach: FxHashSet<Block> = FxHashSet::default();
        let mut stack = vec![entry];
        while let Some(b) = stack.pop() {
            if !reach.insert(b) {
                continue;
            }
            if let Some(t) = rw.ctx.last_op(b) {
                stack.extend(rw.ctx.successors(t).iter().copied());
            }
        }
        for b in blocks {
            if !reach.contains(&b) {
                for o in rw.ctx.block_ops_vec(b) {
                    rw.events.push(RewriteEvent::Erased(o, Vec::new()));
                }
                rw.ctx.erase_block(b);
                erased = true;
                continue;
            }
            for o in rw.ctx.block_ops(b) {
                worklist.extend(rw.ctx.regions(o).iter().copied());
            }
        }
    }
    erased
}

/// Blocks reachable from `entry`, in DFS post-order (successors in order).
fn block_post_order(ctx: &Context, entry: Block) -> Vec<Block> {
    let mut out = Vec::new();
    let mut seen: FxHashSet<Block> = FxHashSet::default();
    let succs = |b: Block| -> Vec<Block> {
        ctx.last_op(b)
            .map(|t| ctx.successors(t).to_vec())
            .unwrap_or_default()
    };
    seen.insert(entry);
    let mut stack: Vec<(Block, Vec<Block>, usize)> = vec![(entry, succs(entry), 0)];
    while let Some(top) = stack.last_mut() {
        if top.2 < top.1.len() {
            let s = top.1[top.2];
            top.2 += 1;
            if seen.insert(s) {
                let ss = succs(s);
                stack.push((s, ss, 0));
            }
        } else {
            out.push(top.0);
            stack.pop();
        }
    }
    out
}

#[derive(Default)]
struct LiveMap {
    ops: FxHashSet<Op>,
    values: FxHashSet<Value>,
    changed: bool,
}

impl LiveMap {
    fn set_op(&mut self, op: Op) {
        self.changed |= self.ops.insert(op);
    }
    fn set_value(&mut self, v: Value) {
        self.changed |= self.values.insert(v);
    }
}

/// The operand range of `term` forwarded to successor `i`, if the op
/// declares it (MLIR's `BranchOpInterface`).
fn successor_operands(ctx: &Context, term: Op, i: usize) -> Option<std::ops::Range<usize>> {
    if !ctx.op_is_registered(term) {
        // An unregistered branch with one successor forwards all its
        // operands to it (as MLIR's verifier assumes).
        return (ctx.successors(term).len() == 1).then(|| 0..ctx.num_operands(term));
    }
    let f = ctx.op_def(term)?.interfaces.successor_operands?;
    Some(f(ctx, term, i))
}

/// Dead-code elimination over `regions` by liveness (MLIR's `runRegionDCE`):
/// erases ops whose results are not used by live ops and block arguments
/// (of non-entry blocks) that only feed dead values.
pub fn run_region_dce(rw: &mut PatternRewriter<'_>, regions: &[Region]) -> bool {
    let mut live = LiveMap::default();
    loop {
        live.changed = false;
        for &r in regions {
            propagate_region(rw.ctx, r, &mut live);
        }
        if !live.changed {
            break;
        }
    }
    delete_dead(rw, regions, &live)
}

fn propagate_region(ctx: &Context, r: Region, live: &mut LiveMap) {
    let Some(entry) = ctx.region_first_block(r) else {
        return;
    };
    for b in block_post_order(ctx, entry) {
        let ops = ctx.block_ops_vec(b);
        for &op in ops.iter().rev() {
            propagate_op(ctx, op, live);
        }
        if b == entry {
            continue;
        }
        for &a in ctx.block_args(b) {
            if !live.values.contains(&a) {
                process_value(ctx, a, live);
            }
        }
    }
}

fn propagate_op(ctx: &Context, op: Op, live: &mut LiveMap) {
    for &r in ctx.regions(op) {
        propagate_region(ctx, r, live);
    }
    if ctx.op_has_trait(op, Traits::TERMINATOR) || !ctx.successors(op).is_empty() {
        live.set_op(op);
        for (i, &s) in ctx.successors(op).iter().enumerate() {
            let n = match successor_operands(ctx, op, i) {
                // Values the terminator produces itself are always live.
                Some(_) => 0,
                None => ctx.block_args(s).len(),
            };
            for &a in &ctx.block_args(s)[..n.min(ctx.block_args(s).len())] {
                live.set_value(a);
            }
        }
        return;
    }
    if live.ops.contains(&op) {
        return;
    }
    if !would_be_trivially_dead(ctx, op) {
        live.set_op(op);
        return;
    }
    for v in ctx.results(op) {
        process_value(ctx, v, live);
    }
}

fn process_value(ctx: &Context, v: Value, live: &mut LiveMap) {
    let proved = ctx.uses(v).any(|u| {
        let owner = ctx.use_owner(u);
        if let Some(arg) = successor_arg_of_use(ctx, owner, ctx.use_index(u)) {
            return live.values.contains(&arg);
        }
        live.ops.contains(&owner)
    });
    if proved {
        live.set_value(v);
    }
}

/// The successor block argument fed by operand `idx` of branch `term`.
fn successor_arg_of_use(ctx: &Context, term: Op, idx: usize) -> Option<Value> {
    if !ctx.op_has_trait(term, Traits::TERMINATOR) {
        return None;
    }
    for (i, &s) in ctx.successors(term).iter().enumerate() {
        let range = successor_operands(ctx, term, i)?;
        if range.contains(&idx) {
            return ctx.block_args(s).get(idx - range.start).copied();
        }
    }
    None
}

/// Erases operand `i`, shrinking the `operandSegmentSizes` segment holding it.
fn erase_operand_with_segments(ctx: &mut Context, op: Op, i: usize) {
    if let Some(a) = ctx.attr(op, "operandSegmentSizes")
        && let Some(mut sizes) = ctx.dense_int_array(a)
    {
        let mut at = 0i64;
        for s in sizes.iter_mut() {
            if (i as i64) < at + *s {
                *s -= 1;
                break;
            }
            at += *s;
        }
        let v: Vec<i32> = sizes.iter().map(|&x| x as i32).collect();
        let na = ctx.dense_i32_array(&v);
        ctx.set_attr(op, "operandSegmentSizes", na);
    }
    ctx.erase_operand(op, i);
}

fn delete_dead(rw: &mut PatternRewriter<'_>, regions: &[Region], live: &LiveMap) -> bool {
    let mut erased = false;
    for &r in regions {
        let Some(entry) = rw.ctx.region_first_block(r) else {
            continue;
        };
        let single = rw.ctx.next_block(entry).is_none();
        for b in block_post_order(rw.ctx, entry) {
            if !single && let Some(t) = rw.ctx.last_op(b) {
                let succs = rw.ctx.successors(t).to_vec();
                for (si, &s) in succs.iter().enumerate().rev() {
                    let Some(range) = successor_operands(rw.ctx, t, si) else {
                        continue;
                    };
                    for k in (0..range.len()).rev() {
                        let Some(&arg) = rw.ctx.block_args(s).get(k) else {
                            continue;
                        };
                        if !live.values.contains(&arg) {
                            erase_operand_with_segments(rw.ctx, t, range.start + k);
                            rw.events.push(RewriteEvent::Modified(t));
                        }
                    }
                }
            }
            let ops = rw.ctx.block_ops_vec(b);
            for &op in ops.iter().rev() {
                if rw.ctx.is_erased(op) {
                    continue;
                }
                if !live.ops.contains(&op) {
                    // Post-order visits uses before defs; a dead op still used
                    // (a cycle in a graph region) is conservatively kept.
                    if rw.ctx.op_results_unused(op) {
                        rw.erase_op(op);
                        erased = true;
                    }
                } else {
                    let inner = rw.ctx.regions(op).to_vec();
                    erased |= delete_dead(rw, &inner, live);
                }
            }
        }
        let blocks: Vec<Block> = rw.ctx.region_blocks(r).skip(1).collect();
        for b in blocks {
            let n = rw.ctx.block_args(b).len();
            for k in (0..n).rev() {
                let a = rw.ctx.block_arg(b, k);
                if !live.values.contains(&a) && rw.ctx.use_empty(a) {
                    rw.ctx.erase_block_arg(b, k);
                }
            }
        }
    }
    erased
}

/// Merges blocks of a region that are structurally identical (aggressive
/// region simplification). Not implemented yet: returns false.
pub fn merge_identical_blocks(_rw: &mut PatternRewriter<'_>, _regions: &[Region]) -> bool {
    // TODO(canonicalize): MLIR's mergeIdenticalBlocks.
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constraints::*;
    use crate::opdef::DialectDef;

    crate::define_op! {
        pub struct TConst = "t.const" {
            results: [r: ANY_TYPE],
            attributes: [value: TYPED_ATTR],
            traits: PURE | CONSTANT_LIKE,
        }
    }
    crate::define_op! {
        pub struct TNeg = "t.neg" {
            operands: [x: ANY_TYPE],
            results: [r: ANY_TYPE],
            traits: PURE,
            fold: fold_neg,
        }
    }

    /// Folds `t.neg(const c)` to `-c`.
    fn fold_neg(ctx: &mut Context, op: Op, c: &[Option<Attr>]) -> FoldResult {
        let Some(v) = c[0].and_then(|a| ctx.int_value(a)) else {
            return FoldResult::None;
        };
        let ty = ctx.value_type(ctx.result(op, 0));
        FoldResult::attr(ctx.int_attr(ty, -v))
    }

    fn materialize(ctx: &mut Context, value: Attr, ty: crate::Type, loc: Attr) -> Option<Op> {
        let n = ctx.op_name_id("t.const");
        let mut st = OperationState::new(n, loc);
        st.result_types.push(ty);
        let id = ctx.ident("value");
        st.attrs.push((id, value));
        Some(ctx.create_op(st))
    }

    static T: DialectDef = DialectDef {
        name: "t",
        ops: &[&TConst::DEF, &TNeg::DEF],
        materialize_constant: Some(materialize),
        ..DialectDef::DEFAULT
    };

    fn parse(src: &str) -> (Context, Op) {
        let mut ctx = Context::new();
        ctx.register_dialect(&T);
        ctx.allow_unregistered = true;
        let m = crate::parse_source(&mut ctx, src, "t.mlir").expect("parses");
        (ctx, m)
    }

    fn print(ctx: &Context, m: Op) -> String {
        crate::print_op_to_string(ctx, m, &crate::PrintOptions::default())
    }

    const SRC: &str = r#"
"test.f"() ({
  %a = "t.const"() {value = 1 : i32} : () -> i32
  "test.use"(%a) : (i32) -> ()
  %n = "t.neg"(%a) : (i32) -> i32
  %b = "t.const"() {value = 1 : i32} : () -> i32
  %m = "t.neg"(%n) : (i32) -> i32
  "test.use"(%b, %m) : (i32, i32) -> ()
}) : () -> ()
"#;

    #[test]
    fn folds_uniques_and_hoists_constants() {
        let (mut ctx, m) = parse(SRC);
        let frozen = FrozenPatterns::new(&mut ctx, PatternSet::new());
        assert!(apply_patterns_greedily(
            &mut ctx,
            m,
            &frozen,
            &GreedyConfig::default()
        ));
        let out = print(&ctx, m);
        // One constant per value, hoisted to the front, in first-use order.
        assert_eq!(out.matches("\"t.const\"").count(), 1, "{out}");
        assert!(!out.contains("t.neg"), "{out}");
        let one = out.find("value = 1 : i32").unwrap();
        let first_use = out.find("\"test.use\"").unwrap();
        assert!(one < first_use, "{out}");
    }

    #[test]
    fn iteration_bound_reports_non_convergence() {
        let (mut ctx, m) = parse(SRC);
        let frozen = FrozenPatterns::new(&mut ctx, PatternSet::new());
        let cfg = GreedyConfig {
            max_iterations: 1,
            ..GreedyConfig::default()
        };
        assert!(!apply_patterns_greedily(&mut ctx, m, &frozen, &cfg));
        // Converges on a second run.
        assert!(apply_patterns_greedily(
            &mut ctx,
            m,
            &frozen,
            &GreedyConfig::default()
        ));
    }

    #[test]
    fn endless_pattern_hits_the_bound() {
        let (mut ctx, m) = parse(SRC);
        let mut set = PatternSet::new();
        set.add(FnPattern {
            root: Some("test.use"),
            name: "touch",
            benefit: 1,
            f: |op, rw| {
                rw.modify_in_place(op, |_| {});
                true
            },
        });
        let frozen = FrozenPatterns::new(&mut ctx, set);
        let cfg = GreedyConfig {
            max_rewrites: 50,
            ..GreedyConfig::default()
        };
        assert!(!apply_patterns_greedily(&mut ctx, m, &frozen, &cfg));
    }

    #[test]
    fn listener_sees_every_change() {
        let (mut ctx, m) = parse(SRC);
        let frozen = FrozenPatterns::new(&mut ctx, PatternSet::new());
        let (mut inserted, mut erased, mut replaced) = (0, 0, 0);
        apply_patterns_greedily_with_listener(
            &mut ctx,
            m,
            &frozen,
            &GreedyConfig::default(),
            &mut |_, e| match e {
                RewriteEvent::Inserted(_) => inserted += 1,
                RewriteEvent::Erased(..) => erased += 1,
                RewriteEvent::Replaced(..) => replaced += 1,
                RewriteEvent::Modified(_) => {}
            },
        );
        // Two negations folded (two constants materialized), the duplicate
        // constant replaced, and the dead/replaced ops erased.
        assert_eq!(inserted, 2);
        assert!(replaced >= 3, "{replaced}");
        assert!(erased >= 3, "{erased}");
    }
}
