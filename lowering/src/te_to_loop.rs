//! `--lower-te-to-loops`: te -> loop, the bufferization step between the te
//! and llvm levels (docs/LOWERING.md, "loop level").
//!
//! - `te.group`s are inlined (their fusion scope is one function body here);
//! - tensor arguments become memref arguments; results become output memref
//!   arguments appended after the inputs (`loop.num_outputs`), then one
//!   `memref<?xi8>` workspace argument;
//! - each `te.compute` becomes a loop nest shaped by its schedule (below);
//!   reductions carry an accumulator in `iter_args` (initialised from
//!   `init` or the combiner's identity) when every reduction loop is
//!   innermost; the body's `te.extract`s become `loop.load`s and the value
//!   is stored;
//! - `graph.constant`s become `loop.constant`s (the attribute is referenced,
//!   so dense_resource blobs stay shared);
//! - intermediates are packed into the workspace by a static planner
//!   (live ranges over op order, first-fit, 64-byte aligned, dead buffers
//!   reused) and addressed with `loop.view`; the peak is recorded as
//!   `loop.workspace_size` and reported in a remark;
//! - a result computed by a compute is written straight into its output
//!   buffer, other results (arguments, constants, repeated values) are copied.
//!
//! Schedules (`dialects/te/src/schedule.rs`; axes are output axes then
//! reduction axes):
//!
//! - `tile` / `split` strip-mine an axis by `t` (0 = untiled; `split`
//!   overrides `tile` for its axes): an outer loop `0..extent step t` and an
//!   inner point loop `outer .. min(outer + t, extent)` (`arith.minsi`
//!   only when `t` does not divide the extent, so results stay exact).
//! - Loop order (TVM/Halide's tile convention): take the axes in `reorder`
//!   order (default: axis order). Untiled axes that come before the first
//!   tiled one are outermost; then the outer tile loops of all tiled axes;
//!   then, again in `reorder` order, the inner point loops of tiled axes
//!   and the remaining untiled axes. E.g. tile (32, 32, 0) on a matmul is
//!   `i.o, j.o, i.i, j.i, k`; tile (0, 0, 16) is `i, j, k.o, k.i`.
//! - When a reduction loop ends up outside an output loop, the output is
//!   first filled with `init` (or the identity) by its own nest, and the
//!   body accumulates with load / combine / store on the output buffer.
//! - `parallel`: the listed output axes' outer (or only) loop is
//!   `loop.for parallel`.
//! - `unroll` (axis, factor): the axis' innermost loop (its point loop when
//!   tiled) is unrolled by `dlc_loop::unroll_loop` (copies of the body,
//!   remainder loop when the factor does not divide the trip count).
//! - `vectorize` (axis, width): applied when the axis' loop is the
//!   innermost of the nest (so no reduction loop is inside it), width
//!   divides its extent (and its tile), the element type is f32/f64 and
//!   every body op depending on the axis is a `te.extract` using it exactly
//!   as its last index (-> `loop.vector_load`) or an f32/f64 arith/math op,
//!   compare or select (-> the same op on vectors). Values not depending on
//!   the axis stay scalar and are splatted (`loop.broadcast`, or a dense
//!   vector constant for float constants); the loop steps by the width and
//!   ends in `loop.vector_store`. Otherwise the nest is scalar and a remark
//!   says why.
//! - `peel` (axes): the outer loop of each listed tiled axis is marked
//!   `{peel}` for `--loop-peel`, and `unroll` then only marks its loops
//!   (`{unroll = N}`) for `--loop-unroll`, to run after the peeling, so
//!   the point loops of full tiles unroll completely; `vectorize` too only
//!   marks the axis' point loop (`{vectorize = W}`) for `--loop-vectorize`.
//! - `compute_at` and `inline` are not applied (each compute is its own
//!   nest); a remark names them.
//! - Malformed entries (the te verifier rejects them) are reported in a
//!   remark and ignored.

use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::rewrite::{FnPattern, PatternRewriter};
use dlc_ir::types::DYNAMIC;
use dlc_ir::{
    Attr, Block, Context, Diagnostic, Op, OperationState, PatternSet, Type, TypeKind, Value,
};
use dlc_te::Extent;
use rustc_hash::{FxHashMap, FxHashSet};

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
/// `anchor` (constant bounds); its body ends in an empty `loop.yield`.
/// Returns the loop, the body's arguments and the yield.
fn make_for(
    ctx: &mut Context,
    anchor: Op,
    loc: Attr,
    ub: i64,
    inits: &[Value],
    parallel: bool,
) -> (Op, Vec<Value>, Op) {
    let lb = index_const(ctx, anchor, loc, 0);
    let ubv = index_const(ctx, anchor, loc, ub);
    make_for_v(ctx, anchor, loc, (lb, ubv, 1), inits, parallel)
}

/// `loop.for %iv = lb to ub step s iter_args(inits)` before `anchor`, with
/// bounds given as values and a constant step.
fn make_for_v(
    ctx: &mut Context,
    anchor: Op,
    loc: Attr,
    (lb, ubv, step): (Value, Value, i64),
    inits: &[Value],
    parallel: bool,
) -> (Op, Vec<Value>, Op) {
    let index = ctx.index_type();
    let step = index_const(ctx, anchor, loc, step);
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
    shape: &[Extent],
    parallel: &[i64],
) -> (Vec<Value>, Op) {
    let mut ivs = Vec::new();
    let mut at = anchor;
    for (k, &e) in shape.iter().enumerate() {
        let par = parallel.contains(&(k as i64));
        let (_, args, y) = match e {
            Extent::Static(e) => make_for(ctx, at, loc, e, &[], par),
            Extent::Dynamic(ub) => {
                let lb = index_const(ctx, at, loc, 0);
                make_for_v(ctx, at, loc, (lb, ub, 1), &[], par)
            }
        };
        ivs.push(args[0]);
        at = y;
    }
    (ivs, at)
}

/// An extent as a value before `anchor`.
fn extent_value(ctx: &mut Context, anchor: Op, loc: Attr, e: Extent) -> Value {
    match e {
        Extent::Static(e) => index_const(ctx, anchor, loc, e),
        Extent::Dynamic(v) => v,
    }
}

/// The extents of buffer `m` (`loop.dim` for its dynamic dimensions).
fn buffer_extents(ctx: &mut Context, anchor: Op, loc: Attr, m: Value) -> Vec<Extent> {
    let shape = ctx.shape(ctx.value_type(m)).unwrap_or(&[]).to_vec();
    let mut out = Vec::with_capacity(shape.len());
    for (i, &d) in shape.iter().enumerate() {
        out.push(if d == DYNAMIC {
            let index = ctx.index_type();
            let a = ctx.i64_attr(i as i64);
            let o = new_op(ctx, anchor, loc, "loop.dim", &[m], &[index], &[("dim", a)]);
            Extent::Dynamic(ctx.result(o, 0))
        } else {
            Extent::Static(d)
        });
    }
    out
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

/// What a compute's schedule asks of its loop nest (see the module doc).
struct Sched {
    /// Tile size per axis (0: untiled); `split` pairs override `tile`.
    tile: Vec<i64>,
    /// Axis order, outermost first.
    perm: Vec<usize>,
    /// Output axes whose (outer) loop is `parallel`.
    parallel: Vec<usize>,
    /// (axis, factor) pairs.
    unroll: Vec<(usize, i64)>,
    /// (axis, width).
    vectorize: Option<(usize, i64)>,
    /// Tiled axes whose outer loop is marked `{peel}` for `--loop-peel`.
    /// With any, `unroll` only marks the loops for `--loop-unroll` (which
    /// must run after the peeling).
    peel: Vec<usize>,
}

/// Reads a compute's schedule; entries that are malformed for this compute
/// (the te verifier rejects them, but te-to-loop may see unverified IR) and
/// entries that are not implemented are reported in remarks.
fn read_schedule(ctx: &Context, c: Op, ext: &[i64], rank: usize) -> Sched {
    let n = ext.len();
    let mut s = Sched {
        tile: vec![0; n],
        perm: (0..n).collect(),
        parallel: Vec::new(),
        unroll: Vec::new(),
        vectorize: None,
        peel: Vec::new(),
    };
    let Some(d) = ctx.attr(c, "schedule") else {
        return s;
    };
    if !matches!(ctx.attr_kind(d), dlc_ir::AttrKind::Dictionary { .. }) {
        return s;
    }
    let loc = ctx.op_loc(c);
    let ints = |k: &str| ctx.dict_get_str(d, k).and_then(|a| ctx.dense_int_array(a));
    let axis = |a: i64| usize::try_from(a).ok().filter(|&a| a < n);
    let bad = |what: &str| {
        ctx.emit_remark(
            loc,
            format!("schedule '{what}' not applied: malformed for this compute"),
        );
    };
    if let Some(t) = ints("tile") {
        let fits = |t: i64, e: i64| t >= 0 && (e == DYNAMIC || t <= e);
        if t.len() == n && t.iter().zip(ext).all(|(&t, &e)| fits(t, e)) {
            s.tile = t;
        } else {
            bad("tile");
        }
    }
    if let Some(p) = ints("split") {
        for c in p.chunks(2) {
            match (c, c.first().and_then(|&a| axis(a))) {
                ([_, f], Some(a)) if *f >= 1 && (ext[a] == DYNAMIC || *f <= ext[a]) => {
                    s.tile[a] = *f
                }
                _ => bad("split"),
            }
        }
    }
    if let Some(p) = ints("reorder") {
        let mut q: Vec<usize> = p.iter().filter_map(|&a| axis(a)).collect();
        let ok = q.len() == n && {
            let mut sorted = q.clone();
            sorted.sort_unstable();
            sorted.dedup();
            sorted.len() == n
        };
        if ok {
            std::mem::swap(&mut s.perm, &mut q);
        } else {
            bad("reorder");
        }
    }
    if let Some(p) = ints("parallel") {
        s.parallel = p
            .iter()
            .filter_map(|&a| axis(a))
            .filter(|&a| a < rank)
            .collect();
    }
    if let Some(p) = ints("unroll") {
        for c in p.chunks(2) {
            match (c, c.first().and_then(|&a| axis(a))) {
                ([_, f], Some(a)) if *f >= 1 => s.unroll.push((a, *f)),
                _ => bad("unroll"),
            }
        }
    }
    if let Some(p) = ints("vectorize") {
        match (p.as_slice(), p.first().and_then(|&a| axis(a))) {
            ([_, w], Some(a)) if a < rank && *w >= 1 => s.vectorize = Some((a, *w)),
            _ => bad("vectorize"),
        }
    }
    if let Some(p) = ints("peel") {
        s.peel = p.iter().filter_map(|&a| axis(a)).collect();
    }
    for k in ["compute_at", "inline"] {
        if ctx.dict_get_str(d, k).is_some() {
            ctx.emit_remark(
                loc,
                format!("schedule '{k}' not applied: te-to-loop lowers each compute as its own loop nest"),
            );
        }
    }
    s
}

/// One loop of a compute's nest: the whole axis, or the outer (tile) or
/// inner (point) loop of a tiled axis.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Piece {
    Full,
    Outer,
    Inner,
}

/// Float arith/math ops te-to-loop applies to vectors: those of the loop
/// vectorizer, and compares and selects.
fn is_vector_op(name: &str) -> bool {
    dlc_loop::vectorize::VECTOR_OPS.contains(&name) || matches!(name, "arith.cmpf" | "arith.select")
}

fn is_f32_or_f64(ctx: &Context, t: Type) -> bool {
    matches!(ctx.int_or_float_width(t), Some(32 | 64)) && is_float(ctx, t)
}

/// Why the body of `body` cannot be vectorized along the axis whose block
/// argument is `iv`, or `Ok` when it can: every op depending on `iv` is a
/// `te.extract` using it exactly as its last index (and no other index
/// depends on it) or a float op of [`is_vector_op`] on f32/f64.
fn vectorizable(ctx: &Context, body: Block, iv: Value) -> Result<(), String> {
    let mut dep: FxHashSet<Value> = FxHashSet::default();
    dep.insert(iv);
    let ops = ctx.block_ops_vec(body);
    for &o in &ops[..ops.len().saturating_sub(1)] {
        let nested_use = ctx
            .nested_ops(o)
            .into_iter()
            .any(|n| ctx.operands(n).any(|v| dep.contains(&v)));
        if !nested_use && !ctx.operands(o).any(|v| dep.contains(&v)) {
            continue;
        }
        let name = ctx.op_name_str(o);
        if ctx.num_regions(o) != 0 {
            return Err(format!("'{name}' has regions using the axis"));
        }
        if name == "te.extract" {
            let idx: Vec<Value> = ctx.operands(o).skip(1).collect();
            let ok =
                idx.last() == Some(&iv) && !idx[..idx.len() - 1].iter().any(|v| dep.contains(v));
            if !ok {
                return Err("a te.extract does not use the axis exactly as its last index".into());
            }
        } else if !is_vector_op(name) {
            return Err(format!("'{name}' depends on the axis"));
        } else {
            let float_operands = ctx.operands(o).filter(|v| dep.contains(v)).all(|v| {
                is_f32_or_f64(ctx, ctx.value_type(v))
                    || matches!(
                        ctx.type_kind(ctx.value_type(v)),
                        TypeKind::Integer { width: 1, .. }
                    )
            });
            let t = ctx.value_type(ctx.result(o, 0));
            let float_result = is_f32_or_f64(ctx, t) || name == "arith.cmpf";
            if !float_operands || !float_result {
                return Err(format!("'{name}' is not on f32/f64 values"));
            }
        }
        dep.extend(ctx.results(o));
    }
    Ok(())
}

/// Rewrites the moved body ops `ops` (te.extracts already turned into
/// `loop.load`s, except those reading along `iv`) into vector form: loads
/// along `iv` become `loop.vector_load`s, ops using vectors get vector
/// types, scalars they use are splatted (`arith.constant dense<...>` for
/// float constants, `loop.broadcast` otherwise). Returns the set of values
/// that are now vectors.
fn vectorize_body(ctx: &mut Context, ops: &[Op], iv: Value, width: i64) -> FxHashSet<Value> {
    let mut dep: FxHashSet<Value> = FxHashSet::default();
    dep.insert(iv);
    let mut splats: FxHashMap<Value, Value> = FxHashMap::default();
    for &o in ops {
        if ctx.op_name_str(o) == "loop.load" {
            if ctx.operands(o).skip(1).last() == Some(iv) {
                let rt = ctx.value_type(ctx.result(o, 0));
                let vt = ctx.vector_type(&[width], rt);
                let opnds = ctx.operand_vec(o);
                let l = ctx.op_loc(o);
                let vl = new_op(ctx, o, l, "loop.vector_load", &opnds, &[vt], &[]);
                let v = ctx.result(vl, 0);
                ctx.replace_all_uses_with(ctx.result(o, 0), v);
                ctx.erase_op(o);
                dep.insert(v);
            }
            continue;
        }
        if !ctx.operands(o).any(|v| dep.contains(&v)) {
            continue;
        }
        let scalar_cond = ctx.op_name_str(o) == "arith.select";
        for i in 0..ctx.num_operands(o) {
            let v = ctx.operand(o, i);
            if dep.contains(&v) || (scalar_cond && i == 0) {
                continue;
            }
            let s = match splats.get(&v) {
                Some(&s) => s,
                None => {
                    let s = splat(ctx, o, v, width);
                    splats.insert(v, s);
                    s
                }
            };
            ctx.set_operand(o, i, s);
        }
        for r in ctx.results(o).collect::<Vec<_>>() {
            let t = ctx.value_type(r);
            let vt = ctx.vector_type(&[width], t);
            ctx.set_value_type(r, vt);
            dep.insert(r);
        }
    }
    dep
}

/// A vector of `width` copies of scalar `v`, created before `anchor`.
fn splat(ctx: &mut Context, anchor: Op, v: Value, width: i64) -> Value {
    let t = ctx.value_type(v);
    let vt = ctx.vector_type(&[width], t);
    let loc = ctx.op_loc(anchor);
    let cst = dlc_ir::rewrite::value_constant(ctx, v).and_then(|a| match ctx.attr_kind(a) {
        dlc_ir::AttrKind::Float { bits, .. } => Some(*bits),
        _ => None,
    });
    if let Some(bits) = cst {
        let bytes: Vec<u8> = match ctx.int_or_float_width(t) {
            Some(64) => (bits as u64).to_le_bytes().to_vec(),
            _ => (bits as u32).to_le_bytes().to_vec(),
        };
        let a = ctx.dense_attr(
            vt,
            dlc_ir::attrs::DenseData {
                splat: true,
                bytes: bytes.into(),
            },
        );
        let c = new_op(
            ctx,
            anchor,
            loc,
            "arith.constant",
            &[],
            &[vt],
            &[("value", a)],
        );
        return ctx.result(c, 0);
    }
    let b = new_op(ctx, anchor, loc, "loop.broadcast", &[v], &[vt], &[]);
    ctx.result(b, 0)
}

/// Lowers one `te.compute` writing into `out`; `bufs` maps tensors to buffers.
///
/// The nest is built from the schedule (see the module doc): loops in
/// `reorder` order, tiled axes split into an outer loop (step = tile) in
/// the outer band and an inner loop (clamped to the extent) in the inner
/// band; reductions carry their accumulator in iter_args when all
/// reduction loops are innermost, else accumulate in the output buffer.
fn lower_compute(ctx: &mut Context, c: Op, out: Value, bufs: &FxHashMap<Value, Value>) -> R<()> {
    let info = dlc_te::compute_info(ctx, c).map_err(|e| fail(ctx, c, e))?;
    let loc = ctx.op_loc(c);
    let body = dlc_te::body_block(ctx, c).ok_or_else(|| fail(ctx, c, "has no body"))?;
    let rank = info.rank();
    let ext = info.all_extents();
    let extents = info.extents();
    let nax = ext.len();
    let sched = read_schedule(ctx, c, &ext, rank);
    let elem = info.elem;
    let args = ctx.block_args(body).to_vec();
    if args.len() != nax {
        return Err(fail(
            ctx,
            c,
            "has a body whose arguments do not match its axes",
        ));
    }
    // The loops, outermost first (module doc): untiled axes before the
    // first tiled one, the tile loops, then the point loops and the other
    // untiled axes, each band in `perm` order.
    let tiled = |a: usize| sched.tile[a] > 0;
    let p = sched.perm.iter().position(|&a| tiled(a)).unwrap_or(nax);
    let (head, tail) = sched.perm.split_at(p);
    let mut loops: Vec<(usize, Piece)> = head.iter().map(|&a| (a, Piece::Full)).collect();
    loops.extend(
        tail.iter()
            .filter(|&&a| tiled(a))
            .map(|&a| (a, Piece::Outer)),
    );
    loops.extend(
        tail.iter()
            .map(|&a| (a, if tiled(a) { Piece::Inner } else { Piece::Full })),
    );
    let has_red = nax > rank;
    // Accumulate in iter_args when no reduction loop is outside an output loop.
    let first_red = loops.iter().position(|&(a, _)| a >= rank);
    let iter_form = first_red.is_none_or(|f| loops[f..].iter().all(|&(a, _)| a >= rank));
    // Vectorization: legal only on the innermost loop, over whole vectors.
    let mut vec_axis = None;
    // With `peel` the strategy's loop passes vectorize (`--loop-vectorize`
    // on the loop marked here), after peeling and before unrolling.
    let deferred = !sched.peel.is_empty();
    let mut vec_mark = None;
    if let Some((a, w)) = sched.vectorize
        && deferred
    {
        vec_mark = Some((a, w));
    } else if let Some((a, w)) = sched.vectorize {
        let why = if loops.last().map(|l| l.0) != Some(a) {
            Some(format!("axis {a} is not the innermost loop"))
        } else if ext[a] == DYNAMIC {
            Some(format!("axis {a} has a run-time extent"))
        } else if ext[a] % w != 0 || (sched.tile[a] > 0 && sched.tile[a] % w != 0) {
            Some(format!(
                "the extent {} (tile {}) of axis {a} is not a multiple of the width {w}",
                ext[a], sched.tile[a]
            ))
        } else if !is_f32_or_f64(ctx, elem) {
            Some("the element type is not f32 or f64".into())
        } else {
            vectorizable(ctx, body, args[a]).err()
        };
        match why {
            None => vec_axis = Some((a, w)),
            Some(why) => ctx.emit_remark(
                loc,
                format!(
                    "schedule 'vectorize' of axis {a} by {w} not applied (lowered scalarly): {why}"
                ),
            ),
        }
    }
    let comb = info.combiner.clone().unwrap_or_else(|| "add".into());
    let (comb_name, init_attr) = if has_red {
        let (cn, ident) = combiner_parts(ctx, &comb, elem)
            .ok_or_else(|| fail(ctx, c, format!("has an unknown combiner '{comb}'")))?;
        (cn, ctx.attr(c, "init").unwrap_or(ident))
    } else {
        ("", ctx.unit_attr())
    };
    if has_red && !iter_form {
        // The output starts at the init value; the nest accumulates into it.
        let (ivs, at) = nest(ctx, c, loc, &extents[..rank], &[]);
        let i = new_op(
            ctx,
            at,
            loc,
            "arith.constant",
            &[],
            &[elem],
            &[("value", init_attr)],
        );
        let mut opnds = vec![ctx.result(i, 0), out];
        opnds.extend(ivs);
        new_op(ctx, at, loc, "loop.store", &opnds, &[], &[]);
    }
    // Sums and products of f16/bf16 accumulate in f32 (rounded once at the
    // store), as onnxruntime's kernels do: a long f16 reduction otherwise
    // loses about one digit.
    let narrow = matches!(ctx.int_or_float_width(elem), Some(16)) && is_float(ctx, elem);
    let (acc_ty, acc_init) =
        if has_red && iter_form && narrow && matches!(comb.as_str(), "add" | "mul") {
            let f32t = ctx.f32();
            let v = ctx.float_value(init_attr).unwrap_or(0.0);
            (f32t, ctx.float_attr(f32t, v))
        } else {
            (elem, init_attr)
        };
    let mut axis_iv: Vec<Option<Value>> = vec![None; nax];
    let mut outer_iv: Vec<Option<Value>> = vec![None; nax];
    let mut at = c;
    let mut red_loops: Vec<(Op, Value, Op)> = Vec::new();
    let mut acc = None;
    let mut store_at = None;
    let mut to_unroll = Vec::new();
    for &(a, piece) in &loops {
        if iter_form && a >= rank && acc.is_none() {
            store_at = Some(at);
            let init = new_op(
                ctx,
                at,
                loc,
                "arith.constant",
                &[],
                &[acc_ty],
                &[("value", acc_init)],
            );
            acc = Some(ctx.result(init, 0));
        }
        let step = match vec_axis {
            Some((va, w)) if va == a && piece != Piece::Outer => w,
            _ => 1,
        };
        let t = sched.tile[a];
        let bounds = match piece {
            Piece::Full => {
                let lb = index_const(ctx, at, loc, 0);
                let ub = extent_value(ctx, at, loc, extents[a]);
                (lb, ub, step)
            }
            Piece::Outer => {
                let lb = index_const(ctx, at, loc, 0);
                let ub = extent_value(ctx, at, loc, extents[a]);
                (lb, ub, t)
            }
            Piece::Inner => {
                let o = outer_iv[a].ok_or_else(|| fail(ctx, c, "internal error: tile order"))?;
                let tv = index_const(ctx, at, loc, t);
                let index = ctx.index_type();
                let e = new_op(ctx, at, loc, "arith.addi", &[o, tv], &[index], &[]);
                let mut ub = ctx.result(e, 0);
                if ext[a] == DYNAMIC || ext[a] % t != 0 {
                    let ev = extent_value(ctx, at, loc, extents[a]);
                    let m = new_op(ctx, at, loc, "arith.minsi", &[ub, ev], &[index], &[]);
                    ub = ctx.result(m, 0);
                }
                (o, ub, step)
            }
        };
        let carried: Vec<Value> = if iter_form && a >= rank {
            acc.into_iter().collect()
        } else {
            Vec::new()
        };
        let par = piece != Piece::Inner && sched.parallel.contains(&a);
        let (f, fargs, y) = make_for_v(ctx, at, loc, bounds, &carried, par);
        if piece == Piece::Outer {
            outer_iv[a] = Some(fargs[0]);
            if sched.peel.contains(&a) {
                let u = ctx.unit_attr();
                ctx.set_attr(f, "peel", u);
            }
        } else {
            axis_iv[a] = Some(fargs[0]);
            if let Some((va, w)) = vec_mark
                && va == a
            {
                let n = ctx.i64_attr(w);
                ctx.set_attr(f, "vectorize", n);
            }
            for &(ua, uf) in &sched.unroll {
                if ua == a && uf > 1 {
                    if sched.peel.is_empty() {
                        to_unroll.push((f, uf));
                    } else {
                        let n = ctx.i64_attr(uf);
                        ctx.set_attr(f, "unroll", n);
                    }
                }
            }
        }
        if iter_form && a >= rank {
            acc = Some(fargs[1]);
            red_loops.push((f, fargs[1], y));
        }
        at = y;
    }
    let ivs: Vec<Value> = axis_iv
        .into_iter()
        .map(|v| v.ok_or_else(|| fail(ctx, c, "internal error: an axis has no loop")))
        .collect::<R<_>>()?;
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
    let mut load_of = FxHashMap::default();
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
        load_of.insert(x, l);
    }
    let y = ctx
        .operand_vec(term)
        .first()
        .copied()
        .ok_or_else(|| fail(ctx, c, "has a body yielding nothing"))?;
    let out_ivs: Vec<Value> = ivs[..rank].to_vec();
    let mut so = vec![out];
    so.extend(&out_ivs);
    if let Some((a, w)) = vec_axis {
        // Body ops in their new order (loads replaced the extracts in place).
        let body_ops: Vec<Op> = ops
            .iter()
            .filter(|&&o| o != term)
            .map(|o| load_of.get(o).copied().unwrap_or(*o))
            .collect();
        let dep = vectorize_body(ctx, &body_ops, ivs[a], w);
        let vt = ctx.vector_type(&[w], elem);
        let mut v = if dep.contains(&y) {
            y
        } else {
            splat(ctx, at, y, w)
        };
        if has_red {
            // Reduction loops are outside (buffer form): out[...] op= v.
            let old = new_op(ctx, at, loc, "loop.vector_load", &so, &[vt], &[]);
            let cv = new_op(
                ctx,
                at,
                loc,
                comb_name,
                &[ctx.result(old, 0), v],
                &[vt],
                &[],
            );
            v = ctx.result(cv, 0);
        }
        let mut opnds = vec![v];
        opnds.extend(&so);
        new_op(ctx, at, loc, "loop.vector_store", &opnds, &[], &[]);
    } else if !has_red {
        let mut opnds = vec![y];
        opnds.extend(&so);
        new_op(ctx, at, loc, "loop.store", &opnds, &[], &[]);
    } else if iter_form {
        let n = red_loops.len();
        let (first, _, _) = red_loops[0];
        let (_, acc, ylast) = red_loops[n - 1];
        let product = ctx
            .defining_op(y)
            .filter(|&d| ctx.op_name_str(d) == "arith.mulf" && ctx.has_one_use(y));
        let y = match product {
            // A sum of products (matmul, conv): the product of two f16 or
            // bf16 values is exact in f32, so it is taken there and only
            // the sum is rounded, as numpy and onnxruntime's kernels do.
            Some(d) if acc_ty != elem && comb == "add" => {
                let mut wide = Vec::with_capacity(2);
                for v in ctx.operand_vec(d) {
                    let e = new_op(ctx, ylast, loc, "arith.extf", &[v], &[acc_ty], &[]);
                    wide.push(ctx.result(e, 0));
                }
                let m = new_op(ctx, ylast, loc, "arith.mulf", &wide, &[acc_ty], &[]);
                ctx.set_operands(term, &[]);
                ctx.erase_op(d);
                ctx.result(m, 0)
            }
            _ if acc_ty != elem => {
                let e = new_op(ctx, ylast, loc, "arith.extf", &[y], &[acc_ty], &[]);
                ctx.result(e, 0)
            }
            _ => y,
        };
        let comb_name = if acc_ty != elem {
            if comb == "mul" {
                "arith.mulf"
            } else {
                "arith.addf"
            }
        } else {
            comb_name
        };
        let comb = new_op(ctx, ylast, loc, comb_name, &[acc, y], &[acc_ty], &[]);
        let cv = ctx.result(comb, 0);
        ctx.set_operands(ylast, &[cv]);
        for k in 0..n - 1 {
            let inner = ctx.result(red_loops[k + 1].0, 0);
            ctx.set_operands(red_loops[k].2, &[inner]);
        }
        let sa = store_at.ok_or_else(|| fail(ctx, c, "internal error: no store point"))?;
        let mut r = ctx.result(first, 0);
        if acc_ty != elem {
            let t = new_op(ctx, sa, loc, "arith.truncf", &[r], &[elem], &[]);
            r = ctx.result(t, 0);
        }
        let mut opnds = vec![r];
        opnds.extend(&so);
        new_op(ctx, sa, loc, "loop.store", &opnds, &[], &[]);
    } else {
        let old = new_op(ctx, at, loc, "loop.load", &so, &[elem], &[]);
        let cv = new_op(
            ctx,
            at,
            loc,
            comb_name,
            &[ctx.result(old, 0), y],
            &[elem],
            &[],
        );
        let mut opnds = vec![ctx.result(cv, 0)];
        opnds.extend(&so);
        new_op(ctx, at, loc, "loop.store", &opnds, &[], &[]);
    }
    // Unroll innermost loops first (an outer loop's copies then hold the
    // unrolled inner loops).
    for (f, factor) in to_unroll.into_iter().rev() {
        dlc_loop::unroll_loop(ctx, f, factor);
    }
    Ok(())
}

/// Copies buffer `src` into `dst` (same extents) before `anchor`.
fn copy(ctx: &mut Context, anchor: Op, loc: Attr, src: Value, dst: Value) {
    let elem = ctx.element_type(ctx.value_type(src));
    let shape = buffer_extents(ctx, anchor, loc, src);
    let (ivs, at) = nest(ctx, anchor, loc, &shape, &[]);
    let mut o = vec![src];
    o.extend(&ivs);
    let l = new_op(ctx, at, loc, "loop.load", &o, &[elem], &[]);
    let v = ctx.result(l, 0);
    let mut s = vec![v, dst];
    s.extend(&ivs);
    new_op(ctx, at, loc, "loop.store", &s, &[], &[]);
}

/// Inlines a `te.kernel` before itself: its arguments become the input
/// buffers and the flattened output buffer; the extents it yields are
/// reported with `loop.set_dim` when the output has run-time extents.
fn inline_kernel(ctx: &mut Context, kop: Op, bufs: &FxHashMap<Value, Value>) -> R<()> {
    let loc = ctx.op_loc(kop);
    let kb = dlc_te::body_block(ctx, kop).ok_or_else(|| fail(ctx, kop, "has no body"))?;
    let args = ctx.block_args(kb).to_vec();
    let out = bufs[&ctx.result(kop, 0)];
    for (k, v) in ctx.operand_vec(kop).into_iter().enumerate() {
        let b = *bufs
            .get(&v)
            .ok_or_else(|| fail(ctx, kop, "reads a tensor with no buffer"))?;
        if ctx.value_type(b) != ctx.value_type(args[k]) {
            return Err(fail(
                ctx,
                kop,
                "reads a buffer whose type differs from its argument's",
            ));
        }
        ctx.replace_all_uses_with(args[k], b);
    }
    let flat_t = ctx.value_type(args[args.len() - 1]);
    let flat = new_op(ctx, kop, loc, "loop.flatten", &[out], &[flat_t], &[]);
    ctx.replace_all_uses_with(args[args.len() - 1], ctx.result(flat, 0));
    let term = ctx
        .last_op(kb)
        .ok_or_else(|| fail(ctx, kop, "has no terminator"))?;
    let extents = ctx.operand_vec(term);
    for o in ctx.block_ops_vec(kb) {
        if o != term {
            ctx.move_op_before(o, kop);
        }
    }
    let shape = ctx.shape(ctx.value_type(out)).unwrap_or(&[]).to_vec();
    let dyn_dims = shape.iter().enumerate().filter(|&(_, &d)| d == DYNAMIC);
    for ((d, _), v) in dyn_dims.zip(extents) {
        let a = ctx.i64_attr(d as i64);
        new_op(ctx, kop, loc, "loop.set_dim", &[out, v], &[], &[("dim", a)]);
    }
    Ok(())
}

fn static_bytes(ctx: &Context, t: Type) -> Option<u64> {
    let shape = ctx.shape(t)?;
    if shape.iter().any(|&d| d < 0) {
        return None;
    }
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

/// The size of a buffer with run-time extents, as a comparable key:
/// element bytes times the static extents, and the dynamic extents as
/// canonical atoms (the same argument dimension read twice is one atom).
/// `values` are the extents themselves, to compute the size.
#[derive(Clone, Debug)]
struct SizeKey {
    factor: u64,
    atoms: Vec<Atom>,
    values: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Atom {
    /// `loop.dim` of block argument `arg`, dimension `dim`.
    ArgDim(usize, i64),
    /// Any other value.
    Value(u32),
}

impl PartialEq for SizeKey {
    fn eq(&self, o: &Self) -> bool {
        self.factor == o.factor && self.atoms == o.atoms
    }
}

fn atom(ctx: &Context, v: Value) -> Atom {
    if let Some(d) = ctx.defining_op(v)
        && ctx.op_name_str(d) == "loop.dim"
    {
        let m = ctx.operand(d, 0);
        let k = ctx
            .value_block(m)
            .and_then(|b| ctx.block_args(b).iter().position(|&a| a == m));
        if let (Some(k), Some(i)) = (k, ctx.attr(d, "dim").and_then(|a| ctx.int_value(a))) {
            return Atom::ArgDim(k, i64::try_from(i).unwrap_or(-1));
        }
    }
    Atom::Value(dlc_ir::entity::EntityRef::index(v) as u32)
}

/// The [`SizeKey`] of compute `c`'s result.
fn size_key(ctx: &Context, c: Op) -> Option<SizeKey> {
    let info = dlc_te::compute_info(ctx, c).ok()?;
    let bytes = u64::from(ctx.int_or_float_width(info.elem)?).div_ceil(8);
    let mut factor = bytes;
    let mut values = Vec::new();
    for e in info.extents().into_iter().take(info.rank()) {
        match e {
            Extent::Static(e) => factor = factor.checked_mul(u64::try_from(e).ok()?)?,
            Extent::Dynamic(v) => values.push(v),
        }
    }
    let mut atoms: Vec<Atom> = values.iter().map(|&v| atom(ctx, v)).collect();
    atoms.sort();
    Some(SizeKey {
        factor,
        atoms,
        values,
    })
}

/// `factor * values...` (bytes) before `anchor`.
fn key_bytes(ctx: &mut Context, anchor: Op, loc: Attr, key: &SizeKey) -> Value {
    let index = ctx.index_type();
    let mut v = index_const(ctx, anchor, loc, key.factor as i64);
    for &d in &key.values {
        let m = new_op(ctx, anchor, loc, "arith.muli", &[v, d], &[index], &[]);
        v = ctx.result(m, 0);
    }
    v
}

/// `v` rounded up to [`ALIGN`] before `anchor`.
fn align_value(ctx: &mut Context, anchor: Op, loc: Attr, v: Value) -> Value {
    let index = ctx.index_type();
    let a1 = index_const(ctx, anchor, loc, ALIGN as i64 - 1);
    let a = index_const(ctx, anchor, loc, ALIGN as i64);
    let s = new_op(ctx, anchor, loc, "arith.addi", &[v, a1], &[index], &[]);
    let q = new_op(
        ctx,
        anchor,
        loc,
        "arith.divui",
        &[ctx.result(s, 0), a],
        &[index],
        &[],
    );
    let m = new_op(
        ctx,
        anchor,
        loc,
        "arith.muli",
        &[ctx.result(q, 0), a],
        &[index],
        &[],
    );
    ctx.result(m, 0)
}

/// Is `o` an extent computation: `loop.dim` or scalar `arith` on index or
/// integer values, all of whose operands are extent computations?
fn is_extent_op(ctx: &Context, o: Op, hoisted: &FxHashSet<Value>) -> bool {
    let n = ctx.op_name_str(o);
    (n == "loop.dim" || n.starts_with("arith."))
        && ctx.num_regions(o) == 0
        && ctx.results(o).all(|r| {
            let t = ctx.value_type(r);
            ctx.is_index(t) || ctx.is_integer(t)
        })
        && (n == "loop.dim" || ctx.operands(o).all(|v| hoisted.contains(&v)))
}

/// Moves the top-level extent computations of `b` before its first other
/// op (in order); returns that op (where buffers are then placed).
fn hoist_extents(ctx: &mut Context, b: Block) -> Option<Op> {
    let ops = ctx.block_ops_vec(b);
    let mut hoisted = FxHashSet::default();
    let mut moved = Vec::new();
    let mut rest = Vec::new();
    for &o in &ops {
        if is_extent_op(ctx, o, &hoisted) {
            hoisted.extend(ctx.results(o));
            moved.push(o);
        } else {
            rest.push(o);
        }
    }
    let anchor = *rest.first()?;
    for o in moved {
        ctx.move_op_before(o, anchor);
    }
    Some(anchor)
}

/// Builds `func.func @<name>.shapes(inputs...) -> (index, ...)` after
/// `func`: the workspace bytes, then the dynamic extents of each output,
/// computed from the inputs' extents alone (the backward slice of those
/// values among the extent computations at the top of `eb`).
fn build_shape_function(
    ctx: &mut Context,
    func: Op,
    eb: Block,
    nin: usize,
    wanted: &[Value],
) -> R<Op> {
    let floc = ctx.op_loc(func);
    let name = ctx
        .attr(func, "sym_name")
        .and_then(|a| ctx.string_value(a))
        .unwrap_or("main")
        .to_string();
    let args: Vec<Value> = ctx.block_args(eb).to_vec();
    let mut needed = FxHashSet::default();
    let mut stack: Vec<Value> = wanted.to_vec();
    while let Some(v) = stack.pop() {
        if !needed.insert(v) {
            continue;
        }
        if let Some(d) = ctx.defining_op(v) {
            stack.extend(ctx.operands(d));
        } else if let Some(k) = args.iter().position(|&a| a == v)
            && k >= nin
        {
            return Err(fail(
                ctx,
                func,
                "computes an output extent or the workspace size from something other than the inputs' extents",
            ));
        }
    }
    let in_types: Vec<Type> = args[..nin].iter().map(|&a| ctx.value_type(a)).collect();
    let index = ctx.index_type();
    let out_types = vec![index; wanted.len()];
    let body = ctx.create_block(&in_types, floc);
    let mut vmap: FxHashMap<Value, Value> = FxHashMap::default();
    for (k, &a) in args[..nin].iter().enumerate() {
        vmap.insert(a, ctx.block_args(body)[k]);
    }
    for o in ctx.block_ops_vec(eb) {
        if !ctx.results(o).any(|r| needed.contains(&r)) {
            continue;
        }
        if ctx.num_regions(o) != 0 || !is_extent_op(ctx, o, &needed) {
            return Err(fail(
                ctx,
                o,
                "is needed to compute a buffer size but is not an extent computation",
            ));
        }
        let mut st = OperationState::new(ctx.op_name(o), ctx.op_loc(o));
        st.operands = ctx
            .operands(o)
            .map(|v| vmap.get(&v).copied().unwrap_or(v))
            .collect();
        st.result_types = ctx.result_types(o);
        st.raw_props = ctx.op_props(o);
        st.attrs = ctx.dict_entries(ctx.op_attr_dict(o)).to_vec();
        let n = ctx.create_op(st);
        ctx.append_op(body, n);
        for (r, nr) in ctx
            .results(o)
            .collect::<Vec<_>>()
            .into_iter()
            .zip(ctx.results(n).collect::<Vec<_>>())
        {
            vmap.insert(r, nr);
        }
    }
    let rets: Vec<Value> = wanted
        .iter()
        .map(|v| vmap.get(v).copied().unwrap_or(*v))
        .collect();
    let mut rst = OperationState::new(ctx.op_name_id("func.return"), floc);
    rst.operands = rets;
    let r = ctx.create_op(rst);
    ctx.append_op(body, r);
    let region = ctx.create_region();
    ctx.append_block(region, body);
    let ft = ctx.function_type(&in_types, &out_types);
    let mut st = OperationState::new(ctx.op_name_id("func.func"), floc);
    let sym = ctx.string_attr(&format!("{name}.shapes"));
    let fta = ctx.type_attr(ft);
    let of = ctx.string_attr(&name);
    for (k, v) in [("sym_name", sym), ("function_type", fta)] {
        let id = ctx.ident(k);
        st.props.push((id, v));
    }
    let id = ctx.ident("loop.shape_function_of");
    st.attrs.push((id, of));
    let shapes: Vec<Attr> = args[nin..args.len() - 1]
        .iter()
        .map(|&a| {
            let s = ctx.shape(ctx.value_type(a)).unwrap_or(&[]).to_vec();
            ctx.dense_i64_array(&s)
        })
        .collect();
    let shapes = ctx.array_attr(shapes);
    let id = ctx.ident("loop.output_shapes");
    st.attrs.push((id, shapes));
    st.regions.push(region);
    let f = ctx.create_op(st);
    ctx.insert_op_after(func, f);
    Ok(f)
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
            "te.compute" | "te.group" | "te.kernel" | "te.dim" | "graph.constant" | "func.return"
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
    // A kernel result whose extents depend on the data is written straight
    // into an output buffer allocated for its bounds; nothing else may
    // read it (its size is not known when buffers are planned).
    for kop in ctx.block_ops_vec(eb) {
        if ctx.op_name_str(kop) != "te.kernel" {
            continue;
        }
        let info = dlc_te::kernel_info(ctx, kop).map_err(|e| fail(ctx, kop, e))?;
        let r = ctx.result(kop, 0);
        let uses: Vec<Op> = ctx.users(r).collect();
        let returned_once = uses.len() == 1 && ctx.op_name_str(uses[0]) == "func.return";
        if !info.bounds.is_empty() && !returned_once {
            return Err(fail(
                ctx,
                kop,
                "has a result whose extents depend on the data; it can only be returned once by the function (reading it in further computations is not supported yet)",
            ));
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
    // 3b. Run-time extents: `te.dim` becomes the producing compute's
    // extent or a `loop.dim` of the buffer; then every extent computation
    // (loop.dim and index arithmetic, which only depend on arguments) moves
    // to the top, so buffer sizes and loop bounds can use it anywhere.
    for o in ctx.block_ops_vec(eb) {
        if ctx.op_name_str(o) != "te.dim" {
            continue;
        }
        let t = ctx.operand(o, 0);
        let d = dlc_te::dim_index(ctx, o).map_err(|e| fail(ctx, o, e))?;
        let v = match dlc_te::canonicalize::known_extent(ctx, t, d) {
            Some(Ok(c)) => index_const(ctx, o, ctx.op_loc(o), c),
            Some(Err(v)) => v,
            None => {
                let b = *bufs
                    .get(&t)
                    .ok_or_else(|| fail(ctx, o, "reads the extent of a tensor with no buffer"))?;
                let index = ctx.index_type();
                let a = ctx.i64_attr(d as i64);
                let l = ctx.op_loc(o);
                let nd = new_op(ctx, o, l, "loop.dim", &[b], &[index], &[("dim", a)]);
                ctx.result(nd, 0)
            }
        };
        ctx.replace_all_uses_with(ctx.result(o, 0), v);
        ctx.erase_op(o);
    }
    let dynamic = ctx.block_ops(eb).any(|o| ctx.op_name_str(o) == "loop.dim")
        || ctx.block_args(eb).iter().any(|&a| {
            a != ws
                && ctx
                    .shape(ctx.value_type(a))
                    .is_some_and(|s| s.contains(&DYNAMIC))
        });
    let plan_at = if dynamic {
        hoist_extents(ctx, eb)
    } else {
        ctx.first_op(eb)
    }
    .ok_or_else(|| fail(ctx, func, "is empty"))?;
    let ops: Vec<Op> = ctx.block_ops_vec(eb);
    // 4. Outputs written in place, intermediates planned.
    let computes: Vec<Op> = ops
        .iter()
        .copied()
        .filter(|&o| ctx.op_name_str(o) == "te.compute")
        .collect();
    let pos: FxHashMap<Op, usize> = ops.iter().enumerate().map(|(i, &o)| (o, i)).collect();
    let kernels: Vec<Op> = ops
        .iter()
        .copied()
        .filter(|&o| ctx.op_name_str(o) == "te.kernel")
        .collect();
    let mut copies = Vec::new();
    for (k, &v) in rets.iter().enumerate() {
        let direct = ctx
            .defining_op(v)
            .is_some_and(|d| matches!(ctx.op_name_str(d), "te.compute" | "te.kernel"))
            && !bufs.contains_key(&v);
        if direct {
            bufs.insert(v, outs[k]);
        } else {
            copies.push((v, outs[k]));
        }
    }
    let mut inter = Vec::new();
    let mut ranges = Vec::new();
    // Buffers with run-time extents: (value, size key, first, last use).
    let mut dyn_inter = Vec::new();
    // Kernel results are planned like compute results (a kernel whose
    // extents depend on the data writes an output buffer, checked above).
    for &c in computes.iter().chain(&kernels) {
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
        match static_bytes(ctx, ctx.value_type(r)) {
            Some(size) => {
                inter.push(r);
                ranges.push((size, d, last));
            }
            None => {
                let key = size_key(ctx, c)
                    .ok_or_else(|| fail(ctx, c, "has a result whose size cannot be planned"))?;
                let info = dlc_te::compute_info(ctx, c).map_err(|e| fail(ctx, c, e))?;
                let n = info.shape.iter().filter(|&&e| e == DYNAMIC).count();
                let sizes = info.dims[..n].to_vec();
                dyn_inter.push((r, key, sizes, d, last));
            }
        }
    }
    // A kernel's scratch buffers (`loop.alloc` at the top of its body)
    // live while it runs.
    let mut scratch = Vec::new();
    for &kop in &kernels {
        let kb = dlc_te::body_block(ctx, kop).ok_or_else(|| fail(ctx, kop, "has no body"))?;
        for o in ctx.block_ops_vec(kb) {
            if ctx.op_name_str(o) == "loop.alloc" {
                let t = ctx.value_type(ctx.result(o, 0));
                let size = static_bytes(ctx, t)
                    .ok_or_else(|| fail(ctx, o, "needs a static shape to be planned"))?;
                scratch.push(o);
                ranges.push((size, pos[&kop], pos[&kop]));
            }
        }
    }
    let (places, peak) = plan_memory(&ranges);
    let (places, scratch_places) = places.split_at(places.len() - scratch.len());
    for (&o, p) in scratch.iter().zip(scratch_places) {
        let t = ctx.value_type(ctx.result(o, 0));
        let off = index_const(ctx, plan_at, floc, p.offset as i64);
        let l = ctx.op_loc(o);
        let view = new_op(ctx, plan_at, l, "loop.view", &[ws, off], &[t], &[]);
        ctx.replace_all_uses_with(ctx.result(o, 0), ctx.result(view, 0));
        ctx.erase_op(o);
    }
    for (&r, p) in inter.iter().zip(places) {
        let rt = ctx.value_type(r);
        let m = to_memref(ctx, rt).ok_or_else(|| fail(ctx, func, "has a non-tensor compute"))?;
        let off = index_const(ctx, plan_at, floc, p.offset as i64);
        let l = ctx.defining_op(r).map(|d| ctx.op_loc(d)).unwrap_or(floc);
        let view = new_op(ctx, plan_at, l, "loop.view", &[ws, off], &[m], &[]);
        bufs.insert(r, ctx.result(view, 0));
    }
    // Dynamic buffers follow the static arena. Buffers of the same size
    // (same element bytes times the same extents) whose live ranges do not
    // overlap share a slot; slot offsets are running sums computed at run
    // time.
    let mut slots: Vec<(SizeKey, usize)> = Vec::new();
    let mut slot_of = Vec::with_capacity(dyn_inter.len());
    for (_, key, _, first_use, last_use) in &dyn_inter {
        let free = slots
            .iter()
            .position(|(k, busy_until)| k == key && *busy_until < *first_use);
        let s = match free {
            Some(s) => {
                slots[s].1 = *last_use;
                s
            }
            None => {
                slots.push((key.clone(), *last_use));
                slots.len() - 1
            }
        };
        slot_of.push(s);
    }
    if !dynamic && !dyn_inter.is_empty() {
        return Err(fail(
            ctx,
            func,
            "has buffers with run-time extents but no run-time dimensions",
        ));
    }
    // The workspace bytes as a value (dynamic functions only).
    let mut total = None;
    let mut slot_offsets = Vec::with_capacity(slots.len());
    if dynamic {
        let mut t = index_const(ctx, plan_at, floc, peak as i64);
        for (key, _) in &slots {
            slot_offsets.push(t);
            let bytes = key_bytes(ctx, plan_at, floc, key);
            let aligned = align_value(ctx, plan_at, floc, bytes);
            let index = ctx.index_type();
            let sum = new_op(
                ctx,
                plan_at,
                floc,
                "arith.addi",
                &[t, aligned],
                &[index],
                &[],
            );
            t = ctx.result(sum, 0);
        }
        total = Some(t);
    }
    for ((r, _, sizes, _, _), &s) in dyn_inter.iter().zip(&slot_of) {
        let rt = ctx.value_type(*r);
        let m = to_memref(ctx, rt).ok_or_else(|| fail(ctx, func, "has a non-tensor compute"))?;
        let l = ctx.defining_op(*r).map(|d| ctx.op_loc(d)).unwrap_or(floc);
        let mut operands = vec![ws, slot_offsets[s]];
        operands.extend(sizes);
        let view = new_op(ctx, plan_at, l, "loop.view", &operands, &[m], &[]);
        bufs.insert(*r, ctx.result(view, 0));
    }
    let mut out_dims: FxHashMap<usize, Vec<Value>> = FxHashMap::default();
    for (k, &v) in rets.iter().enumerate() {
        if let Some(d) = ctx
            .defining_op(v)
            .filter(|&d| ctx.op_name_str(d) == "te.kernel")
            && bufs.get(&v) == Some(&outs[k])
        {
            // The caller allocates for the bounds; the kernel reports the
            // actual extents (loop.set_dim).
            let info = dlc_te::kernel_info(ctx, d).map_err(|e| fail(ctx, d, e))?;
            let bounds = info
                .bounds
                .iter()
                .map(|&b| index_const(ctx, plan_at, floc, b))
                .collect();
            out_dims.insert(k, bounds);
            continue;
        }
        if let Some(d) = ctx
            .defining_op(v)
            .filter(|&d| ctx.op_name_str(d) == "te.compute")
            && bufs.get(&v) == Some(&outs[k])
        {
            let info = dlc_te::compute_info(ctx, d).map_err(|e| fail(ctx, d, e))?;
            let n = info.shape.iter().filter(|&&e| e == DYNAMIC).count();
            out_dims.insert(k, info.dims[..n].to_vec());
        }
    }
    // 5. Loop nests, and kernels inlined.
    for &c in &computes {
        let out = bufs[&ctx.result(c, 0)];
        lower_compute(ctx, c, out, &bufs)?;
    }
    for &kop in &kernels {
        inline_kernel(ctx, kop, &bufs)?;
    }
    for (v, out) in copies {
        let src = *bufs
            .get(&v)
            .ok_or_else(|| fail(ctx, ret, "returns a value with no buffer"))?;
        copy(ctx, ret, floc, src, out);
    }
    // 6. Clean up: new return, erase computes and constants.
    let rl = ctx.op_loc(ret);
    new_op(ctx, ret, rl, "func.return", &[], &[], &[]);
    ctx.erase_op(ret);
    for &c in computes.iter().chain(&kernels).rev() {
        ctx.erase_op(c);
    }
    for o in dead.into_iter().rev() {
        ctx.erase_op(o);
    }
    let tys: Vec<Type> = ctx.block_arg_types(eb).to_vec();
    let ft = ctx.function_type(&tys, &[]);
    let fta = ctx.type_attr(ft);
    ctx.set_attr(func, "function_type", fta);
    if dynamic {
        // Output extents: from the compute that writes the output, or from
        // the buffer an output is copied from.
        let mut wanted: Vec<Value> = total.into_iter().collect();
        for (k, &v) in rets.iter().enumerate() {
            let ot = ctx.value_type(outs[k]);
            if !ctx.shape(ot).is_some_and(|s| s.contains(&DYNAMIC)) {
                continue;
            }
            let dims = match out_dims.get(&k) {
                Some(d) => d.clone(),
                None => {
                    let src = bufs[&v];
                    buffer_extents(ctx, plan_at, floc, src)
                        .into_iter()
                        .filter_map(|e| match e {
                            Extent::Dynamic(d) => Some(d),
                            Extent::Static(_) => None,
                        })
                        .collect()
                }
            };
            wanted.extend(dims);
        }
        let nin = ctx.block_args(eb).len() - outs.len() - 1;
        let sf = build_shape_function(ctx, func, eb, nin, &wanted)?;
        let name = dlc_ir::symbol::symbol_name(ctx, sf)
            .unwrap_or_default()
            .to_string();
        let a = ctx.string_attr(&name);
        ctx.set_attr(func, "loop.shape_function", a);
    }
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
