//! `cse`: common subexpression elimination over the dominator tree, like
//! MLIR's CSE pass. Side-effect-free ops equal in name, operands,
//! attributes/properties, result types and (structurally) regions are
//! replaced by the dominating one; ops that only read memory are merged
//! within a block when no write lies between them. Ops with unknown effects
//! (unregistered ones included) are left alone. Runs on any op.

use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::rewrite::is_trivially_dead;
use dlc_ir::verify::compute_idoms;
use dlc_ir::{Block, Context, Diagnostic, Op, Region, Traits, Value};
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};

/// Whether `op` has no memory effects (MLIR's `isMemoryEffectFree`).
pub fn is_memory_effect_free(ctx: &Context, op: Op) -> bool {
    let Some(def) = ctx.op_def(op) else {
        return false;
    };
    if def.traits.contains(Traits::PURE) || def.traits.contains(Traits::CONSTANT_LIKE) {
        return true;
    }
    if def.traits.contains(Traits::RECURSIVE_MEMORY_EFFECTS) {
        return ctx.regions(op).iter().all(|&r| {
            ctx.region_blocks(r)
                .all(|b| ctx.block_ops(b).all(|o| is_memory_effect_free(ctx, o)))
        });
    }
    false
}

/// Whether `op` declares that it only reads memory.
fn only_reads(ctx: &Context, op: Op) -> bool {
    let Some(def) = ctx.op_def(op) else {
        return false;
    };
    def.traits.contains(Traits::MEMORY_READ)
        && !def.traits.contains(Traits::MEMORY_WRITE)
        && !def.traits.contains(Traits::ALLOC)
}

/// Whether an op between `from` and `to` (same block) may write memory.
fn writes_between(ctx: &Context, from: Op, to: Op) -> bool {
    let mut cur = ctx.next_op(from);
    while let Some(o) = cur {
        if o == to {
            return false;
        }
        if !is_memory_effect_free(ctx, o) && !only_reads(ctx, o) {
            return true;
        }
        cur = ctx.next_op(o);
    }
    true
}

fn op_hash(ctx: &Context, op: Op) -> u64 {
    let mut h = FxHasher::default();
    ctx.op_name(op).hash(&mut h);
    ctx.op_attr_dict(op).hash(&mut h);
    ctx.op_props(op).hash(&mut h);
    for t in ctx.result_types(op) {
        t.hash(&mut h);
    }
    if ctx.op_has_trait(op, Traits::COMMUTATIVE) {
        // Operand order does not matter: combine the operand hashes with an
        // order-independent sum (as upstream's `computeHash`).
        let sum = ctx.operands(op).fold(0u64, |acc, v| {
            let mut vh = FxHasher::default();
            v.hash(&mut vh);
            acc.wrapping_add(vh.finish())
        });
        sum.hash(&mut h);
    } else {
        for v in ctx.operands(op) {
            v.hash(&mut h);
        }
    }
    h.finish()
}

/// MLIR's `OperationEquivalence::isEquivalentTo` (locations ignored):
/// values defined inside compared regions are matched through `map`.
fn equivalent(ctx: &Context, a: Op, b: Op, map: &mut FxHashMap<Value, Value>) -> bool {
    a == b || (ctx.successors(a) == ctx.successors(b) && equivalent_in_region(ctx, a, b, map))
}

fn regions_equivalent(
    ctx: &Context,
    ra: Region,
    rb: Region,
    map: &mut FxHashMap<Value, Value>,
) -> bool {
    let ba: Vec<Block> = ctx.region_blocks(ra).collect();
    let bb: Vec<Block> = ctx.region_blocks(rb).collect();
    if ba.len() != bb.len() {
        return false;
    }
    for (&x, &y) in ba.iter().zip(&bb) {
        if ctx.block_arg_types(x) != ctx.block_arg_types(y) {
            return false;
        }
        for (&p, &q) in ctx.block_args(x).iter().zip(ctx.block_args(y)) {
            map.insert(p, q);
        }
    }
    for (&x, &y) in ba.iter().zip(&bb) {
        let ox = ctx.block_ops_vec(x);
        let oy = ctx.block_ops_vec(y);
        if ox.len() != oy.len() {
            return false;
        }
        for (&p, &q) in ox.iter().zip(&oy) {
            // Successors must correspond positionally.
            let sp: Vec<usize> = ctx
                .successors(p)
                .iter()
                .map(|s| ba.iter().position(|b| b == s).unwrap_or(usize::MAX))
                .collect();
            let sq: Vec<usize> = ctx
                .successors(q)
                .iter()
                .map(|s| bb.iter().position(|b| b == s).unwrap_or(usize::MAX))
                .collect();
            if sp != sq {
                return false;
            }
            if !equivalent_in_region(ctx, p, q, map) {
                return false;
            }
        }
    }
    true
}

/// Like [`equivalent`] but ignoring the successor identity check (done by
/// the caller, positionally).
fn equivalent_in_region(ctx: &Context, a: Op, b: Op, map: &mut FxHashMap<Value, Value>) -> bool {
    if ctx.op_name(a) != ctx.op_name(b)
        || ctx.op_attr_dict(a) != ctx.op_attr_dict(b)
        || ctx.op_props(a) != ctx.op_props(b)
        || ctx.num_operands(a) != ctx.num_operands(b)
        || ctx.num_results(a) != ctx.num_results(b)
        || ctx.num_regions(a) != ctx.num_regions(b)
        || ctx.result_types(a) != ctx.result_types(b)
    {
        return false;
    }
    if ctx.op_has_trait(a, Traits::COMMUTATIVE) {
        // Commutative ops compare their operands in a canonical (sorted)
        // order, as upstream's `isEquivalentTo` does.
        let mut xs: Vec<Value> = ctx.operands(a).collect();
        let mut ys: Vec<Value> = ctx.operands(b).collect();
        xs.sort_unstable();
        ys.sort_unstable();
        for (x, y) in xs.into_iter().zip(ys) {
            if map.get(&x).copied().unwrap_or(x) != y {
                return false;
            }
        }
    } else {
        for (x, y) in ctx.operands(a).zip(ctx.operands(b)) {
            let x = map.get(&x).copied().unwrap_or(x);
            if x != y {
                return false;
            }
        }
    }
    for (&ra, &rb) in ctx.regions(a).iter().zip(ctx.regions(b)) {
        if !regions_equivalent(ctx, ra, rb, map) {
            return false;
        }
    }
    for (x, y) in ctx.results(a).zip(ctx.results(b)) {
        map.insert(x, y);
    }
    true
}

/// A stack of scopes mapping op hashes to the ops seen so far.
#[derive(Default)]
struct KnownValues {
    scopes: Vec<FxHashMap<u64, Vec<Op>>>,
}

impl KnownValues {
    fn lookup(&self, ctx: &Context, op: Op) -> Option<Op> {
        let h = op_hash(ctx, op);
        for s in self.scopes.iter().rev() {
            if let Some(v) = s.get(&h) {
                for &c in v.iter().rev() {
                    if !ctx.is_erased(c) && equivalent(ctx, c, op, &mut FxHashMap::default()) {
                        return Some(c);
                    }
                }
            }
        }
        None
    }
    fn insert(&mut self, ctx: &Context, op: Op) {
        let h = op_hash(ctx, op);
        if let Some(s) = self.scopes.last_mut() {
            s.entry(h).or_default().push(op);
        }
    }
}

struct CseDriver {
    to_erase: Vec<Op>,
    num_cse: usize,
    num_dce: usize,
}

impl CseDriver {
    fn simplify_region(&mut self, ctx: &mut Context, known: &mut KnownValues, r: Region) {
        let Some(entry) = ctx.region_first_block(r) else {
            return;
        };
        let ssa = !ctx
            .region_owner(r)
            .is_some_and(|o| ctx.op_has_trait(o, Traits::GRAPH_REGION));
        if ctx.next_block(entry).is_none() {
            known.scopes.push(FxHashMap::default());
            self.simplify_block(ctx, known, entry, ssa);
            known.scopes.pop();
            return;
        }
        if !ssa {
            return;
        }
        // Walk the dominator tree depth-first, one scope per node.
        let idoms = compute_idoms(ctx, r);
        let mut children: FxHashMap<Block, Vec<Block>> = FxHashMap::default();
        for b in ctx.region_blocks(r).collect::<Vec<_>>() {
            if let Some(&d) = idoms.get(&b)
                && d != b
            {
                children.entry(d).or_default().push(b);
            }
        }
        self.visit_dom_node(ctx, known, entry, &children);
    }

    fn visit_dom_node(
        &mut self,
        ctx: &mut Context,
        known: &mut KnownValues,
        b: Block,
        children: &FxHashMap<Block, Vec<Block>>,
    ) {
        known.scopes.push(FxHashMap::default());
        self.simplify_block(ctx, known, b, true);
        if let Some(cs) = children.get(&b) {
            for &c in cs {
                self.visit_dom_node(ctx, known, c, children);
            }
        }
        known.scopes.pop();
    }

    fn simplify_block(&mut self, ctx: &mut Context, known: &mut KnownValues, b: Block, ssa: bool) {
        for op in ctx.block_ops_vec(b) {
            if ctx.num_regions(op) != 0 {
                let isolated =
                    !ctx.op_is_registered(op) || ctx.op_has_trait(op, Traits::ISOLATED_FROM_ABOVE);
                let regions = ctx.regions(op).to_vec();
                if isolated {
                    let mut nested = KnownValues::default();
                    for r in regions {
                        self.simplify_region(ctx, &mut nested, r);
                    }
                } else {
                    for r in regions {
                        self.simplify_region(ctx, known, r);
                    }
                }
            }
            self.simplify_op(ctx, known, op, ssa);
        }
    }

    /// Returns whether `op` was replaced or found dead.
    fn simplify_op(
        &mut self,
        ctx: &mut Context,
        known: &mut KnownValues,
        op: Op,
        ssa: bool,
    ) -> bool {
        if ctx.op_has_trait(op, Traits::TERMINATOR) {
            return false;
        }
        if is_trivially_dead(ctx, op) {
            self.to_erase.push(op);
            self.num_dce += 1;
            return true;
        }
        if !ctx
            .regions(op)
            .iter()
            .all(|&r| ctx.region_blocks(r).count() <= 1)
        {
            return false;
        }
        if !is_memory_effect_free(ctx, op) {
            if !only_reads(ctx, op) {
                return false;
            }
            if let Some(existing) = known.lookup(ctx, op)
                && ctx.op_block(existing) == ctx.op_block(op)
                && !writes_between(ctx, existing, op)
            {
                self.replace_and_delete(ctx, known, op, existing, ssa);
                return true;
            }
            known.insert(ctx, op);
            return false;
        }
        if let Some(existing) = known.lookup(ctx, op) {
            self.replace_and_delete(ctx, known, op, existing, ssa);
            return true;
        }
        known.insert(ctx, op);
        false
    }

    fn replace_and_delete(
        &mut self,
        ctx: &mut Context,
        known: &KnownValues,
        op: Op,
        existing: Op,
        ssa: bool,
    ) {
        let olds: Vec<Value> = ctx.results(op).collect();
        let news: Vec<Value> = ctx.results(existing).collect();
        if ssa {
            for (o, n) in olds.into_iter().zip(news) {
                ctx.replace_all_uses_with(o, n);
            }
            self.to_erase.push(op);
        } else {
            // Only uses not yet visited may be rewritten.
            for (o, n) in olds.into_iter().zip(news) {
                let uses: Vec<_> = ctx.uses(o).collect();
                for u in uses {
                    let owner = ctx.use_owner(u);
                    if known.lookup(ctx, owner).is_none() {
                        let idx = ctx.use_index(u);
                        ctx.set_operand(owner, idx, n);
                    }
                }
            }
            if ctx.op_results_unused(op) {
                self.to_erase.push(op);
            }
        }
        let unknown = ctx.unknown_loc();
        if ctx.op_loc(existing) == unknown && ctx.op_loc(op) != unknown {
            let l = ctx.op_loc(op);
            ctx.set_op_loc(existing, l);
        }
        self.num_cse += 1;
    }
}

/// Runs CSE on the regions of `root`; returns (ops CSE'd, dead ops erased).
pub fn run_cse(ctx: &mut Context, root: Op) -> (usize, usize) {
    let mut d = CseDriver {
        to_erase: Vec::new(),
        num_cse: 0,
        num_dce: 0,
    };
    let mut known = KnownValues::default();
    for r in ctx.regions(root).to_vec() {
        d.simplify_region(ctx, &mut known, r);
    }
    for op in d.to_erase {
        if !ctx.is_erased(op) && ctx.op_results_unused(op) {
            ctx.erase_op(op);
        }
    }
    (d.num_cse, d.num_dce)
}

/// The `cse` pass.
#[derive(Default)]
pub struct Cse;

impl Pass for Cse {
    fn argument(&self) -> &'static str {
        "cse"
    }
    fn display_name(&self) -> &'static str {
        "CSE"
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        run_cse(ctx, op);
        Ok(())
    }
}

pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "cse",
        description: "Eliminate common sub-expressions",
        options: &[],
        create: || Box::new(Cse),
    });
}
