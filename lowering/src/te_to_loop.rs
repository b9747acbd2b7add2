//! `--lower-te-to-loops`: te -> loop, the bufferization step between the te
//! and llvm levels (docs/LOWERING.md, "loop level").
//!
//! - `te.group`s are inlined (their fusion scope is one function body here);
//! - tensor arguments become memref arguments; results become output memref
//!   arguments appended after the inputs (`loop.num_outputs`), then one
//!   `memref<?xi8>` workspace argument;
//! - each `te.compute` becomes a loop nest: output axes (`parallel` when its
//!   schedule lists the axis), then reduction axes carrying an accumulator in
//!   `iter_args` (initialised from `init` or the combiner's identity); the
//!   body's `te.extract`s become `loop.load`s and the value is stored;
//! - `graph.constant`s become `loop.constant`s (the attribute is referenced,
//!   so dense_resource blobs stay shared);
//! - intermediates are packed into the workspace by a static planner
//!   (live ranges over op order, first-fit, 64-byte aligned, dead buffers
//!   reused) and addressed with `loop.view`; the peak is recorded as
//!   `loop.workspace_size` and reported in a remark;
//! - a result computed by a compute is written straight into its output
//!   buffer, other results (arguments, constants, repeated values) are copied.
//!
//! Other schedule entries (tile, split, reorder, vectorize, unroll,
//! compute_at, inline) are ignored.

use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::rewrite::{FnPattern, PatternRewriter};
use dlc_ir::{
    Attr, Block, Context, Diagnostic, Op, OperationState, PatternSet, Type, TypeKind, Value,
};
use rustc_hash::FxHashMap;

type R<T> = Result<T, Diagnostic>;

/// Alignment of every workspace buffer, in bytes.
pub const ALIGN: u64 = 64;

fn fail(ctx: &Context, op: Op, msg: impl Into<String>) -> Diagnostic {
    ctx.op_error(op, msg.into())
}

/// One planned buffer: byte offset and size in the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    pub offset: u64,
    pub size: u64,
}

/// Packs buffers given as `(size, first_use, last_use)` (op positions,
/// inclusive) into one arena: first-fit over the offsets of buffers still
/// live, every offset aligned to [`ALIGN`]. Returns the placements (same
/// order) and the peak size.
pub fn plan_memory(bufs: &[(u64, usize, usize)]) -> (Vec<Placement>, u64) {
    let align = |x: u64| x.div_ceil(ALIGN) * ALIGN;
    let mut order: Vec<usize> = (0..bufs.len()).collect();
    order.sort_by_key(|&i| (bufs[i].1, i));
    let mut out = vec![Placement { offset: 0, size: 0 }; bufs.len()];
    // Live buffers: (offset, size, last use).
    let mut live: Vec<(u64, u64, usize)> = Vec::new();
    let mut peak = 0u64;
    for i in order {
        let (size, first, last) = bufs[i];
        live.retain(|&(_, _, l)| l >= first);
        live.sort_unstable();
        let size_a = align(size.max(1));
        let mut cur = 0u64;
        for &(o, s, _) in &live {
            if o >= cur && o - cur >= size_a {
                break;
            }
            cur = cur.max(align(o + s));
        }
        out[i] = Placement { offset: cur, size };
        live.push((cur, size_a, last));
        peak = peak.max(cur + size);
    }
    (out, align(peak))
}

/// Creates `loop.for %iv = lb to ub step 1 iter_args(inits)` before
/// `anchor`; its body ends in an empty `loop.yield`. Returns the loop, the
/// body's arguments and the yield.
fn make_for(
    ctx: &mut Context,
    anchor: Op,
    loc: Attr,
    ub: i64,
    inits: &[Value],
    parallel: bool,
) -> (Op, Vec<Value>, Op) {
    let index = ctx.index_type();
    let lb = index_const(ctx, anchor, loc, 0);
    let ubv = index_const(ctx, anchor, loc, ub);
    let step = index_const(ctx, anchor, loc, 1);
    let mut arg_tys = vec![index];
    let res_tys: Vec<Type> = inits.iter().map(|&v| ctx.value_type(v)).collect();
    arg_tys.extend(&res_tys);
    let r = ctx.create_region();
    let b = ctx.create_block(&arg_tys, loc);
    ctx.append_block(r, b);
    let yname = ctx.op_name_id("loop.yield");
    let y = ctx.create_op(OperationState::new(yname, loc));
    ctx.append_op(b, y);
    let name = ctx.op_name_id("loop.for");
    let mut st = OperationState::new(name, loc);
    st.operands = vec![lb, ubv, step];
    st.operands.extend_from_slice(inits);
    st.result_types = res_tys;
    st.regions.push(r);
    if parallel {
        let id = ctx.ident("parallel");
        let u = ctx.unit_attr();
        st.props.push((id, u));
    }
    let f = ctx.create_op(st);
    ctx.insert_op_before(anchor, f);
    let args = ctx.block_args(b).to_vec();
    (f, args, y)
}

fn new_op(
    ctx: &mut Context,
    anchor: Op,
    loc: Attr,
    name: &str,
    operands: &[Value],
    results: &[Type],
    attrs: &[(&str, Attr)],
) -> Op {
    let n = ctx.op_name_id(name);
    let mut st = OperationState::new(n, loc);
    st.operands = operands.to_vec();
    st.result_types = results.to_vec();
    for (k, v) in attrs {
        let id = ctx.ident(k);
        st.attrs.push((id, *v));
    }
    let op = ctx.create_op(st);
    ctx.insert_op_before(anchor, op);
    op
}

fn index_const(ctx: &mut Context, anchor: Op, loc: Attr, v: i64) -> Value {
    let t = ctx.index_type();
    let a = ctx.index_attr(v);
    let op = new_op(
        ctx,
        anchor,
        loc,
        "arith.constant",
        &[],
        &[t],
        &[("value", a)],
    );
    ctx.result(op, 0)
}

/// A loop nest over `shape` before `anchor`; returns the induction
/// variables and the op to insert the innermost body before.
fn nest(
    ctx: &mut Context,
    anchor: Op,
    loc: Attr,
    shape: &[i64],
    parallel: &[i64],
) -> (Vec<Value>, Op) {
    let mut ivs = Vec::new();
    let mut at = anchor;
    for (k, &e) in shape.iter().enumerate() {
        let par = parallel.contains(&(k as i64));
        let (_, args, y) = make_for(ctx, at, loc, e, &[], par);
        ivs.push(args[0]);
        at = y;
    }
    (ivs, at)
}

fn is_float(ctx: &Context, t: Type) -> bool {
    matches!(ctx.type_kind(t), TypeKind::Float(_))
}

/// The combiner's op name and identity for element type `elem`.
fn combiner_parts(ctx: &mut Context, comb: &str, elem: Type) -> Option<(&'static str, Attr)> {
    let f = is_float(ctx, elem);
    let width = ctx.int_or_float_width(elem).unwrap_or(32);
    let imax = (1i128 << (width.saturating_sub(1))) - 1;
    let imin = -(1i128 << (width.saturating_sub(1)));
    Some(match (comb, f) {
        ("add", true) => ("arith.addf", ctx.float_attr(elem, 0.0)),
        ("mul", true) => ("arith.mulf", ctx.float_attr(elem, 1.0)),
        ("max", true) => ("arith.maximumf", ctx.float_attr(elem, f64::NEG_INFINITY)),
        ("min", true) => ("arith.minimumf", ctx.float_attr(elem, f64::INFINITY)),
        ("add", false) => ("arith.addi", ctx.int_attr(elem, 0)),
        ("mul", false) => ("arith.muli", ctx.int_attr(elem, 1)),
        ("max", false) => ("arith.maxsi", ctx.int_attr(elem, imin)),
        ("min", false) => ("arith.minsi", ctx.int_attr(elem, imax)),
        _ => return None,
    })
}

/// Output axes a compute's schedule marks `parallel`.
fn parallel_axes(ctx: &Context, op: Op) -> Vec<i64> {
    ctx.attr(op, "schedule")
        .and_then(|s| ctx.dict_get_str(s, "parallel"))
        .and_then(|a| ctx.dense_int_array(a))
        .unwrap_or_default()
}

/// Lowers one `te.compute` writing into `out`; `bufs` maps tensors to buffers.
fn lower_compute(ctx: &mut Context, c: Op, out: Value, bufs: &FxHashMap<Value, Value>) -> R<()> {
    let info = dlc_te::compute_info(ctx, c).map_err(|e| fail(ctx, c, e))?;
    let loc = ctx.op_loc(c);
    let body = dlc_te::body_block(ctx, c).ok_or_else(|| fail(ctx, c, "has no body"))?;
    let par = parallel_axes(ctx, c);
    let (mut ivs, outer_at) = nest(ctx, c, loc, &info.shape, &par);
    let elem = info.elem;
    let mut at = outer_at;
    let mut red_loops = Vec::new();
    let mut comb_name = "";
    if !info.reduce_extents.is_empty() {
        let comb = info.combiner.clone().unwrap_or_else(|| "add".into());
        let (cn, ident) = combiner_parts(ctx, &comb, elem)
            .ok_or_else(|| fail(ctx, c, format!("has an unknown combiner '{comb}'")))?;
        comb_name = cn;
        let init_attr = ctx.attr(c, "init").unwrap_or(ident);
        let init = new_op(
            ctx,
            at,
            loc,
            "arith.constant",
            &[],
            &[elem],
            &[("value", init_attr)],
        );
        let mut acc = ctx.result(init, 0);
        for &e in &info.reduce_extents.clone() {
            let (f, args, y) = make_for(ctx, at, loc, e, &[acc], false);
            ivs.push(args[0]);
            acc = args[1];
            red_loops.push((f, args[1], y));
            at = y;
        }
    }
    let args = ctx.block_args(body).to_vec();
    if args.len() != ivs.len() {
        return Err(fail(
            ctx,
            c,
            "has a body whose arguments do not match its axes",
        ));
    }
    for (&a, &iv) in args.iter().zip(&ivs) {
        ctx.replace_all_uses_with(a, iv);
    }
    let term = ctx
        .last_op(body)
        .ok_or_else(|| fail(ctx, c, "has an empty body"))?;
    let ops: Vec<Op> = ctx.block_ops_vec(body);
    for &o in &ops {
        if o == term {
            continue;
        }
        ctx.move_op_before(o, at);
    }
    // te.extract -> loop.load (also inside nested regions of the body).
    let mut extracts = Vec::new();
    for &o in &ops {
        if o == term {
            continue;
        }
        if ctx.op_name_str(o) == "te.extract" {
            extracts.push(o);
        }
        for n in ctx.nested_ops(o) {
            if ctx.op_name_str(n) == "te.extract" {
                extracts.push(n);
            }
        }
    }
    for x in extracts {
        let mut opnds = ctx.operand_vec(x);
        let t = opnds[0];
        let b = *bufs
            .get(&t)
            .ok_or_else(|| fail(ctx, x, "reads a tensor that has no buffer"))?;
        opnds[0] = b;
        let rt = ctx.value_type(ctx.result(x, 0));
        let xl = ctx.op_loc(x);
        let l = new_op(ctx, x, xl, "loop.load", &opnds, &[rt], &[]);
        let lv = ctx.result(l, 0);
        ctx.replace_all_uses_with(ctx.result(x, 0), lv);
        ctx.erase_op(x);
    }
    let y = ctx
        .operand_vec(term)
        .first()
        .copied()
        .ok_or_else(|| fail(ctx, c, "has a body yielding nothing"))?;
    let value = if let Some(&(first, _, _)) = red_loops.first() {
        let n = red_loops.len();
        let (_, acc, ylast) = red_loops[n - 1];
        let comb = new_op(ctx, ylast, loc, comb_name, &[acc, y], &[elem], &[]);
        let cv = ctx.result(comb, 0);
        ctx.set_operands(ylast, &[cv]);
        for k in 0..n - 1 {
            let inner = ctx.result(red_loops[k + 1].0, 0);
            ctx.set_operands(red_loops[k].2, &[inner]);
        }
        ctx.result(first, 0)
    } else {
        y
    };
    let out_ivs: Vec<Value> = ivs[..info.shape.len()].to_vec();
    let mut opnds = vec![value, out];
    opnds.extend(out_ivs);
    new_op(ctx, outer_at, loc, "loop.store", &opnds, &[], &[]);
    Ok(())
}

/// Copies buffer `src` into `dst` (same shape) before `anchor`.
fn copy(ctx: &mut Context, anchor: Op, loc: Attr, src: Value, dst: Value, shape: &[i64]) {
    let elem = ctx.element_type(ctx.value_type(src));
    let (ivs, at) = nest(ctx, anchor, loc, shape, &[]);
    let mut o = vec![src];
    o.extend(&ivs);
    let l = new_op(ctx, at, loc, "loop.load", &o, &[elem], &[]);
    let v = ctx.result(l, 0);
    let mut s = vec![v, dst];
    s.extend(&ivs);
    new_op(ctx, at, loc, "loop.store", &s, &[], &[]);
}

fn static_bytes(ctx: &Context, t: Type) -> Option<u64> {
    let shape = ctx.shape(t)?;
    let n: i64 = shape.iter().product();
    let w = ctx.int_or_float_width(ctx.element_type(t))?;
    u64::try_from(n).ok().map(|n| n * u64::from(w).div_ceil(8))
}

/// The op of block `b` that contains `op` (or `op` itself).
fn top_level(ctx: &Context, b: Block, mut op: Op) -> Option<Op> {
    loop {
        if ctx.op_block(op) == Some(b) {
            return Some(op);
        }
        op = ctx.parent_op(op)?;
    }
}

fn needs_lowering(ctx: &Context, func: Op) -> bool {
    let tensor_sig = ctx
        .attr(func, "function_type")
        .and_then(|a| ctx.type_value(a))
        .and_then(|t| ctx.function_type_parts(t))
        .is_some_and(|(i, o)| {
            i.iter()
                .chain(o)
                .any(|&t| matches!(ctx.type_kind(t), TypeKind::Tensor { .. }))
        });
    tensor_sig
        || ctx
            .nested_ops(func)
            .into_iter()
            .any(|o| ctx.op_name_str(o).starts_with("te."))
}

/// Bufferizes and plans one `func.func`; returns the workspace peak, or
/// `None` when the function has nothing to lower.
pub fn lower_function(ctx: &mut Context, func: Op) -> R<Option<u64>> {
    if !needs_lowering(ctx, func) {
        return Ok(None);
    }
    let floc = ctx.op_loc(func);
    let eb = ctx
        .regions(func)
        .first()
        .and_then(|&r| ctx.region_first_block(r))
        .ok_or_else(|| fail(ctx, func, "has no body to lower"))?;
    let result_types: Vec<Type> = ctx
        .attr(func, "function_type")
        .and_then(|a| ctx.type_value(a))
        .and_then(|t| ctx.function_type_parts(t))
        .map(|(_, o)| o.to_vec())
        .unwrap_or_default();
    // Check the input is at te level before changing anything.
    for o in ctx.block_ops_vec(eb) {
        let n = ctx.op_name_str(o);
        let ok = matches!(
            n,
            "te.compute" | "te.group" | "graph.constant" | "func.return"
        ) || n.starts_with("arith.")
            || n.starts_with("math.");
        if !ok {
            return Err(fail(
                ctx,
                o,
                "cannot be lowered to loops (expected te level: run --lower-graph-to-te first)",
            ));
        }
    }
    // 1. Inline groups.
    for g in ctx.block_ops_vec(eb) {
        if ctx.op_name_str(g) != "te.group" {
            continue;
        }
        let gb = dlc_te::body_block(ctx, g).ok_or_else(|| fail(ctx, g, "has no body"))?;
        for (a, v) in ctx
            .block_args(gb)
            .to_vec()
            .into_iter()
            .zip(ctx.operand_vec(g))
        {
            ctx.replace_all_uses_with(a, v);
        }
        let term = ctx
            .last_op(gb)
            .ok_or_else(|| fail(ctx, g, "has no terminator"))?;
        for (r, y) in ctx
            .results(g)
            .collect::<Vec<_>>()
            .into_iter()
            .zip(ctx.operand_vec(term))
        {
            ctx.replace_all_uses_with(r, y);
        }
        for o in ctx.block_ops_vec(gb) {
            if o != term {
                ctx.move_op_before(o, g);
            }
        }
        ctx.erase_op(g);
    }
    let ops = ctx.block_ops_vec(eb);
    let ret = *ops
        .last()
        .filter(|&&o| ctx.op_name_str(o) == "func.return")
        .ok_or_else(|| fail(ctx, func, "must end with 'func.return'"))?;
    for &o in &ops {
        let n = ctx.op_name_str(o);
        if n == "te.group" || n == "te.yield" {
            return Err(fail(ctx, o, "is not supported here (nested te.group?)"));
        }
    }
    // 2. Signature: tensors -> memrefs, outputs, workspace.
    let mut bufs: FxHashMap<Value, Value> = FxHashMap::default();
    let to_memref = |ctx: &mut Context, t: Type| -> Option<Type> {
        match ctx.type_kind(t) {
            TypeKind::Tensor { .. } => {
                let shape = ctx.shape(t)?.to_vec();
                let e = ctx.element_type(t);
                Some(ctx.memref_type(&shape, e))
            }
            _ => None,
        }
    };
    for a in ctx.block_args(eb).to_vec() {
        let t = ctx.value_type(a);
        if let Some(m) = to_memref(ctx, t) {
            ctx.set_value_type(a, m);
            bufs.insert(a, a);
        }
    }
    let rets = ctx.operand_vec(ret);
    let mut outs = Vec::new();
    for t in result_types {
        let m = to_memref(ctx, t).ok_or_else(|| fail(ctx, ret, "returns a non-tensor value"))?;
        outs.push(ctx.add_block_arg(eb, m, floc));
    }
    let i8t = ctx.integer_type(8);
    let wst = ctx.memref_type(&[dlc_ir::types::DYNAMIC], i8t);
    let ws = ctx.add_block_arg(eb, wst, floc);
    // 3. Constants.
    let mut dead = Vec::new();
    for &o in &ops {
        if ctx.op_name_str(o) == "graph.constant" {
            let v = ctx
                .attr(o, "value")
                .ok_or_else(|| fail(ctx, o, "has no value"))?;
            let r = ctx.result(o, 0);
            let rt = ctx.value_type(r);
            let m = to_memref(ctx, rt).ok_or_else(|| fail(ctx, o, "is not a tensor"))?;
            let l = ctx.op_loc(o);
            let c = new_op(ctx, o, l, "loop.constant", &[], &[m], &[("value", v)]);
            bufs.insert(r, ctx.result(c, 0));
            dead.push(o);
        }
    }
    // 4. Outputs written in place, intermediates planned.
    let computes: Vec<Op> = ops
        .iter()
        .copied()
        .filter(|&o| ctx.op_name_str(o) == "te.compute")
        .collect();
    let pos: FxHashMap<Op, usize> = ops.iter().enumerate().map(|(i, &o)| (o, i)).collect();
    let mut copies = Vec::new();
    for (k, &v) in rets.iter().enumerate() {
        let direct = ctx
            .defining_op(v)
            .is_some_and(|d| ctx.op_name_str(d) == "te.compute")
            && !bufs.contains_key(&v);
        if direct {
            bufs.insert(v, outs[k]);
        } else {
            copies.push((v, outs[k]));
        }
    }
    let mut inter = Vec::new();
    let mut ranges = Vec::new();
    for &c in &computes {
        let r = ctx.result(c, 0);
        if bufs.contains_key(&r) {
            continue;
        }
        let d = pos[&c];
        let mut last = d;
        for u in ctx.users(r).collect::<Vec<_>>() {
            if let Some(t) = top_level(ctx, eb, u) {
                last = last.max(pos.get(&t).copied().unwrap_or(d));
            }
        }
        let size = static_bytes(ctx, ctx.value_type(r))
            .ok_or_else(|| fail(ctx, c, "needs a static shape to plan its buffer"))?;
        inter.push(r);
        ranges.push((size, d, last));
    }
    let (places, peak) = plan_memory(&ranges);
    let first = ctx
        .first_op(eb)
        .ok_or_else(|| fail(ctx, func, "is empty"))?;
    for (&r, p) in inter.iter().zip(&places) {
        let rt = ctx.value_type(r);
        let m = to_memref(ctx, rt).ok_or_else(|| fail(ctx, func, "has a non-tensor compute"))?;
        let off = index_const(ctx, first, floc, p.offset as i64);
        let l = ctx.defining_op(r).map(|d| ctx.op_loc(d)).unwrap_or(floc);
        let view = new_op(ctx, first, l, "loop.view", &[ws, off], &[m], &[]);
        bufs.insert(r, ctx.result(view, 0));
    }
    // 5. Loop nests.
    for &c in &computes {
        let out = bufs[&ctx.result(c, 0)];
        lower_compute(ctx, c, out, &bufs)?;
    }
    for (v, out) in copies {
        let src = *bufs
            .get(&v)
            .ok_or_else(|| fail(ctx, ret, "returns a value with no buffer"))?;
        let shape = ctx.shape(ctx.value_type(out)).unwrap_or(&[]).to_vec();
        copy(ctx, ret, floc, src, out, &shape);
    }
    // 6. Clean up: new return, erase computes and constants.
    let rl = ctx.op_loc(ret);
    new_op(ctx, ret, rl, "func.return", &[], &[], &[]);
    ctx.erase_op(ret);
    for &c in computes.iter().rev() {
        ctx.erase_op(c);
    }
    for o in dead.into_iter().rev() {
        ctx.erase_op(o);
    }
    let tys: Vec<Type> = ctx.block_arg_types(eb).to_vec();
    let ft = ctx.function_type(&tys, &[]);
    let fta = ctx.type_attr(ft);
    ctx.set_attr(func, "function_type", fta);
    let n = ctx.i64_attr(outs.len() as i64);
    ctx.set_attr(func, "loop.num_outputs", n);
    let p = ctx.i64_attr(peak as i64);
    ctx.set_attr(func, "loop.workspace_size", p);
    ctx.emit_remark(
        floc,
        format!(
            "workspace peak: {peak} bytes for {} intermediate buffers",
            inter.len()
        ),
    );
    Ok(Some(peak))
}

/// Lowers every `func.func` directly nested in `module`.
pub fn lower_module(ctx: &mut Context, module: Op) -> R<()> {
    let funcs: Vec<Op> = ctx
        .regions(module)
        .iter()
        .flat_map(|&r| ctx.region_blocks(r).collect::<Vec<_>>())
        .flat_map(|b| ctx.block_ops_vec(b))
        .filter(|&o| ctx.op_name_str(o) == "func.func")
        .collect();
    for f in funcs {
        lower_function(ctx, f)?;
    }
    Ok(())
}

fn lower_func_pattern(op: Op, rw: &mut PatternRewriter<'_>) -> bool {
    matches!(lower_function(rw.ctx, op), Ok(Some(_)))
}

/// Adds the te-to-loop conversion as a pattern rooted at `func.func`
/// (bufferization and planning are whole-function decisions).
pub fn populate_te_to_loop_patterns(set: &mut PatternSet) {
    set.add(FnPattern {
        root: Some("func.func"),
        name: "LowerFuncWithTeToLoops",
        benefit: 1,
        f: lower_func_pattern,
    });
}

/// The `--lower-te-to-loops` pass.
#[derive(Default)]
pub struct LowerTeToLoops;

impl Pass for LowerTeToLoops {
    fn argument(&self) -> &'static str {
        "lower-te-to-loops"
    }
    fn display_name(&self) -> &'static str {
        "LowerTeToLoops"
    }
    fn anchor(&self) -> Option<&'static str> {
        Some("builtin.module")
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        ctx.register_dialect(&dlc_loop::DIALECT);
        lower_module(ctx, op)
    }
}

/// Registers `--lower-te-to-loops` and the `--lower-to-loops` pipeline.
pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "lower-te-to-loops",
        description: "Bufferize te computes into loop nests over memrefs; plan intermediates into one workspace arena",
        options: &[],
        create: || Box::new(LowerTeToLoops),
    });
    reg.register_pipeline(
        "lower-to-loops",
        "Lower graph (or te) to loops: lower-graph-to-te then lower-te-to-loops",
        "lower-graph-to-te,lower-te-to-loops",
    );
}
