//! `--lower-graph-to-te`: graph ops become `te.compute` index-space lambdas
//! (graph -> te in docs/LOWERING.md).
//!
//! * elementwise/broadcast ops read each operand at the numpy-broadcast
//!   index (size-1 dimensions read index 0); unary math uses `math`;
//! * matmul and conv2d are reductions (`combiner = "add"`); conv2d padding
//!   is a bounds-checked read (`arith.select` on an in-bounds predicate,
//!   the index clamped so the read itself stays in bounds); a bias is a
//!   second compute;
//! * pools: max is a `max` reduction with -inf padding, avg a sum plus a
//!   divide compute whose divisor is computed per output point (with or
//!   without `count_include_pad`); global avg pool likewise;
//! * reductions reduce over their axes (mean = sum then divide); softmax
//!   is four computes (max, exp(x - max), sum, divide);
//! * reshape/transpose/concat/broadcast_to are index arithmetic;
//!   batch_norm is one elementwise compute;
//! * `graph.constant` stays as is (te reuses it for weights);
//! * a `graph.fused` becomes a `te.group` with the same operands and
//!   results: its ops become a chain of computes inside, `graph.yield`
//!   becomes `te.yield`.

mod dynamic;
mod elementwise;
mod kernels;
mod nn;
mod quant;
mod reduce;
mod shape_ops;

use dlc_ir::builder::Builder;
use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::rewrite::{FnPattern, InsertPoint, PatternRewriter, PatternSet};
use dlc_ir::types::DYNAMIC;
use dlc_ir::{
    Attr, Block, Context, Diagnostic, Op, OperationState, Type, TypeKind, Value, WalkOrder,
    WalkResult,
};

/// Adds the graph-to-te conversion patterns (one pattern for every graph op).
pub fn populate_graph_to_te_patterns(set: &mut PatternSet) {
    set.add(FnPattern {
        root: None,
        name: "graph-to-te",
        benefit: 1,
        f: |op, rw| lower_op(rw, op).unwrap_or(false),
    });
}

// ----- compute body builder ------------------------------------------------------

/// Appends scalar ops to a compute body.
pub(crate) struct B<'c> {
    pub(crate) ctx: &'c mut Context,
    pub(crate) block: Block,
    pub(crate) loc: Attr,
    /// The op's integer operands were unsigned (see [`erase_signedness`]):
    /// integer division, max and min use their unsigned forms.
    pub(crate) unsigned: bool,
}

#[derive(Copy, Clone)]
pub(crate) enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    Max,
    Min,
}

impl B<'_> {
    pub(crate) fn op(
        &mut self,
        name: &str,
        operands: &[Value],
        ty: Type,
        attrs: &[(&str, Attr)],
    ) -> Value {
        let mut b = Builder::at_end(self.ctx, self.block);
        b.set_loc(self.loc);
        b.value(name, operands, ty, attrs)
    }
    pub(crate) fn idx(&mut self, c: i64) -> Value {
        let t = self.ctx.index_type();
        let a = self.ctx.index_attr(c);
        self.op("arith.constant", &[], t, &[("value", a)])
    }
    pub(crate) fn cst(&mut self, ty: Type, v: f64) -> Value {
        let a = if self.ctx.is_float(ty) {
            self.ctx.float_attr(ty, v)
        } else {
            self.ctx.int_attr(ty, v as i128)
        };
        self.op("arith.constant", &[], ty, &[("value", a)])
    }
    pub(crate) fn ext(&mut self, t: Value, idx: &[Value]) -> Value {
        let e = self.ctx.element_type(self.ctx.value_type(t));
        let mut ops = vec![t];
        ops.extend_from_slice(idx);
        self.op("te.extract", &ops, e, &[])
    }
    pub(crate) fn bin(&mut self, k: Bin, a: Value, b: Value) -> Value {
        let ty = self.ctx.value_type(a);
        let f = self.ctx.is_float(ty);
        let name = match (k, f) {
            (Bin::Add, true) => "arith.addf",
            (Bin::Sub, true) => "arith.subf",
            (Bin::Mul, true) => "arith.mulf",
            (Bin::Div, true) => "arith.divf",
            (Bin::Max, true) => "arith.maximumf",
            (Bin::Min, true) => "arith.minimumf",
            (Bin::Add, false) => "arith.addi",
            (Bin::Sub, false) => "arith.subi",
            (Bin::Mul, false) => "arith.muli",
            (Bin::Div, false) if self.unsigned => "arith.divui",
            (Bin::Max, false) if self.unsigned => "arith.maxui",
            (Bin::Min, false) if self.unsigned => "arith.minui",
            (Bin::Div, false) => "arith.divsi",
            (Bin::Max, false) => "arith.maxsi",
            (Bin::Min, false) => "arith.minsi",
        };
        self.op(name, &[a, b], ty, &[])
    }
    pub(crate) fn un(&mut self, name: &str, a: Value) -> Value {
        let ty = self.ctx.value_type(a);
        self.op(name, &[a], ty, &[])
    }
    /// `v * mul + add` on indices, skipping identities.
    pub(crate) fn lin(&mut self, v: Value, mul: i64, add: i64) -> Value {
        let mut r = v;
        if mul != 1 {
            let m = self.idx(mul);
            r = self.bin(Bin::Mul, r, m);
        }
        if add != 0 {
            let a = self.idx(add);
            r = self.bin(Bin::Add, r, a);
        }
        r
    }
    /// `arith.cmpi` (predicate by number: 2 = slt, 5 = sge).
    pub(crate) fn cmpi(&mut self, pred: i64, a: Value, b: Value) -> Value {
        let i1 = self.ctx.i1();
        let i64t = self.ctx.i64();
        let p = self.ctx.int_attr(i64t, pred as i128);
        self.op("arith.cmpi", &[a, b], i1, &[("predicate", p)])
    }
    pub(crate) fn and(&mut self, a: Value, b: Value) -> Value {
        let t = self.ctx.i1();
        self.op("arith.andi", &[a, b], t, &[])
    }
    pub(crate) fn select(&mut self, c: Value, a: Value, b: Value) -> Value {
        let t = self.ctx.value_type(a);
        self.op("arith.select", &[c, a, b], t, &[])
    }
    /// Whether `v` is in `[0, n)`, for index `v`.
    pub(crate) fn in_range(&mut self, v: Value, n: i64) -> Value {
        let z = self.idx(0);
        let hi = self.idx(n);
        let a = self.cmpi(5, v, z);
        let b = self.cmpi(2, v, hi);
        self.and(a, b)
    }
    /// An index to float of type `ty`.
    pub(crate) fn index_to_float(&mut self, v: Value, ty: Type) -> Value {
        let i64t = self.ctx.i64();
        let i = self.op("arith.index_cast", &[v], i64t, &[]);
        self.op("arith.sitofp", &[i], ty, &[])
    }
}

pub(crate) type BodyFn<'f> =
    dyn FnOnce(&mut B<'_>, &[Value], &[Value]) -> Result<Value, String> + 'f;

/// Builds a `te.compute` before `anchor` and returns its result.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compute(
    rw: &mut PatternRewriter<'_>,
    anchor: Op,
    inputs: &[Value],
    out: Type,
    red: &[i64],
    combiner: Option<&str>,
    body: Box<BodyFn<'_>>,
) -> Result<Value, String> {
    compute_d(rw, anchor, inputs, out, &[], red, combiner, body)
}

/// [`compute`] with run-time extents: `dims` gives the value of every `?`
/// of `out`, then of every [`DYNAMIC`](dlc_ir::types::DYNAMIC) entry of
/// `red`, in order (see `te.compute`'s `dims`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn compute_d(
    rw: &mut PatternRewriter<'_>,
    anchor: Op,
    inputs: &[Value],
    out: Type,
    dims: &[Value],
    red: &[i64],
    combiner: Option<&str>,
    body: Box<BodyFn<'_>>,
) -> Result<Value, String> {
    let ndyn = rw
        .ctx
        .shape(out)
        .unwrap_or(&[])
        .iter()
        .chain(red)
        .filter(|&&e| e == dlc_ir::types::DYNAMIC)
        .count();
    if ndyn != dims.len() {
        return Err(format!(
            "internal error: {ndyn} run-time extents but {} values for them",
            dims.len()
        ));
    }
    let loc = rw.ctx.op_loc(anchor);
    let rank = rw.ctx.shape(out).map_or(0, |s| s.len());
    let it = rw.ctx.index_type();
    let block = rw.ctx.create_block(&vec![it; rank + red.len()], loc);
    let args = rw.ctx.block_args(block).to_vec();
    let v = {
        let unsigned = rw.ctx.attr(anchor, UNSIGNED).is_some();
        let mut b = B {
            ctx: rw.ctx,
            block,
            loc,
            unsigned,
        };
        body(&mut b, &args[..rank], &args[rank..])?
    };
    {
        let mut b = Builder::at_end(rw.ctx, block);
        b.set_loc(loc);
        b.op("te.yield", &[v], &[], &[]);
    }
    let region = rw.ctx.create_region();
    rw.ctx.append_block(region, block);
    let mut st = OperationState::new(rw.ctx.op_name_id("te.compute"), loc);
    for &i in inputs {
        if !st.operands.contains(&i) {
            st.operands.push(i);
        }
    }
    st.operands.extend_from_slice(dims);
    st.result_types.push(out);
    if !red.is_empty() {
        let a = rw.ctx.dense_i64_array(red);
        let id = rw.ctx.ident("reduce_extents");
        st.attrs.push((id, a));
        let c = rw.ctx.string_attr(combiner.unwrap_or("add"));
        let id = rw.ctx.ident("combiner");
        st.attrs.push((id, c));
    }
    st.regions.push(region);
    rw.set_insertion_point(InsertPoint::Before(anchor));
    let op = rw.create(st);
    Ok(rw.ctx.result(op, 0))
}

// ----- helpers --------------------------------------------------------------------

pub(crate) fn shape_of(ctx: &Context, v: Value) -> Result<Vec<i64>, String> {
    let s = ctx
        .shape(ctx.value_type(v))
        .ok_or("expected a ranked tensor")?
        .to_vec();
    if s.iter().any(|&d| d < 0) {
        return Err("dynamic shapes are not supported by --lower-graph-to-te".into());
    }
    Ok(s)
}

pub(crate) fn ints_attr(ctx: &Context, op: Op, name: &str, default: &[i64]) -> Vec<i64> {
    ctx.attr(op, name)
        .and_then(|a| ctx.dense_int_array(a))
        .unwrap_or_else(|| default.to_vec())
}

pub(crate) fn int_attr(ctx: &Context, op: Op, name: &str, default: i64) -> i64 {
    ctx.attr(op, name)
        .and_then(|a| ctx.int_value(a))
        .and_then(|v| i64::try_from(v).ok())
        .unwrap_or(default)
}

pub(crate) fn norm_axis(a: i64, rank: usize) -> Result<usize, String> {
    let r = rank as i64;
    if a < -r || a >= r {
        return Err(format!("axis {a} out of range for rank {rank}"));
    }
    Ok(if a < 0 { a + r } else { a } as usize)
}

/// The index into an operand of shape `ins` for output indices `idx` of
/// output shape `outs` under numpy broadcasting.
pub(crate) fn bcast_idx(b: &mut B<'_>, ins: &[i64], outs: &[i64], idx: &[Value]) -> Vec<Value> {
    let off = outs.len() - ins.len().min(outs.len());
    let mut v = Vec::with_capacity(ins.len());
    for (d, &s) in ins.iter().enumerate() {
        let od = off + d;
        if s == 1 && outs.get(od).copied() != Some(1) {
            v.push(b.idx(0));
        } else {
            v.push(idx[od.min(idx.len().saturating_sub(1))]);
        }
    }
    v
}

pub(crate) fn require_float(ctx: &Context, t: Type, what: &str) -> Result<(), String> {
    if ctx.is_float(ctx.element_type(t)) {
        Ok(())
    } else {
        Err(format!("'{what}' needs a floating-point element type"))
    }
}

/// A padded 2-D read of `x[n, c, h, w]`: `pad` where (h, w) is outside.
pub(crate) fn padded_read(
    b: &mut B<'_>,
    x: Value,
    hw: [i64; 2],
    idx: [Value; 4],
    padded: bool,
    pad: f64,
) -> Value {
    if !padded {
        return b.ext(x, &idx);
    }
    let ih = b.in_range(idx[2], hw[0]);
    let iw = b.in_range(idx[3], hw[1]);
    let ok = b.and(ih, iw);
    let z = b.idx(0);
    let h = b.select(ok, idx[2], z);
    let w = b.select(ok, idx[3], z);
    let v = b.ext(x, &[idx[0], idx[1], h, w]);
    let e = b.ctx.value_type(v);
    let p = b.cst(e, pad);
    b.select(ok, v, p)
}

pub(crate) fn lowest(ctx: &Context, e: Type) -> f64 {
    if ctx.is_float(e) {
        f64::NEG_INFINITY
    } else {
        i32::MIN as f64
    }
}

// ----- the lowering of one op -----------------------------------------------------

/// Where the `graph.constant` behind operand `slot` of `user` enters it:
/// `(constant, owner, k)` with `owner`'s operand `k` the constant itself —
/// `user`'s own operand, or, when `user` is in a `graph.fused` body and the
/// operand is a body argument, the group's operand for it.
fn constant_operand(ctx: &Context, user: Op, slot: usize) -> Option<(Op, Op, usize)> {
    let v = ctx.operand(user, slot);
    let is_constant = |d: Op| ctx.op_name_str(d) == "graph.constant";
    if let Some(d) = ctx.defining_op(v) {
        return is_constant(d).then_some((d, user, slot));
    }
    let b = ctx.value_block(v)?;
    let group = ctx.block_parent_op(b)?;
    if ctx.op_name_str(group) != "graph.fused" {
        return None;
    }
    let k = ctx.block_args(b).iter().position(|&a| a == v)?;
    let d = ctx
        .defining_op(ctx.operand(group, k))
        .filter(|&d| is_constant(d))?;
    Some((d, group, k))
}

/// A new `graph.constant` before `anchor` holding f32 constant `c` (dense
/// or dense_resource, static shape) with its dimensions permuted (result
/// dimension `i` is dimension `perm[i]` of `c`), as a fresh resource blob;
/// `None` for anything else.
fn permuted_constant(ctx: &mut Context, anchor: Op, c: Op, perm: &[usize]) -> Option<Value> {
    let f32t = ctx.f32();
    let a = ctx.attr(c, "value")?;
    let ty = ctx.value_type(ctx.result(c, 0));
    let shape = ctx.shape(ty)?.to_vec();
    if shape.len() != perm.len() || shape.contains(&DYNAMIC) || ctx.element_type(ty) != f32t {
        return None;
    }
    let vals = crate::graph_interp::constant_values(ctx, a).ok()?;
    let dims: Vec<usize> = shape.iter().map(|&d| d as usize).collect();
    if vals.len() != dims.iter().product::<usize>() {
        return None;
    }
    // Strides of the source, then a walk over the result in row-major order.
    let mut strides = vec![1usize; dims.len()];
    for i in (0..dims.len().saturating_sub(1)).rev() {
        strides[i] = strides[i + 1] * dims[i + 1];
    }
    let tdims: Vec<usize> = perm.iter().map(|&p| dims[p]).collect();
    let mut bytes = Vec::with_capacity(vals.len() * 4);
    let mut idx = vec![0usize; tdims.len()];
    for _ in 0..vals.len() {
        let src: usize = idx.iter().zip(perm).map(|(&i, &p)| i * strides[p]).sum();
        bytes.extend_from_slice(&vals[src].to_le_bytes());
        for d in (0..idx.len()).rev() {
            idx[d] += 1;
            if idx[d] < tdims[d] {
                break;
            }
            idx[d] = 0;
        }
    }
    let tshape: Vec<i64> = tdims.iter().map(|&d| d as i64).collect();
    let base = match ctx.attr_kind(a) {
        dlc_ir::AttrKind::DenseResource { handle, .. } => ctx.ident_str(*handle).to_string(),
        _ => "cst".to_string(),
    };
    let name = ctx.add_resource(&format!("{base}_t"), bytes);
    let tty = ctx.tensor_type(&tshape, f32t);
    let attr = ctx.intern_attr(dlc_ir::AttrKind::DenseResource {
        ty: tty,
        handle: name,
    });
    let loc = ctx.op_loc(c);
    let mut st = OperationState::new(ctx.op_name_id("graph.constant"), loc);
    st.result_types = vec![tty];
    let k = ctx.ident("value");
    st.attrs.push((k, attr));
    let n = ctx.create_op(st);
    ctx.insert_op_before(anchor, n);
    Some(ctx.result(n, 0))
}

/// A `graph.conv2d` as the layouts below take it: operands, result dims
/// (`od`, the run-time extents of the result), input, weight and result
/// shapes, padding, strides, dilations, groups, result type.
#[derive(Clone, Copy)]
struct Conv<'a> {
    ins: &'a [Value],
    od: &'a [Value],
    sx: &'a [i64],
    sw: &'a [i64],
    rs: &'a [i64],
    pd: &'a [i64],
    st: &'a [i64],
    dl: &'a [i64],
    g: i64,
    rt: Type,
}

impl Conv<'_> {
    /// The run-time batch extent, if any: every compute of a layout has it
    /// first.
    fn batch_dims(&self) -> Vec<Value> {
        if self.sx[0] == DYNAMIC {
            self.od[..1].to_vec()
        } else {
            Vec::new()
        }
    }
}

/// Marks a `graph.transpose` that [`prepack_conv_weights`] put between a
/// convolution and its re-laid-out weights; the convolution reads through
/// it and it is never lowered on its own.
const FOLDED_WEIGHTS: &str = "dlc.conv_weights";

/// Whether `conv2d` (result shape `rs`, weight shape `sw`) takes the
/// channels-last path of [`conv2d_nhwc`]: f32, static, one group, a small
/// output width (under 16 columns, too few for vectors along it), output
/// channels a multiple of 8, and some work (>= 2^16 multiply-adds).
fn wants_nhwc(ctx: &Context, x: Type, rs: &[i64], sw: &[i64], groups: i64) -> bool {
    let e = ctx.element_type(x);
    let sx = ctx.shape(x).unwrap_or(&[]);
    let macs: i64 = rs
        .iter()
        .product::<i64>()
        .saturating_mul(sw.iter().skip(1).product());
    ctx.is_float(e)
        && ctx.int_or_float_width(e) == Some(32)
        && sx.len() == 4
        && rs.len() == 4
        && sw.len() == 4
        && !sx.contains(&DYNAMIC)
        && !rs.contains(&DYNAMIC)
        && groups == 1
        && rs[3] < 16
        && rs[1] % 8 == 0
        && macs >= 1 << 16
}

/// Compile-time weight layout for [`conv2d_nhwc`]: the constant weights
/// `w[o, c, kh, kw]` of a convolution that takes that path are replaced by
/// a copy `w'[c, kh, kw, o]` (output channels innermost, the micro-kernel's
/// vector axis) behind a `graph.transpose` back to `[o, c, kh, kw]` marked
/// [`FOLDED_WEIGHTS`] (so the IR stays valid at every step). Inside a
/// `graph.fused` body, the group takes `w'` and the transpose is the first
/// op of the body. Returns how many convolutions changed.
pub fn prepack_conv_weights(ctx: &mut Context, root: Op) -> usize {
    let mut convs = Vec::new();
    ctx.walk(root, WalkOrder::PreOrder, &mut |c, o| {
        if c.op_name_str(o) == "graph.conv2d" {
            convs.push(o);
        }
        WalkResult::Advance
    });
    let mut n = 0;
    for conv in convs {
        let x = ctx.value_type(ctx.operand(conv, 0));
        let w = ctx.operand(conv, 1);
        let rs = ctx
            .shape(ctx.value_type(ctx.result(conv, 0)))
            .unwrap_or(&[])
            .to_vec();
        let sw = ctx.shape(ctx.value_type(w)).unwrap_or(&[]).to_vec();
        let g = int_attr(ctx, conv, "groups", 1);
        if !wants_nhwc(ctx, x, &rs, &sw, g) || !ctx.has_one_use(w) {
            continue;
        }
        let Some((c, owner, slot)) = constant_operand(ctx, conv, 1) else {
            continue;
        };
        let in_group = owner != conv;
        let Some(packed) = permuted_constant(ctx, owner, c, &[1, 2, 3, 0]) else {
            continue;
        };
        let pty = ctx.value_type(packed);
        let wty = ctx.value_type(w);
        // The transpose back to [o, c, kh, kw], read through by the conv.
        let (src, at) = if in_group {
            ctx.set_operand(owner, slot, packed);
            ctx.set_value_type(w, pty);
            let blk = ctx.value_block(w).expect("a block argument");
            (w, ctx.first_op(blk).expect("a group body ends in a yield"))
        } else {
            (packed, conv)
        };
        let loc = ctx.op_loc(conv);
        let mut st = OperationState::new(ctx.op_name_id("graph.transpose"), loc);
        st.operands = vec![src];
        st.result_types = vec![wty];
        let perm = ctx.dense_i64_array(&[3, 0, 1, 2]);
        let (pk, mk, u) = (
            ctx.ident("perm"),
            ctx.ident(FOLDED_WEIGHTS),
            ctx.unit_attr(),
        );
        st.props.push((pk, perm));
        st.attrs.push((mk, u));
        let t = ctx.create_op(st);
        ctx.insert_op_before(at, t);
        let tv = ctx.result(t, 0);
        if in_group {
            ctx.replace_uses_with_if(w, tv, |c, u| c.use_owner(u) != t);
        } else {
            ctx.set_operand(conv, 1, tv);
        }
        if ctx.use_empty(ctx.result(c, 0)) {
            ctx.erase_op(c);
        }
        n += 1;
    }
    n
}

/// The weights `w'[c, kh, kw, o]` behind a [`FOLDED_WEIGHTS`] transpose.
fn folded_weights(ctx: &Context, w: Value) -> Option<Value> {
    let t = ctx.defining_op(w)?;
    (ctx.op_name_str(t) == "graph.transpose" && ctx.attr(t, FOLDED_WEIGHTS).is_some())
        .then(|| ctx.operand(t, 0))
}

/// A channels-last convolution for small output widths, reading its
/// weights as `w'[c, kh, kw, o]` ([`prepack_conv_weights`]): the output
/// channels are the unit-stride vector axis. `xp` is the zero-bordered
/// input (a copy when padded), `yt[n, oh, ow, o] = sum_{c, kh, kw}
/// xp[n, c, oh*sh + kh*dh, ow*sw + kw*dw] * w'[c, kh, kw, o]`, then
/// `y[n, o, oh, ow] = yt[n, oh, ow, o] (+ bias[o])`.
fn conv2d_nhwc(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    cv: &Conv<'_>,
    wp: Value,
) -> Result<Value, String> {
    let Conv {
        ins,
        sx,
        sw,
        rs,
        pd,
        st,
        dl,
        rt,
        ..
    } = *cv;
    let e = rw.ctx.element_type(rt);
    let (x, bias) = (ins[0], ins.get(2).copied());
    let (h, wd) = (sx[2], sx[3]);
    let padded = pd.iter().any(|&p| p != 0);
    let xp = if padded {
        let ps = [sx[0], sx[1], h + pd[0] + pd[2], wd + pd[1] + pd[3]];
        let pt = rw.ctx.tensor_type(&ps, e);
        let (top, left) = (pd[0], pd[1]);
        compute(
            rw,
            op,
            &[x],
            pt,
            &[],
            None,
            Box::new(move |b, idx, _| {
                let hh = b.lin(idx[2], 1, -top);
                let ww = b.lin(idx[3], 1, -left);
                Ok(padded_read(
                    b,
                    x,
                    [h, wd],
                    [idx[0], idx[1], hh, ww],
                    true,
                    0.0,
                ))
            }),
        )?
    } else {
        x
    };
    let (sh, sv, dh, dw) = (st[0], st[1], dl[0], dl[1]);
    let tt = rw.ctx.tensor_type(&[rs[0], rs[2], rs[3], rs[1]], e);
    let yt = compute(
        rw,
        op,
        &[xp, wp],
        tt,
        &[sw[1], sw[2], sw[3]],
        Some("add"),
        Box::new(move |b, idx, r| {
            let (bn, y, v, o) = (idx[0], idx[1], idx[2], idx[3]);
            let (c, kh, kw) = (r[0], r[1], r[2]);
            let r0 = b.lin(y, sh, 0);
            let rk = b.lin(kh, dh, 0);
            let row = b.bin(Bin::Add, r0, rk);
            let c0 = b.lin(v, sv, 0);
            let ck = b.lin(kw, dw, 0);
            let col = b.bin(Bin::Add, c0, ck);
            let xv = b.ext(xp, &[bn, c, row, col]);
            let wv = b.ext(wp, &[c, kh, kw, o]);
            Ok(b.bin(Bin::Mul, xv, wv))
        }),
    )?;
    let mut reads = vec![yt];
    reads.extend(bias);
    compute(
        rw,
        op,
        &reads,
        rt,
        &[],
        None,
        Box::new(move |b, idx, _| {
            let v = b.ext(yt, &[idx[0], idx[2], idx[3], idx[1]]);
            Ok(match bias {
                Some(bv) => {
                    let bb = b.ext(bv, &[idx[1]]);
                    b.bin(Bin::Add, v, bb)
                }
                None => v,
            })
        }),
    )
}

/// Compile-time weight layout: a `graph.matmul` with `transpose_b` whose
/// right-hand side is an f32 constant used by it alone (Gemm's transB,
/// PyTorch's Linear) reads a transposed copy of the constant instead, so
/// the product has unit stride along n (the micro-kernel's vector axis).
/// Inside a `graph.fused` body the group operand and the body argument
/// change with it. Returns how many matmuls changed.
pub fn pretranspose_constant_weights(ctx: &mut Context, root: Op) -> usize {
    let mut matmuls = Vec::new();
    ctx.walk(root, WalkOrder::PreOrder, &mut |c, o| {
        if c.op_name_str(o) == "graph.matmul" && c.attr(o, "transpose_b").is_some() {
            matmuls.push(o);
        }
        WalkResult::Advance
    });
    let mut n = 0;
    for mm in matmuls {
        let b = ctx.operand(mm, 1);
        if !ctx.has_one_use(b) {
            continue;
        }
        let Some((c, owner, slot)) = constant_operand(ctx, mm, 1) else {
            continue;
        };
        let rank = ctx.shape(ctx.value_type(b)).map_or(0, |s| s.len());
        if rank < 2 {
            continue;
        }
        let mut perm: Vec<usize> = (0..rank).collect();
        perm.swap(rank - 2, rank - 1);
        let Some(t) = permuted_constant(ctx, owner, c, &perm) else {
            continue;
        };
        let tty = ctx.value_type(t);
        ctx.set_operand(owner, slot, t);
        if owner != mm {
            ctx.set_value_type(b, tty);
        }
        ctx.remove_attr(mm, "transpose_b");
        if ctx.use_empty(ctx.result(c, 0)) {
            ctx.erase_op(c);
        }
        n += 1;
    }
    n
}

/// The input channel a grouped convolution's output channel `o` reads as
/// its `ci`-th: `(o / opg) * cpg + ci` (just `ci` for one group).
fn group_channel(b: &mut B<'_>, o: Value, ci: Value, g: i64, opg: i64, cpg: i64) -> Value {
    if g == 1 {
        return ci;
    }
    let opgv = b.idx(opg);
    let grp = b.bin(Bin::Div, o, opgv);
    let base = b.lin(grp, cpg, 0);
    b.bin(Bin::Add, base, ci)
}

/// `y[n, o, ..] + bias[o]`, a compute of its own (`y` when there is no
/// bias).
fn channel_bias(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    y: Value,
    bias: Option<Value>,
    rt: Type,
    od: &[Value],
) -> Result<Value, String> {
    let Some(bv) = bias else {
        return Ok(y);
    };
    let sbias = shape_of(rw.ctx, bv)?;
    if sbias.len() != 1 {
        return Err("conv2d bias must be 1-D".into());
    }
    compute_d(
        rw,
        op,
        &[y, bv],
        rt,
        od,
        &[],
        None,
        Box::new(move |b, idx, _| {
            let a = b.ext(y, idx);
            let c = b.ext(bv, &[idx[1]]);
            Ok(b.bin(Bin::Add, a, c))
        }),
    )
}

/// A stride-1 f32 convolution as a direct convolution over the flattened,
/// zero-bordered image, so every read moves with unit stride along one
/// long axis (the code-generation strategy vectorizes it):
///
/// 1. `xp[n, c, t]`, `t < Hp * Wp + (KW - 1) * dw`: the input with its
///    padding, rows of pitch `Wp = W + pl + pr`, flattened (zeros past the
///    end, so the last reads stay in bounds);
/// 2. `yf[n, o, f] = sum_{c, kh, kw} xp[n, ci, f + kh*dh*Wp + kw*dw] *
///    w[o, c, kh, kw]` for `f < OH * Wp`: output rows of pitch `Wp`, whose
///    last `Wp - OW` columns are computed and never read;
/// 3. `y[n, o, oh, ow] = yf[n, o, oh * Wp + ow] (+ bias[o])`.
fn conv2d_flat(rw: &mut PatternRewriter<'_>, op: Op, cv: &Conv<'_>) -> Result<Value, String> {
    let Conv {
        ins,
        sx,
        sw,
        rs,
        pd,
        dl,
        g,
        rt,
        ..
    } = *cv;
    let e = rw.ctx.element_type(rt);
    let bd = cv.batch_dims();
    let (x, w, bias) = (ins[0], ins[1], ins.get(2).copied());
    let (n, c, h, wd) = (sx[0], sx[1], sx[2], sx[3]);
    let (hp, wp) = (h + pd[0] + pd[2], wd + pd[1] + pd[3]);
    let oh = rs[2];
    let tail = (sw[3] - 1) * dl[1];
    let flat_in = hp * wp + tail;
    let xt = rw.ctx.tensor_type(&[n, c, flat_in], e);
    let (top, left) = (pd[0], pd[1]);
    let xp = compute_d(
        rw,
        op,
        &[x],
        xt,
        &bd,
        &[],
        None,
        Box::new(move |b, idx, _| {
            let wpv = b.idx(wp);
            let row = b.bin(Bin::Div, idx[2], wpv);
            let rowstart = b.lin(row, wp, 0);
            let col = b.bin(Bin::Sub, idx[2], rowstart);
            let hh = b.lin(row, 1, -top);
            let ww = b.lin(col, 1, -left);
            Ok(padded_read(
                b,
                x,
                [h, wd],
                [idx[0], idx[1], hh, ww],
                true,
                0.0,
            ))
        }),
    )?;
    let flat_out = oh * wp;
    let yt = rw.ctx.tensor_type(&[n, rs[1], flat_out], e);
    let (cpg, opg) = (sw[1], rs[1] / g);
    let (dh, dw) = (dl[0], dl[1]);
    let yf = compute_d(
        rw,
        op,
        &[xp, w],
        yt,
        &bd,
        &[sw[1], sw[2], sw[3]],
        Some("add"),
        Box::new(move |b, idx, r| {
            let (bn, o, f) = (idx[0], idx[1], idx[2]);
            let (ci, kh, kw) = (r[0], r[1], r[2]);
            let cin = group_channel(b, o, ci, g, opg, cpg);
            let rows = b.lin(kh, dh * wp, 0);
            let cols = b.lin(kw, dw, 0);
            let off = b.bin(Bin::Add, rows, cols);
            let t = b.bin(Bin::Add, f, off);
            let xv = b.ext(xp, &[bn, cin, t]);
            let wv = b.ext(w, &[o, ci, kh, kw]);
            Ok(b.bin(Bin::Mul, xv, wv))
        }),
    )?;
    let mut reads = vec![yf];
    reads.extend(bias);
    compute_d(
        rw,
        op,
        &reads,
        rt,
        &bd,
        &[],
        None,
        Box::new(move |b, idx, _| {
            let f = b.lin(idx[2], wp, 0);
            let f = b.bin(Bin::Add, f, idx[3]);
            let v = b.ext(yf, &[idx[0], idx[1], f]);
            Ok(match bias {
                Some(bv) => {
                    let bb = b.ext(bv, &[idx[1]]);
                    b.bin(Bin::Add, v, bb)
                }
                None => v,
            })
        }),
    )
}

/// An f32 convolution with a column stride `s > 1`, with unit-stride reads
/// along the output columns: the zero-bordered input is first split by
/// column phase, `xq[n, c, q, hh, j] = xpad[n, c, hh, j * s + q]`, so the
/// tap `kw` of output column `ow` reads `xq[.., (kw*dw) % s, oh*sh +
/// kh*dh, ow + (kw*dw) / s]` (then the bias, if any, as its own compute).
fn conv2d_strided(rw: &mut PatternRewriter<'_>, op: Op, cv: &Conv<'_>) -> Result<Value, String> {
    let Conv {
        ins,
        sx,
        sw,
        rs,
        pd,
        st,
        dl,
        g,
        rt,
        ..
    } = *cv;
    let e = rw.ctx.element_type(rt);
    let bd = cv.batch_dims();
    let (x, w, bias) = (ins[0], ins[1], ins.get(2).copied());
    let (h, wd) = (sx[2], sx[3]);
    let hp = h + pd[0] + pd[2];
    let s = st[1];
    let (oh, ow) = (rs[2], rs[3]);
    let wq = ow + (sw[3] - 1) * dl[1] / s;
    let xt = rw.ctx.tensor_type(&[sx[0], sx[1], s, hp, wq], e);
    let (top, left) = (pd[0], pd[1]);
    let xq = compute_d(
        rw,
        op,
        &[x],
        xt,
        &bd,
        &[],
        None,
        Box::new(move |b, idx, _| {
            let hh = b.lin(idx[3], 1, -top);
            let col = b.lin(idx[4], s, -left);
            let ww = b.bin(Bin::Add, col, idx[2]);
            Ok(padded_read(
                b,
                x,
                [h, wd],
                [idx[0], idx[1], hh, ww],
                true,
                0.0,
            ))
        }),
    )?;
    let (cpg, opg) = (sw[1], rs[1] / g);
    let (sh, dh, dw) = (st[0], dl[0], dl[1]);
    let yt = rw.ctx.tensor_type(&[rs[0], rs[1], oh, ow], e);
    let conv = compute_d(
        rw,
        op,
        &[xq, w],
        yt,
        &bd,
        &[sw[1], sw[2], sw[3]],
        Some("add"),
        Box::new(move |b, idx, r| {
            let (bn, o, y, v) = (idx[0], idx[1], idx[2], idx[3]);
            let (ci, kh, kw) = (r[0], r[1], r[2]);
            let cin = group_channel(b, o, ci, g, opg, cpg);
            let tap = b.lin(kw, dw, 0);
            let sv = b.idx(s);
            let shift = b.bin(Bin::Div, tap, sv);
            let whole = b.lin(shift, s, 0);
            let q = b.bin(Bin::Sub, tap, whole);
            let r0 = b.lin(y, sh, 0);
            let rk = b.lin(kh, dh, 0);
            let row = b.bin(Bin::Add, r0, rk);
            let col = b.bin(Bin::Add, v, shift);
            let xv = b.ext(xq, &[bn, cin, q, row, col]);
            let wv = b.ext(w, &[o, ci, kh, kw]);
            Ok(b.bin(Bin::Mul, xv, wv))
        }),
    )?;
    channel_bias(rw, op, conv, bias, rt, &bd)
}

/// Lowers one graph op (not constants, fused groups or yields) to computes,
/// replacing its result. `Ok(false)`: not a graph op this lowering handles.
/// Marks a graph op whose integer operands were unsigned.
pub(crate) const UNSIGNED: &str = "dlc.unsigned";
/// Marks a graph op whose integer result was unsigned.
pub(crate) const UNSIGNED_RESULT: &str = "dlc.unsigned_result";

fn is_unsigned(ctx: &Context, t: Type) -> bool {
    matches!(
        ctx.type_kind(ctx.element_type(t)),
        TypeKind::Integer {
            signedness: dlc_ir::types::Signedness::Unsigned,
            ..
        }
    )
}

/// `t` with an unsigned integer element type made signless.
fn signless(ctx: &mut Context, t: Type) -> Type {
    let e = ctx.element_type(t);
    let TypeKind::Integer {
        width,
        signedness: dlc_ir::types::Signedness::Unsigned,
    } = *ctx.type_kind(e)
    else {
        return t;
    };
    let se = ctx.integer_type(width);
    match ctx.type_kind(t).clone() {
        TypeKind::Tensor { shape, .. } => ctx.tensor_type(&shape, se),
        TypeKind::Integer { .. } => se,
        _ => t,
    }
}

/// te and the levels below use signless integers, like arith: unsigned
/// tensor types become signless, and each graph op that read or produced
/// unsigned integers is marked ([`UNSIGNED`], [`UNSIGNED_RESULT`]) so that
/// its lowering picks the unsigned arith forms (divui, cmpi ult, uitofp,
/// extui, shrui, ...). The entry point's ABI keeps the original types
/// (`dlc.signature`).
fn erase_signedness(ctx: &mut Context, root: Op) {
    let mut all = vec![root];
    all.extend(ctx.nested_ops(root));
    for &op in &all {
        if !ctx.op_name_str(op).starts_with("graph.") {
            continue;
        }
        if ctx.operand_types(op).iter().any(|&t| is_unsigned(ctx, t)) {
            let u = ctx.unit_attr();
            ctx.set_attr(op, UNSIGNED, u);
        }
        let res: Vec<Type> = ctx.results(op).map(|r| ctx.value_type(r)).collect();
        if res.iter().any(|&t| is_unsigned(ctx, t)) {
            let u = ctx.unit_attr();
            ctx.set_attr(op, UNSIGNED_RESULT, u);
        }
    }
    for &op in &all {
        for r in ctx.results(op).collect::<Vec<_>>() {
            let t = ctx.value_type(r);
            let n = signless(ctx, t);
            if n != t {
                ctx.set_value_type(r, n);
            }
        }
        for reg in ctx.regions(op).to_vec() {
            for blk in ctx.region_blocks(reg).collect::<Vec<_>>() {
                for a in ctx.block_args(blk).to_vec() {
                    let t = ctx.value_type(a);
                    let n = signless(ctx, t);
                    if n != t {
                        ctx.set_value_type(a, n);
                    }
                }
            }
        }
        if ctx.op_name_str(op) == "graph.constant"
            && let Some(v) = ctx.attr(op, "value")
        {
            let nv = match ctx.attr_kind(v).clone() {
                dlc_ir::AttrKind::DenseElements { ty, data } => {
                    let n = signless(ctx, ty);
                    (n != ty).then(|| ctx.dense_attr(n, data))
                }
                dlc_ir::AttrKind::DenseResource { ty, handle } => {
                    let n = signless(ctx, ty);
                    (n != ty)
                        .then(|| ctx.intern_attr(dlc_ir::AttrKind::DenseResource { ty: n, handle }))
                }
                _ => None,
            };
            if let Some(nv) = nv {
                ctx.set_attr(op, "value", nv);
            }
        }
        if ctx.op_name_str(op) == "func.func"
            && let Some((ins, outs)) = ctx
                .attr(op, "function_type")
                .and_then(|a| ctx.type_value(a))
                .and_then(|t| ctx.function_type_parts(t))
                .map(|(i, o)| (i.to_vec(), o.to_vec()))
        {
            let ins: Vec<Type> = ins.iter().map(|&t| signless(ctx, t)).collect();
            let outs: Vec<Type> = outs.iter().map(|&t| signless(ctx, t)).collect();
            let ft = ctx.function_type(&ins, &outs);
            let a = ctx.type_attr(ft);
            ctx.set_attr(op, "function_type", a);
        }
    }
}

/// The te lowering of a group of graph ops (a module of this directory):
/// builds the replacement of `op` (short name `short`, e.g. "reduce_min")
/// before it and returns it, or `None` if `short` is not the group's.
pub(crate) type FamilyLowering =
    fn(&mut PatternRewriter<'_>, Op, &str) -> Result<Option<Value>, String>;

/// The groups tried for graph ops not handled below.
const FAMILY_LOWERINGS: &[FamilyLowering] =
    &[reduce::lower, shape_ops::lower, nn::lower, quant::lower];

pub fn lower_op(rw: &mut PatternRewriter<'_>, op: Op) -> Result<bool, String> {
    let name = rw.ctx.op_name_str(op).to_string();
    let Some(short) = name.strip_prefix("graph.") else {
        return Ok(false);
    };
    if matches!(short, "constant" | "fused" | "yield") || rw.ctx.num_results(op) != 1 {
        return Ok(false);
    }
    // Kernels: sequential algorithms with data-dependent result extents.
    if let Some(v) = kernels::lower(rw, op, short) {
        let v = v?;
        rw.replace_op(op, &[v]);
        return Ok(true);
    }
    let ins: Vec<Value> = rw.ctx.operands(op).collect();
    let res = rw.ctx.result(op, 0);
    let rt = rw.ctx.value_type(res);
    let e = rw.ctx.element_type(rt);
    // Run-time (`?`) dimensions: only the ops of `dynamic::SUPPORTED`
    // handle them; `od` holds the result's dynamic extents.
    let is_dyn =
        dynamic::is_dynamic(rw.ctx, res) || ins.iter().any(|&v| dynamic::is_dynamic(rw.ctx, v));
    let shape_fn = if is_dyn { dynamic::dyn_shape } else { shape_of };
    let rs = shape_fn(rw.ctx, res)?;
    let ishapes: Vec<Vec<i64>> = ins
        .iter()
        .map(|&v| shape_fn(rw.ctx, v))
        .collect::<Result<_, _>>()?;
    let od: Vec<Value> = if is_dyn {
        dynamic::result_dims(rw, op, short, &ins, &rs)?
    } else {
        Vec::new()
    };
    let need = |n: usize| -> Result<(), String> {
        if ins.len() < n {
            Err(format!("'graph.{short}' expects {n} operands"))
        } else {
            Ok(())
        }
    };
    let ctx = &*rw.ctx;
    let v = match short {
        "relu" | "sigmoid" | "tanh" | "exp" | "erf" | "sqrt" | "clamp" => {
            need(1)?;
            if short != "relu" {
                require_float(ctx, rt, short)?;
            }
            let x = ins[0];
            let lo = ctx.attr(op, "min").and_then(|a| ctx.float_value(a));
            let hi = ctx.attr(op, "max").and_then(|a| ctx.float_value(a));
            let short = short.to_string();
            compute_d(
                rw,
                op,
                &[x],
                rt,
                &od,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let v = b.ext(x, idx);
                    Ok(match short.as_str() {
                        "relu" => {
                            let z = b.cst(e, 0.0);
                            b.bin(Bin::Max, v, z)
                        }
                        "sigmoid" => {
                            let n = b.un("arith.negf", v);
                            let x = b.un("math.exp", n);
                            let one = b.cst(e, 1.0);
                            let d = b.bin(Bin::Add, one, x);
                            b.bin(Bin::Div, one, d)
                        }
                        "clamp" => {
                            let mut r = v;
                            if let Some(lo) = lo {
                                let c = b.cst(e, lo);
                                r = b.bin(Bin::Max, r, c);
                            }
                            if let Some(hi) = hi {
                                let c = b.cst(e, hi);
                                r = b.bin(Bin::Min, r, c);
                            }
                            r
                        }
                        s => b.un(&format!("math.{s}"), v),
                    })
                }),
            )?
        }
        "add" | "sub" | "mul" | "div" | "max" | "min" => {
            need(2)?;
            let k = match short {
                "add" => Bin::Add,
                "sub" => Bin::Sub,
                "mul" => Bin::Mul,
                "div" => Bin::Div,
                "max" => Bin::Max,
                _ => Bin::Min,
            };
            let (x, y) = (ins[0], ins[1]);
            let (sx, sy, so) = (ishapes[0].clone(), ishapes[1].clone(), rs.clone());
            compute_d(
                rw,
                op,
                &[x, y],
                rt,
                &od,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let ix = bcast_idx(b, &sx, &so, idx);
                    let iy = bcast_idx(b, &sy, &so, idx);
                    let a = b.ext(x, &ix);
                    let c = b.ext(y, &iy);
                    Ok(b.bin(k, a, c))
                }),
            )?
        }
        "elementwise" => {
            let kind = ctx
                .attr(op, "kind")
                .and_then(|a| ctx.string_value(a))
                .unwrap_or("")
                .to_string();
            let elems: Vec<Type> = ins
                .iter()
                .map(|&v| ctx.element_type(ctx.value_type(v)))
                .collect();
            elementwise::check_types(ctx, &kind, &elems, e)?;
            let at = elementwise::kind_attrs(ctx, op);
            let (xs, so) = (ins.clone(), rs.clone());
            compute_d(
                rw,
                op,
                &ins,
                rt,
                &od,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let mut args = Vec::with_capacity(xs.len());
                    for (k, &x) in xs.iter().enumerate() {
                        let ix = bcast_idx(b, &ishapes[k], &so, idx);
                        args.push(b.ext(x, &ix));
                    }
                    elementwise::build(b, &kind, &at, &args, e)
                }),
            )?
        }
        "broadcast_to" => {
            need(1)?;
            let x = ins[0];
            let (sx, so) = (ishapes[0].clone(), rs.clone());
            compute(
                rw,
                op,
                &[x],
                rt,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let ix = bcast_idx(b, &sx, &so, idx);
                    Ok(b.ext(x, &ix))
                }),
            )?
        }
        "matmul" => {
            need(2)?;
            let (sa, sb) = (ishapes[0].clone(), ishapes[1].clone());
            if sa.len() < 2 || sb.len() < 2 || rs.len() < 2 {
                return Err("matmul operands must have rank >= 2".into());
            }
            let ta = ctx.attr(op, "transpose_a").is_some();
            let tb = ctx.attr(op, "transpose_b").is_some();

            let k = if ta {
                sa[sa.len() - 2]
            } else {
                sa[sa.len() - 1]
            };
            let (a, bm) = (ins[0], ins[1]);
            let batch = rs[..rs.len() - 2].to_vec();
            let mut md = od.clone();
            if k == DYNAMIC {
                let ka = if ta { sa.len() - 2 } else { sa.len() - 1 };
                md.push(dynamic::te_dim(rw, op, a, ka));
            }
            compute_d(
                rw,
                op,
                &[a, bm],
                rt,
                &md,
                &[k],
                Some("add"),
                Box::new(move |b, idx, r| {
                    let nb = batch.len();
                    let (m, n, kk) = (idx[nb], idx[nb + 1], r[0]);
                    let mut ia = bcast_idx(b, &sa[..sa.len() - 2], &batch, &idx[..nb]);
                    ia.extend(if ta { [kk, m] } else { [m, kk] });
                    let mut ib = bcast_idx(b, &sb[..sb.len() - 2], &batch, &idx[..nb]);
                    ib.extend(if tb { [n, kk] } else { [kk, n] });
                    let x = b.ext(a, &ia);
                    let y = b.ext(bm, &ib);
                    Ok(b.bin(Bin::Mul, x, y))
                }),
            )?
        }
        "conv2d" => {
            need(2)?;
            let (sx, sw) = (ishapes[0].clone(), ishapes[1].clone());
            if sx.len() != 4 || sw.len() != 4 || rs.len() != 4 {
                return Err("conv2d expects 4-D input, weight and result".into());
            }
            let st = ints_attr(ctx, op, "strides", &[1, 1]);
            let pd = ints_attr(ctx, op, "padding", &[0, 0, 0, 0]);
            let dl = ints_attr(ctx, op, "dilations", &[1, 1]);
            let g = int_attr(ctx, op, "groups", 1);
            if st.len() != 2 || pd.len() != 4 || dl.len() != 2 || g < 1 || rs[1] % g != 0 {
                return Err("invalid conv2d attributes".into());
            }
            let (x, w) = (ins[0], ins[1]);
            let bias = ins.get(2).copied();
            let cpg = sw[1];
            let opg = rs[1] / g;
            let padded = pd.iter().any(|&p| p != 0);
            // The layouts below give the code-generation strategy unit-stride
            // reads; they pay for convolutions with some work (at least 2^16
            // multiply-adds), small ones keep the direct form.
            // (A run-time batch counts as 1.)
            let macs: i64 = rs
                .iter()
                .map(|&d| d.max(1))
                .product::<i64>()
                .saturating_mul(sw[1] * sw[2] * sw[3]);
            let is_f32 =
                ctx.is_float(e) && ctx.int_or_float_width(e) == Some(32) && macs >= 1 << 16;
            // Static but for a run-time batch.
            let static_image = !sx[1..].contains(&DYNAMIC) && !rs[1..].contains(&DYNAMIC);
            let cv = Conv {
                ins: &ins,
                od: &od,
                sx: &sx,
                sw: &sw,
                rs: &rs,
                pd: &pd,
                st: &st,
                dl: &dl,
                g,
                rt,
            };
            if let Some(wp) = folded_weights(ctx, w) {
                conv2d_nhwc(rw, op, &cv, wp)?
            } else if is_f32 && st == [1, 1] && static_image && (padded || sx[3] % 16 != 0) {
                conv2d_flat(rw, op, &cv)?
            } else if is_f32 && st[1] > 1 && static_image && rs[3] >= 8 {
                conv2d_strided(rw, op, &cv)?
            } else {
                let red = [sw[1], sw[2], sw[3]];
                let conv = compute_d(
                    rw,
                    op,
                    &[x, w],
                    rt,
                    &od,
                    &red,
                    Some("add"),
                    Box::new(move |b, idx, r| {
                        let (n, o, oh, ow) = (idx[0], idx[1], idx[2], idx[3]);
                        let (c, kh, kw) = (r[0], r[1], r[2]);
                        let ci = group_channel(b, o, c, g, opg, cpg);
                        let h0 = b.lin(oh, st[0], -pd[0]);
                        let hk = b.lin(kh, dl[0], 0);
                        let h = b.bin(Bin::Add, h0, hk);
                        let w0 = b.lin(ow, st[1], -pd[1]);
                        let wk = b.lin(kw, dl[1], 0);
                        let wi = b.bin(Bin::Add, w0, wk);
                        let xv = padded_read(b, x, [sx[2], sx[3]], [n, ci, h, wi], padded, 0.0);
                        let wv = b.ext(w, &[o, c, kh, kw]);
                        Ok(b.bin(Bin::Mul, xv, wv))
                    }),
                )?;
                channel_bias(rw, op, conv, bias, rt, &od)?
            }
        }
        "max_pool2d" | "avg_pool2d" => {
            need(1)?;
            let sx = ishapes[0].clone();
            if sx.len() != 4 || rs.len() != 4 {
                return Err("pooling expects 4-D input and result".into());
            }
            let k = ints_attr(ctx, op, "kernel", &[]);
            let st = ints_attr(ctx, op, "strides", &[1, 1]);
            let pd = ints_attr(ctx, op, "padding", &[0, 0, 0, 0]);
            if k.len() != 2 || st.len() != 2 || pd.len() != 4 {
                return Err("invalid pooling attributes".into());
            }
            let is_max = short == "max_pool2d";
            let include_pad = ctx.attr(op, "count_include_pad").is_some();
            let x = ins[0];
            // ceil_mode windows may run past the padded input: always bounds-check then.
            let padded = pd.iter().any(|&p| p != 0) || ctx.attr(op, "ceil_mode").is_some();
            let pad = if is_max { lowest(ctx, e) } else { 0.0 };
            let (st2, pd2, sx2) = (st.clone(), pd.clone(), sx.clone());
            let comb = if is_max { "max" } else { "add" };
            let acc = compute_d(
                rw,
                op,
                &[x],
                rt,
                &od,
                &k,
                Some(comb),
                Box::new(move |b, idx, r| {
                    let h0 = b.lin(idx[2], st2[0], -pd2[0]);
                    let h = b.bin(Bin::Add, h0, r[0]);
                    let w0 = b.lin(idx[3], st2[1], -pd2[1]);
                    let w = b.bin(Bin::Add, w0, r[1]);
                    Ok(padded_read(
                        b,
                        x,
                        [sx2[2], sx2[3]],
                        [idx[0], idx[1], h, w],
                        padded,
                        pad,
                    ))
                }),
            )?;
            if is_max {
                acc
            } else {
                require_float(rw.ctx, rt, short)?;
                compute_d(
                    rw,
                    op,
                    &[acc],
                    rt,
                    &od,
                    &[],
                    None,
                    Box::new(move |b, idx, _| {
                        // Window [s, s + k) clipped to [0, H) (or [-pt, H + pb) with pads).
                        let mut count = None;
                        for d in 0..2 {
                            let (lo, hi) = if include_pad {
                                (-pd[d], sx[2 + d] + pd[2 + d])
                            } else {
                                (0, sx[2 + d])
                            };
                            let s = b.lin(idx[2 + d], st[d], -pd[d]);
                            let lov = b.idx(lo);
                            let s = b.bin(Bin::Max, s, lov);
                            let e0 = b.lin(idx[2 + d], st[d], k[d] - pd[d]);
                            let hiv = b.idx(hi);
                            let en = b.bin(Bin::Min, e0, hiv);
                            let len = b.bin(Bin::Sub, en, s);
                            count = Some(match count {
                                None => len,
                                Some(c) => b.bin(Bin::Mul, c, len),
                            });
                        }
                        let c = count.ok_or("no window")?;
                        let cf = b.index_to_float(c, e);
                        let v = b.ext(acc, idx);
                        Ok(b.bin(Bin::Div, v, cf))
                    }),
                )?
            }
        }
        "global_avg_pool2d" => {
            need(1)?;
            require_float(ctx, rt, short)?;
            let sx = ishapes[0].clone();
            if sx.len() != 4 {
                return Err("global_avg_pool2d expects a 4-D input".into());
            }
            let x = ins[0];
            let sum = compute_d(
                rw,
                op,
                &[x],
                rt,
                &od,
                &sx[2..],
                Some("add"),
                Box::new(move |b, idx, r| Ok(b.ext(x, &[idx[0], idx[1], r[0], r[1]]))),
            )?;
            let n = (sx[2] * sx[3]) as f64;
            compute_d(
                rw,
                op,
                &[sum],
                rt,
                &od,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let v = b.ext(sum, idx);
                    let c = b.cst(e, n);
                    Ok(b.bin(Bin::Div, v, c))
                }),
            )?
        }
        "reduce_sum" | "reduce_mean" | "reduce_max" => {
            need(1)?;
            let sx = ishapes[0].clone();
            let mut axes: Vec<usize> =
                match ctx.attr(op, "axes").and_then(|a| ctx.dense_int_array(a)) {
                    None => (0..sx.len()).collect(),
                    Some(v) => v
                        .into_iter()
                        .map(|a| norm_axis(a, sx.len()))
                        .collect::<Result<_, _>>()?,
                };
            axes.sort_unstable();
            axes.dedup();
            let keep = ctx.attr(op, "keepdims").is_some();
            let red: Vec<i64> = axes.iter().map(|&a| sx[a]).collect();
            let x = ins[0];
            let comb = if short == "reduce_max" {
                reduce::max_min_combiner(ctx, e, true)
            } else {
                "add"
            };
            let (axes2, rank) = (axes.clone(), sx.len());
            let red_dims = dynamic::dims_at(rw, op, x, &axes)?;
            let body: Box<BodyFn<'_>> = Box::new(move |b, idx, r| {
                let mut ix = Vec::with_capacity(rank);
                let mut out_pos = 0;
                for d in 0..rank {
                    if let Some(p) = axes2.iter().position(|&a| a == d) {
                        ix.push(r[p]);
                        if keep {
                            out_pos += 1;
                        }
                    } else {
                        ix.push(*idx.get(out_pos).ok_or("reduce: result rank mismatch")?);
                        out_pos += 1;
                    }
                }
                Ok(b.ext(x, &ix))
            });
            let acc = if is_dyn {
                let dims = [od.clone(), red_dims].concat();
                compute_d(rw, op, &[x], rt, &dims, &red, Some(comb), body)?
            } else {
                reduce::reduction(rw, op, &[x], rt, &red, comb, body)?
            };
            if short == "reduce_mean" {
                // The element count, a value when an extent is dynamic.
                let mut count = None;
                if red.contains(&DYNAMIC) {
                    let mut c = dynamic::index_const(rw, op, 1);
                    for &a in &axes {
                        let d = dynamic::extent(rw, op, x, a)?;
                        c = dynamic::index_op(rw, op, "arith.muli", c, d);
                    }
                    count = Some(c);
                }
                let n: i64 = red.iter().product();
                compute_d(
                    rw,
                    op,
                    &[acc],
                    rt,
                    &od,
                    &[],
                    None,
                    Box::new(move |b, idx, _| {
                        let v = b.ext(acc, idx);
                        let c = match count {
                            Some(c) => b.index_to_float(c, e),
                            None => b.cst(e, n as f64),
                        };
                        Ok(b.bin(Bin::Div, v, c))
                    }),
                )?
            } else {
                acc
            }
        }
        "softmax" => {
            need(1)?;
            require_float(ctx, rt, short)?;
            let sx = ishapes[0].clone();
            let a = norm_axis(int_attr(ctx, op, "axis", -1), sx.len())?;
            let mut ms = sx.clone();
            ms[a] = 1;
            let mt = rw.ctx.tensor_type(&ms, e);
            let x = ins[0];
            let n = sx[a];
            let with = move |b: &mut B<'_>, idx: &[Value], v: Option<Value>| -> Vec<Value> {
                let mut ix = idx.to_vec();
                ix[a] = match v {
                    Some(v) => v,
                    None => b.idx(0),
                };
                ix
            };
            // The max and sum computes keep every axis but `a` (extent 1).
            let keep_axes: Vec<usize> = (0..sx.len()).filter(|&d| d != a).collect();
            let mut md = dynamic::dims_at(rw, op, x, &keep_axes)?;
            md.extend(dynamic::dims_at(rw, op, x, &[a])?);
            let m = compute_d(
                rw,
                op,
                &[x],
                mt,
                &md,
                &[n],
                Some("max"),
                Box::new(move |b, idx, r| {
                    let ix = with(b, idx, Some(r[0]));
                    Ok(b.ext(x, &ix))
                }),
            )?;
            let ex = compute_d(
                rw,
                op,
                &[x, m],
                rt,
                &od,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let v = b.ext(x, idx);
                    let im = with(b, idx, None);
                    let mv = b.ext(m, &im);
                    let d = b.bin(Bin::Sub, v, mv);
                    Ok(b.un("math.exp", d))
                }),
            )?;
            let s = compute_d(
                rw,
                op,
                &[ex],
                mt,
                &md,
                &[n],
                Some("add"),
                Box::new(move |b, idx, r| {
                    let ix = with(b, idx, Some(r[0]));
                    Ok(b.ext(ex, &ix))
                }),
            )?;
            compute_d(
                rw,
                op,
                &[ex, s],
                rt,
                &od,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let v = b.ext(ex, idx);
                    let is = with(b, idx, None);
                    let sv = b.ext(s, &is);
                    Ok(b.bin(Bin::Div, v, sv))
                }),
            )?
        }
        "reshape" if is_dyn => {
            // Run-time extents: linearise with the result's extents (Horner),
            // delinearise with the input's.
            need(1)?;
            let x = ins[0];
            let mut xe = Vec::with_capacity(ishapes[0].len());
            for a in 0..ishapes[0].len() {
                xe.push(dynamic::extent(rw, op, x, a)?);
            }
            let mut dyn_dims = od.iter();
            let mut oe = Vec::with_capacity(rs.len());
            for &d in &rs {
                oe.push(match d {
                    DYNAMIC => *dyn_dims.next().ok_or("reshape: missing a result extent")?,
                    d => dynamic::index_const(rw, op, d),
                });
            }
            compute_d(
                rw,
                op,
                &[x],
                rt,
                &od,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let it = b.ctx.index_type();
                    let mut flat = match idx.first() {
                        Some(&i) => i,
                        None => b.idx(0),
                    };
                    for d in 1..idx.len() {
                        let m = b.bin(Bin::Mul, flat, oe[d]);
                        flat = b.bin(Bin::Add, m, idx[d]);
                    }
                    let mut ix = vec![flat; xe.len()];
                    for d in (0..xe.len()).rev() {
                        if d == 0 {
                            ix[0] = flat;
                        } else {
                            ix[d] = b.op("arith.remsi", &[flat, xe[d]], it, &[]);
                            flat = b.op("arith.divsi", &[flat, xe[d]], it, &[]);
                        }
                    }
                    Ok(b.ext(x, &ix))
                }),
            )?
        }
        "reshape" => {
            need(1)?;
            let sx = ishapes[0].clone();
            let x = ins[0];
            let so = rs.clone();
            compute_d(
                rw,
                op,
                &[x],
                rt,
                &od,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    // Linearise the output index, delinearise into the input shape.
                    let mut flat: Option<Value> = None;
                    let mut stride = 1i64;
                    for d in (0..so.len()).rev() {
                        let t = b.lin(idx[d], stride, 0);
                        flat = Some(match flat {
                            None => t,
                            Some(f) => b.bin(Bin::Add, f, t),
                        });
                        stride *= so[d];
                    }
                    let flat = match flat {
                        Some(f) => f,
                        None => b.idx(0),
                    };
                    let mut ix = Vec::with_capacity(sx.len());
                    let mut istride: i64 = sx.iter().product();
                    for (d, &s) in sx.iter().enumerate() {
                        istride /= s.max(1);
                        let mut v = flat;
                        if istride != 1 {
                            let c = b.idx(istride);
                            v = b.bin(Bin::Div, v, c);
                        }
                        if d > 0 {
                            let c = b.idx(s);
                            let it = b.ctx.index_type();
                            v = b.op("arith.remsi", &[v, c], it, &[]);
                        }
                        ix.push(v);
                    }
                    Ok(b.ext(x, &ix))
                }),
            )?
        }
        "transpose" => {
            need(1)?;
            let perm = ints_attr(ctx, op, "perm", &[]);
            let rank = ishapes[0].len();
            if perm.len() != rank || perm.iter().any(|&p| p < 0 || p as usize >= rank) {
                return Err("invalid transpose permutation".into());
            }
            let x = ins[0];
            compute_d(
                rw,
                op,
                &[x],
                rt,
                &od,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let mut ix = idx.to_vec();
                    for (i, &p) in perm.iter().enumerate() {
                        ix[p as usize] = idx[i];
                    }
                    Ok(b.ext(x, &ix))
                }),
            )?
        }
        "concat" => {
            need(1)?;
            let a = norm_axis(int_attr(ctx, op, "axis", 0), rs.len())?;
            let sizes: Vec<i64> = ishapes
                .iter()
                .map(|s| s.get(a).copied().unwrap_or(0))
                .collect();
            let inputs = ins.clone();
            compute(
                rw,
                op,
                &ins,
                rt,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let mut offs = Vec::with_capacity(sizes.len());
                    let mut o = 0;
                    for &s in &sizes {
                        offs.push(o);
                        o += s;
                    }
                    let read = |b: &mut B<'_>, k: usize| -> Value {
                        let mut ix = idx.to_vec();
                        let local = b.lin(idx[a], 1, -offs[k]);
                        let z = b.idx(0);
                        let hi = b.idx(sizes[k] - 1);
                        let lo = b.bin(Bin::Max, local, z);
                        ix[a] = b.bin(Bin::Min, lo, hi);
                        b.ext(inputs[k], &ix)
                    };
                    let last = inputs.len() - 1;
                    let mut v = read(b, last);
                    for k in (0..last).rev() {
                        let vk = read(b, k);
                        let bound = b.idx(offs[k + 1]);
                        let c = b.cmpi(2, idx[a], bound);
                        v = b.select(c, vk, v);
                    }
                    Ok(v)
                }),
            )?
        }
        "batch_norm" => {
            need(5)?;
            require_float(ctx, rt, short)?;
            let eps = ctx
                .attr(op, "epsilon")
                .and_then(|a| ctx.float_value(a))
                .unwrap_or(1e-5);
            let (x, sc, bi, mean, var) = (ins[0], ins[1], ins[2], ins[3], ins[4]);
            compute_d(
                rw,
                op,
                &[x, sc, bi, mean, var],
                rt,
                &od,
                &[],
                None,
                Box::new(move |b, idx, _| {
                    let c = [idx[1]];
                    let xv = b.ext(x, idx);
                    let mv = b.ext(mean, &c);
                    let vv = b.ext(var, &c);
                    let sv = b.ext(sc, &c);
                    let bv = b.ext(bi, &c);
                    let ep = b.cst(e, eps);
                    let d = b.bin(Bin::Sub, xv, mv);
                    let ve = b.bin(Bin::Add, vv, ep);
                    let sd = b.un("math.sqrt", ve);
                    let n = b.bin(Bin::Div, d, sd);
                    let m = b.bin(Bin::Mul, n, sv);
                    Ok(b.bin(Bin::Add, m, bv))
                }),
            )?
        }
        _ => {
            for lower in FAMILY_LOWERINGS {
                if let Some(v) = lower(rw, op, short)? {
                    rw.replace_op(op, &[v]);
                    return Ok(true);
                }
            }
            return Err(format!("no te lowering for 'graph.{short}'"));
        }
    };
    rw.replace_op(op, &[v]);
    Ok(true)
}

/// Turns a `graph.fused` (whose body was lowered) into a `te.group`.
fn lower_fused(rw: &mut PatternRewriter<'_>, op: Op) {
    let loc = rw.ctx.op_loc(op);
    let mut st = OperationState::new(rw.ctx.op_name_id("te.group"), loc);
    st.operands = rw.ctx.operands(op).collect();
    st.result_types = rw.ctx.result_types(op);
    if let Some(k) = rw.ctx.attr(op, "kind") {
        let id = rw.ctx.ident("kind");
        st.attrs.push((id, k));
    }
    let extra: Vec<_> = rw.ctx.dict_entries(rw.ctx.op_attr_dict(op)).to_vec();
    for (k, v) in extra {
        if !st.attrs.iter().any(|(n, _)| *n == k) {
            st.attrs.push((k, v));
        }
    }
    let r = rw.ctx.create_region();
    let old = rw.ctx.region(op, 0);
    rw.ctx.take_region_blocks(old, r);
    st.regions.push(r);
    if let Some(b) = rw.ctx.region_first_block(r)
        && let Some(t) = rw.ctx.terminator(b)
        && rw.ctx.op_name_str(t) == "graph.yield"
    {
        let vals = rw.ctx.operand_vec(t);
        let tl = rw.ctx.op_loc(t);
        rw.set_insertion_point(InsertPoint::Before(t));
        rw.create_op("te.yield", tl, &vals, &[], vec![]);
        rw.erase_op(t);
    }
    rw.replace_op_with_new(op, st);
}

/// `--lower-graph-to-te`.
pub struct LowerGraphToTe;

impl Pass for LowerGraphToTe {
    fn argument(&self) -> &'static str {
        "lower-graph-to-te"
    }
    fn display_name(&self) -> &'static str {
        "LowerGraphToTe"
    }
    fn run(&mut self, ctx: &mut Context, root: Op) -> Result<(), Diagnostic> {
        erase_signedness(ctx, root);
        pretranspose_constant_weights(ctx, root);
        prepack_conv_weights(ctx, root);
        let mut ops = Vec::new();
        let mut fused = Vec::new();
        let mut folded = Vec::new();
        ctx.walk(root, WalkOrder::PreOrder, &mut |c, o| {
            match c.op_name_str(o) {
                "graph.fused" => fused.push(o),
                "graph.constant" | "graph.yield" => {}
                _ if c.attr(o, FOLDED_WEIGHTS).is_some() => folded.push(o),
                n if n.starts_with("graph.") => ops.push(o),
                _ => {}
            }
            WalkResult::Advance
        });
        let mut rw = PatternRewriter::new(ctx);
        for op in ops {
            match lower_op(&mut rw, op) {
                Ok(true) => {}
                Ok(false) => {
                    return Err(rw.ctx.op_error(op, "failed to lower to te"));
                }
                Err(e) => return Err(rw.ctx.op_error(op, format!("failed to lower to te: {e}"))),
            }
        }
        // Weight transposes the convolutions read through (their only use).
        for t in folded {
            if rw.ctx.use_empty(rw.ctx.result(t, 0)) {
                rw.ctx.erase_op(t);
            } else if let Err(e) = lower_op(&mut rw, t) {
                return Err(rw.ctx.op_error(t, format!("failed to lower to te: {e}")));
            }
        }
        for op in fused {
            lower_fused(&mut rw, op);
        }
        Ok(())
    }
}

/// Registers `--lower-graph-to-te`.
pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "lower-graph-to-te",
        description: "Lower graph ops (and graph.fused groups) to te.compute ops (te.group regions)",
        options: &[],
        create: || Box::new(LowerGraphToTe),
    });
}
