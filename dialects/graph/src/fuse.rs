//! `--fuse-ops`: TVM-style operator fusion on the dataflow graph of each
//! function body (graph level, before lowering to te).
//!
//! Each op gets a pattern kind ([`op_pattern_kind`]). The body is turned
//! into a petgraph DAG, the post-dominator tree is computed as the dominator
//! tree of the reversed graph rooted at a virtual sink (which every value
//! that escapes the block flows to), and ops are merged into groups
//! following TVM's rules:
//!
//! * phase 0: an out-elementwise-fusable op (conv2d, matmul, pooling) fuses
//!   with its immediate post-dominator when every path between them is
//!   elementwise/broadcast; an elementwise/broadcast op fuses with its
//!   post-dominator when the path is at most injective and the post-dominator
//!   is elementwise, broadcast, injective, a reduction or an
//!   out-elementwise-fusable group;
//! * phase 1: the same, plus injective ops fuse along injective paths.
//!
//! Fusing along every path to a post-dominator never duplicates an op and
//! keeps groups convex; a final check on the group graph dissolves any group
//! that would still form a cycle. Each group of two or more ops becomes a
//! `graph.fused` op whose block arguments are the group's external inputs
//! and whose results are the values used outside the group.

use crate::ops::{OpPatternKind, op_pattern_kind};
use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::{Block, Context, Diagnostic, Op, OperationState, Traits, Value};
use petgraph::algo::dominators::simple_fast;
use petgraph::graph::{DiGraph, NodeIndex};
use rustc_hash::{FxHashMap, FxHashSet};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Groups never grow beyond this many ops (TVM's `max_fuse_depth`).
pub const MAX_FUSE_DEPTH: usize = 256;

/// The dataflow graph of one block: nodes are its non-terminator ops.
struct DataflowGraph {
    ops: Vec<Op>,
    kinds: Vec<OpPatternKind>,
    /// Consumers with the edge pattern.
    outputs: Vec<Vec<(usize, OpPatternKind)>>,
    /// Whether a result is used outside the graph (terminator, nested or other block).
    extern_ref: Vec<bool>,
}

impl DataflowGraph {
    fn build(ctx: &Context, block: Block) -> Self {
        let ops: Vec<Op> = ctx
            .block_ops(block)
            .filter(|&o| !ctx.op_has_trait(o, Traits::TERMINATOR))
            .collect();
        let index: FxHashMap<Op, usize> = ops.iter().enumerate().map(|(i, &o)| (o, i)).collect();
        let kinds: Vec<OpPatternKind> = ops.iter().map(|&o| op_pattern_kind(ctx, o)).collect();
        let mut outputs = vec![Vec::new(); ops.len()];
        let mut extern_ref = vec![false; ops.len()];
        for (i, &op) in ops.iter().enumerate() {
            for r in ctx.results(op) {
                for u in ctx.uses(r) {
                    let owner = ctx.use_owner(u);
                    match index.get(&owner) {
                        Some(&j) => {
                            let mut k = kinds[j];
                            // A broadcast consumer is elementwise along an edge of full shape.
                            if k == OpPatternKind::Broadcast
                                && ctx.value_type(r) == ctx.value_type(ctx.result(owner, 0))
                            {
                                k = OpPatternKind::ElemWise;
                            }
                            if !outputs[i].iter().any(|&(x, _)| x == j) {
                                outputs[i].push((j, k));
                            } else if let Some(e) = outputs[i].iter_mut().find(|e| e.0 == j) {
                                e.1 = e.1.max(k);
                            }
                        }
                        None => extern_ref[i] = true,
                    }
                }
            }
        }
        DataflowGraph {
            ops,
            kinds,
            outputs,
            extern_ref,
        }
    }

    /// Immediate post-dominators (`None`: the virtual sink) via petgraph's
    /// dominators on the reversed graph.
    fn post_dominators(&self) -> Vec<Option<usize>> {
        let n = self.ops.len();
        let mut rev: DiGraph<(), ()> = DiGraph::with_capacity(n + 1, n * 2);
        for _ in 0..=n {
            rev.add_node(());
        }
        let sink = NodeIndex::new(n);
        for i in 0..n {
            if self.extern_ref[i] || self.outputs[i].is_empty() {
                rev.add_edge(sink, NodeIndex::new(i), ());
            }
            for &(j, _) in &self.outputs[i] {
                rev.add_edge(NodeIndex::new(j), NodeIndex::new(i), ());
            }
        }
        let dom = simple_fast(&rev, sink);
        (0..n)
            .map(|i| {
                dom.immediate_dominator(NodeIndex::new(i))
                    .map(|d| d.index())
                    .filter(|&d| d != n)
            })
            .collect()
    }

    /// The strongest edge pattern on any path from `src` to `sink`.
    fn path_pattern(&self, src: usize, sink: usize) -> OpPatternKind {
        let mut best = OpPatternKind::ElemWise;
        let mut seen = FxHashSet::default();
        let mut stack = vec![src];
        while let Some(n) = stack.pop() {
            if n == sink || !seen.insert(n) {
                continue;
            }
            for &(c, k) in &self.outputs[n] {
                best = best.max(k);
                stack.push(c);
            }
        }
        best
    }
}

/// Union-find over fusion groups.
struct Groups {
    parent: Vec<usize>,
    pattern: Vec<OpPatternKind>,
    anchor: Vec<bool>,
    size: Vec<usize>,
}

impl Groups {
    fn new(kinds: &[OpPatternKind]) -> Self {
        Groups {
            parent: (0..kinds.len()).collect(),
            pattern: kinds.to_vec(),
            anchor: kinds
                .iter()
                .map(|&k| k == OpPatternKind::OutEWiseFusable)
                .collect(),
            size: vec![1; kinds.len()],
        }
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
    fn merge(&mut self, child: usize, parent: usize) {
        let (c, p) = (self.find(child), self.find(parent));
        if c == p {
            return;
        }
        self.parent[c] = p;
        self.size[p] += self.size[c];
        if self.anchor[c] {
            self.anchor[p] = true;
            self.pattern[p] = self.pattern[p].max(self.pattern[c]);
        }
    }
}

fn check_path(
    g: &DataflowGraph,
    groups: &mut Groups,
    src: usize,
    sink: usize,
    fcond: fn(OpPatternKind, bool) -> bool,
) -> bool {
    let mut seen = FxHashSet::default();
    let mut stack: Vec<usize> = g.outputs[src].iter().map(|e| e.0).collect();
    while let Some(n) = stack.pop() {
        if !seen.insert(n) {
            continue;
        }
        let root = groups.find(n);
        if !fcond(groups.pattern[root], n == sink) {
            return false;
        }
        if n != sink {
            stack.extend(g.outputs[n].iter().map(|e| e.0));
        }
    }
    true
}

fn commit_fuse(g: &DataflowGraph, groups: &mut Groups, src: usize, sink: usize) {
    let target = groups.find(sink);
    let mut seen = FxHashSet::default();
    let mut stack = vec![src];
    while let Some(n) = stack.pop() {
        if n == sink || !seen.insert(n) {
            continue;
        }
        groups.merge(n, target);
        stack.extend(g.outputs[n].iter().map(|e| e.0));
    }
}

fn path_nodes(g: &DataflowGraph, src: usize, sink: usize) -> FxHashSet<usize> {
    let mut seen = FxHashSet::default();
    let mut stack = vec![src];
    while let Some(n) = stack.pop() {
        if n == sink || !seen.insert(n) {
            continue;
        }
        stack.extend(g.outputs[n].iter().map(|e| e.0));
    }
    seen
}

/// Computes fusion groups: for each op of the graph, the representative
/// (an index into the block's non-terminator ops) of its group.
fn compute_groups(g: &DataflowGraph) -> Vec<usize> {
    use OpPatternKind::*;
    let pdom = g.post_dominators();
    let dom_pattern: Vec<Option<OpPatternKind>> = (0..g.ops.len())
        .map(|i| pdom[i].map(|d| g.path_pattern(i, d)))
        .collect();
    let mut groups = Groups::new(&g.kinds);
    for phase in 0..2 {
        for i in 0..g.ops.len() {
            let kind = g.kinds[i];
            let (Some(d), Some(dp)) = (pdom[i], dom_pattern[i]) else {
                continue;
            };
            if kind == Opaque || groups.find(i) == groups.find(d) {
                continue;
            }
            let fcond: fn(OpPatternKind, bool) -> bool = match kind {
                OutEWiseFusable if phase == 0 && dp == ElemWise => |k, _| k <= Broadcast,
                ElemWise | Broadcast if dp <= Injective || dp == CommReduce => |k, sink| {
                    if sink {
                        k <= Injective || k == CommReduce || k == OutEWiseFusable
                    } else {
                        k <= Injective
                    }
                },
                Injective if phase == 1 => |k, _| k <= Injective,
                _ => continue,
            };
            // Bound group size.
            let extra: usize = {
                let nodes = path_nodes(g, i, d);
                let roots: FxHashSet<usize> = nodes.iter().map(|&n| groups.find(n)).collect();
                let target = groups.find(d);
                roots
                    .iter()
                    .filter(|&&r| r != target)
                    .map(|&r| groups.size[r])
                    .sum()
            };
            let target = groups.find(d);
            if groups.size[target] + extra > MAX_FUSE_DEPTH {
                continue;
            }
            if check_path(g, &mut groups, i, d, fcond) {
                commit_fuse(g, &mut groups, i, d);
            }
        }
    }
    let mut reps: Vec<usize> = (0..g.ops.len()).map(|i| groups.find(i)).collect();
    dissolve_cycles(g, &mut reps);
    // Report the dominant pattern through the representative's slot.
    reps
}

/// Dissolves groups until the graph of groups is acyclic.
fn dissolve_cycles(g: &DataflowGraph, reps: &mut [usize]) {
    loop {
        let mut q: DiGraph<usize, ()> = DiGraph::new();
        let mut node_of: FxHashMap<usize, NodeIndex> = FxHashMap::default();
        for &r in reps.iter() {
            node_of.entry(r).or_insert_with(|| q.add_node(r));
        }
        for i in 0..g.ops.len() {
            for &(j, _) in &g.outputs[i] {
                if reps[i] != reps[j] {
                    q.update_edge(node_of[&reps[i]], node_of[&reps[j]], ());
                }
            }
        }
        match petgraph::algo::toposort(&q, None) {
            Ok(_) => return,
            Err(cycle) => {
                let bad = q[cycle.node_id()];
                for (i, r) in reps.iter_mut().enumerate() {
                    if *r == bad {
                        *r = i;
                    }
                }
            }
        }
    }
}

/// The fusion groups of a block, for tests and tools: each group (two or
/// more ops, in block order) with its dominant pattern kind.
pub fn fusion_groups(ctx: &Context, block: Block) -> Vec<(Vec<Op>, OpPatternKind)> {
    let g = DataflowGraph::build(ctx, block);
    let reps = compute_groups(&g);
    let mut members: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for (i, &r) in reps.iter().enumerate() {
        members.entry(r).or_default().push(i);
    }
    let mut out: Vec<(Vec<Op>, OpPatternKind)> = members
        .into_values()
        .filter(|m| m.len() >= 2)
        .map(|m| {
            let kind = group_kind(&g, &m);
            (m.iter().map(|&i| g.ops[i]).collect(), kind)
        })
        .collect();
    out.sort_by_key(|(m, _)| g.ops.iter().position(|o| *o == m[0]));
    out
}

/// The dominant pattern of a group: its anchor (out-elementwise-fusable or
/// reduction) if any, else the strongest member kind.
fn group_kind(g: &DataflowGraph, members: &[usize]) -> OpPatternKind {
    members
        .iter()
        .map(|&i| g.kinds[i])
        .filter(|&k| k != OpPatternKind::Opaque)
        .max()
        .unwrap_or(OpPatternKind::Opaque)
}

/// Replaces one group (ops in block order) by a `graph.fused` op.
fn outline_group(ctx: &mut Context, members: &[Op], kind: OpPatternKind) -> Op {
    let set: FxHashSet<Op> = members.iter().copied().collect();
    let mut inputs: Vec<Value> = Vec::new();
    let mut outputs: Vec<Value> = Vec::new();
    for &op in members {
        for v in ctx.operands(op) {
            let inside = ctx.defining_op(v).is_some_and(|d| set.contains(&d));
            if !inside && !inputs.contains(&v) {
                inputs.push(v);
            }
        }
        for r in ctx.results(op) {
            if ctx.users(r).any(|u| !set.contains(&u)) {
                outputs.push(r);
            }
        }
    }
    let last = *members.last().expect("non-empty group");
    let locs: Vec<_> = members.iter().map(|&o| ctx.op_loc(o)).collect();
    let loc = ctx.fused_loc(locs, None);
    let in_types: Vec<_> = inputs.iter().map(|&v| ctx.value_type(v)).collect();
    let out_types: Vec<_> = outputs.iter().map(|&v| ctx.value_type(v)).collect();
    let region = ctx.create_region();
    let body = ctx.create_block(&in_types, loc);
    ctx.append_block(region, body);
    let name = ctx.op_name_id("graph.fused");
    let mut st = OperationState::new(name, loc);
    st.operands = inputs.clone();
    st.result_types = out_types;
    let kid = ctx.ident("kind");
    let ka = ctx.string_attr(kind.name());
    st.props.push((kid, ka));
    st.regions.push(region);
    let fused = ctx.create_op(st);
    ctx.insert_op_before(last, fused);
    for (i, &r) in outputs.iter().enumerate() {
        let nr = ctx.result(fused, i);
        ctx.replace_uses_with_if(r, nr, |c: &Context, u| !set.contains(&c.use_owner(u)));
    }
    for (i, &v) in inputs.iter().enumerate() {
        let a = ctx.block_arg(body, i);
        ctx.replace_uses_with_if(v, a, |c: &Context, u| set.contains(&c.use_owner(u)));
    }
    for &op in members {
        ctx.remove_op(op);
        ctx.append_op(body, op);
    }
    let yname = ctx.op_name_id("graph.yield");
    let mut y = OperationState::new(yname, loc);
    y.operands = outputs;
    let y = ctx.create_op(y);
    ctx.append_op(body, y);
    fused
}

/// Stable topological reorder of a block's non-terminator ops (needed when
/// an outlined group moved a value's definition below one of its users).
fn topo_sort_block(ctx: &mut Context, block: Block) {
    let ops: Vec<Op> = ctx
        .block_ops(block)
        .filter(|&o| !ctx.op_has_trait(o, Traits::TERMINATOR))
        .collect();
    let pos: FxHashMap<Op, usize> = ops.iter().enumerate().map(|(i, &o)| (o, i)).collect();
    let mut indeg = vec![0usize; ops.len()];
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); ops.len()];
    for (i, &op) in ops.iter().enumerate() {
        let mut deps = FxHashSet::default();
        for o in ctx.nested_ops(op).into_iter().chain(std::iter::once(op)) {
            for v in ctx.operands(o) {
                // The op in this block that (transitively) holds the definition.
                let mut d = ctx.defining_op(v);
                while let Some(x) = d {
                    if pos.contains_key(&x) {
                        break;
                    }
                    d = ctx.parent_op(x);
                }
                if let Some(&j) = d.and_then(|x| pos.get(&x))
                    && j != i
                    && deps.insert(j)
                {
                    succ[j].push(i);
                    indeg[i] += 1;
                }
            }
        }
    }
    let mut heap: BinaryHeap<Reverse<usize>> = (0..ops.len())
        .filter(|&i| indeg[i] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(ops.len());
    while let Some(Reverse(i)) = heap.pop() {
        order.push(i);
        for &s in &succ[i] {
            indeg[s] -= 1;
            if indeg[s] == 0 {
                heap.push(Reverse(s));
            }
        }
    }
    if order.len() != ops.len() || order.iter().enumerate().all(|(a, &b)| a == b) {
        return;
    }
    let term = ctx
        .terminator(block)
        .filter(|&t| ctx.op_has_trait(t, Traits::TERMINATOR));
    for &i in &order {
        ctx.remove_op(ops[i]);
        match term {
            Some(t) => ctx.insert_op_before(t, ops[i]),
            None => ctx.append_op(block, ops[i]),
        }
    }
}

/// Fuses the ops of `block`; returns how many `graph.fused` ops were made.
pub fn fuse_block(ctx: &mut Context, block: Block) -> usize {
    let groups = fusion_groups(ctx, block);
    for (members, kind) in &groups {
        outline_group(ctx, members, *kind);
    }
    if !groups.is_empty() {
        topo_sort_block(ctx, block);
    }
    groups.len()
}

/// The `fuse-ops` pass (runs on every function-like op's blocks, skipping
/// ops already inside `graph.fused`).
#[derive(Default)]
pub struct FuseOps;

impl Pass for FuseOps {
    fn argument(&self) -> &'static str {
        "fuse-ops"
    }
    fn display_name(&self) -> &'static str {
        "FuseOps"
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        let mut funcs = Vec::new();
        ctx.walk_ops(op, &mut |o| {
            if ctx.op_name_str(o) == "func.func" {
                funcs.push(o);
                return dlc_ir::WalkResult::Skip;
            }
            dlc_ir::WalkResult::Advance
        });
        for f in funcs {
            let blocks: Vec<Block> = ctx
                .regions(f)
                .iter()
                .flat_map(|&r| ctx.region_blocks(r).collect::<Vec<_>>())
                .collect();
            for b in blocks {
                fuse_block(ctx, b);
            }
        }
        Ok(())
    }
}

pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "fuse-ops",
        description: "Group graph ops into graph.fused regions by TVM-style pattern kinds over the post-dominator tree",
        options: &[],
        create: || Box::new(FuseOps),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups_of(src: &str) -> Vec<(Vec<String>, OpPatternKind)> {
        let mut ctx = Context::new();
        ctx.register_dialect(&dlc_func::DIALECT);
        ctx.register_dialect(&crate::DIALECT);
        let m = dlc_ir::parse_source(&mut ctx, src, "t.mlir").expect("parses");
        let f = ctx
            .nested_ops(m)
            .into_iter()
            .find(|&o| ctx.op_name_str(o) == "func.func")
            .expect("func");
        let b = ctx.region_first_block(ctx.region(f, 0)).expect("body");
        fusion_groups(&ctx, b)
            .into_iter()
            .map(|(ops, k)| {
                (
                    ops.iter()
                        .map(|&o| ctx.op_name_str(o).to_string())
                        .collect(),
                    k,
                )
            })
            .collect()
    }

    #[test]
    fn conv_epilogue_and_reduction() {
        let g = groups_of(
            "func.func @f(%x: tensor<1x3x4x4xf32>, %w: tensor<2x3x1x1xf32>, %b: tensor<2x1x1xf32>) -> tensor<1x2xf32> {
  %0 = graph.conv2d %x, %w : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = graph.add %0, %b : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %2 = graph.relu %1 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %3 = graph.softmax %2 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %4 = graph.exp %3 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %5 = graph.reduce_sum %4 {axes = array<i64: 2, 3>} : (tensor<1x2x4x4xf32>) -> tensor<1x2xf32>
  return %5 : tensor<1x2xf32>
}",
        );
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].0, ["graph.conv2d", "graph.add", "graph.relu"]);
        assert_eq!(g[0].1, OpPatternKind::OutEWiseFusable);
        assert_eq!(g[1].0, ["graph.exp", "graph.reduce_sum"]);
        assert_eq!(g[1].1, OpPatternKind::CommReduce);
    }

    #[test]
    fn escaping_value_ends_group() {
        let g = groups_of(
            "func.func @f(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = graph.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.exp %0 : (tensor<4xf32>) -> tensor<4xf32>
  %2 = graph.sqrt %1 : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %2 : tensor<4xf32>, tensor<4xf32>
}",
        );
        assert_eq!(
            g,
            vec![(
                vec!["graph.exp".to_string(), "graph.sqrt".to_string()],
                OpPatternKind::ElemWise
            )]
        );
    }
}
