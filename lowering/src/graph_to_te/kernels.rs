//! graph-to-te for the ops that become `te.kernel`s: NonZero (a stream
//! compaction) and NonMaxSuppression (a greedy selection). Both are
//! sequential and their result extents depend on the data, so no
//! `te.compute` expresses them; TVM writes the same ops with its IR
//! builder behind `te.extern`.
//!
//! Each kernel is generated as te-level text (a `te.kernel` whose body is
//! loop-dialect code), parsed, and moved in place of the graph op: the
//! algorithm reads as it will print. Conditional stores are branch-free:
//! an element that is not selected is written to a spare slot past the
//! live data, which always exists when the element is not selected.

use dlc_ir::parser::parse_source;
use dlc_ir::printer::print_type_to;
use dlc_ir::rewrite::{InsertPoint, PatternRewriter};
use dlc_ir::{Context, Op, Type, Value};
use std::fmt::Write as _;

/// Lowers `graph.nonzero` / `graph.non_max_suppression`; `None` for other ops.
pub(crate) fn lower(
    rw: &mut PatternRewriter<'_>,
    op: Op,
    short: &str,
) -> Option<Result<Value, String>> {
    let text = match short {
        "nonzero" => nonzero_text(rw.ctx, op),
        "non_max_suppression" => {
            let index = rw.ctx.index_type();
            nms_text(rw.ctx, op, index)
        }
        _ => return None,
    };
    Some(text.and_then(|t| insert_kernel(rw, op, &t)))
}

fn ty(ctx: &Context, t: Type) -> String {
    let mut s = String::new();
    print_type_to(ctx, t, &mut s);
    s
}

/// The static shape of `v`, or an error naming what it is (`what`).
fn static_shape(ctx: &Context, v: Value, what: &str) -> Result<Vec<i64>, String> {
    let s = ctx
        .shape(ctx.value_type(v))
        .ok_or("expected a ranked tensor")?;
    if s.iter().any(|&d| d < 0) {
        return Err(format!(
            "needs a static {what} shape (the result's upper bound comes from it)"
        ));
    }
    Ok(s.to_vec())
}

/// The `te.kernel` header line and the wrapping function of a snippet: the
/// kernel's operands are the function's arguments, so the snippet parses
/// on its own.
fn wrap(ctx: &Context, op: Op, bounds: &[i64], body: &str) -> String {
    let ins: Vec<Value> = ctx.operands(op).collect();
    let rt = ty(ctx, ctx.value_type(ctx.result(op, 0)));
    let tys: Vec<String> = ins.iter().map(|&v| ty(ctx, ctx.value_type(v))).collect();
    let args: Vec<String> = tys
        .iter()
        .enumerate()
        .map(|(k, t)| format!("%a{k}: {t}"))
        .collect();
    let binds: Vec<String> = (0..ins.len()).map(|k| format!("%in{k} = %a{k}")).collect();
    let bounds: Vec<String> = bounds.iter().map(i64::to_string).collect();
    format!(
        "func.func @kernel({}) -> {rt} {{\n\
         %r = te.kernel ({}) outs(%out) {{bounds = array<i64: {}>}} : ({}) -> {rt} {{\n\
         {body}}}\n\
         func.return %r : {rt}\n}}\n",
        args.join(", "),
        binds.join(", "),
        bounds.join(", "),
        tys.join(", "),
    )
}

/// Parses `text`, moves its `te.kernel` before `op` with `op`'s operands
/// and location, and drops the rest of the snippet.
fn insert_kernel(rw: &mut PatternRewriter<'_>, op: Op, text: &str) -> Result<Value, String> {
    let name = rw.ctx.op_name_str(op).to_string();
    let module = parse_source(rw.ctx, text, &format!("<{name} kernel>"))
        .map_err(|d| format!("internal error: the generated kernel does not parse: {d:?}"))?;
    let ctx = &mut *rw.ctx;
    let nested = ctx.nested_ops(module);
    let kernel = nested
        .iter()
        .copied()
        .find(|&o| ctx.op_name_str(o) == "te.kernel")
        .ok_or("internal error: the generated snippet has no te.kernel")?;
    let ret = nested
        .iter()
        .copied()
        .find(|&o| ctx.op_name_str(o) == "func.return")
        .ok_or("internal error: the generated snippet has no return")?;
    let loc = ctx.op_loc(op);
    for o in ctx.nested_ops(kernel) {
        ctx.set_op_loc(o, loc);
    }
    ctx.set_op_loc(kernel, loc);
    let ins: Vec<Value> = ctx.operands(op).collect();
    ctx.set_operands(kernel, &ins);
    ctx.erase_op(ret);
    ctx.remove_op(kernel);
    ctx.erase_op(module);
    rw.set_insertion_point(InsertPoint::Before(op));
    rw.insert(kernel);
    Ok(rw.ctx.result(kernel, 0))
}

/// `arith` text for the zero of element type `e` and the predicate
/// "`v` is not zero" (NaN is not zero).
fn nonzero_test(ctx: &Context, e: Type, v: &str, zero: &str) -> (String, String) {
    let t = ty(ctx, e);
    if ctx.is_float(e) {
        (
            format!("{zero} = arith.constant 0.0 : {t}\n"),
            format!("arith.cmpf une, {v}, {zero} : {t}"),
        )
    } else if t == "i1" {
        (
            format!("{zero} = arith.constant false\n"),
            format!("arith.cmpi ne, {v}, {zero} : {t}"),
        )
    } else {
        (
            format!("{zero} = arith.constant 0 : {t}\n"),
            format!("arith.cmpi ne, {v}, {zero} : {t}"),
        )
    }
}

/// Row-major coordinates `%k0, ...` of flat index `%i` in `shape`, and the
/// load of the element there into `%v`.
fn unravel_and_load(shape: &[i64], mref: &str, x: &str) -> String {
    let mut s = String::new();
    let mut stride = 1i64;
    let mut strides = vec![0; shape.len()];
    for d in (0..shape.len()).rev() {
        strides[d] = stride;
        stride *= shape[d];
    }
    let mut ks = Vec::new();
    for (d, (&st, &ext)) in strides.iter().zip(shape).enumerate() {
        let _ = writeln!(s, "%st{d} = arith.constant {st} : index");
        if d == 0 {
            let _ = writeln!(s, "%k{d} = arith.divui %i, %st{d} : index");
        } else {
            let _ = writeln!(s, "%q{d} = arith.divui %i, %st{d} : index");
            let _ = writeln!(s, "%ex{d} = arith.constant {ext} : index");
            let _ = writeln!(s, "%k{d} = arith.remui %q{d}, %ex{d} : index");
        }
        ks.push(format!("%k{d}"));
    }
    let _ = writeln!(s, "%v = loop.load {x}[{}] : {mref}", ks.join(", "));
    s
}

/// NonZero: count the non-zero elements, then store each one's
/// coordinates in column `p` of the `rank x count` result.
fn nonzero_text(ctx: &Context, op: Op) -> Result<String, String> {
    let x = ctx.operand(op, 0);
    let shape = static_shape(ctx, x, "input")?;
    let n: i64 = shape.iter().product();
    let r = shape.len();
    let e = ctx.element_type(ctx.value_type(x));
    let mref = ty(ctx, ctx.value_type(x)).replacen("tensor<", "memref<", 1);
    let (zero, test) = nonzero_test(ctx, e, "%v", "%zero");
    let visit = unravel_and_load(&shape, &mref, "%in0");
    let mut stores = String::new();
    for d in 0..r {
        let _ = write!(
            stores,
            "%row{d} = arith.muli %count, %c{d} : index\n\
             %slot{d} = arith.addi %row{d}, %p : index\n\
             %spare{d} = arith.addi %spare, %c{d} : index\n\
             %at{d} = arith.select %nz, %slot{d}, %spare{d} : index\n\
             %val{d} = arith.index_cast %k{d} : index to i64\n\
             loop.store %val{d}, %out[%at{d}] : memref<?xi64>\n"
        );
    }
    let consts: String = (0..r.max(2))
        .map(|d| format!("%c{d} = arith.constant {d} : index\n"))
        .collect();
    let body = format!(
        "{consts}%cn = arith.constant {n} : index\n\
         %crank = arith.constant {r} : index\n\
         {zero}\
         %count = loop.for %i = %c0 to %cn step %c1 iter_args(%a = %c0) -> (index) {{\n\
         {visit}%nz = {test}\n\
         %inc = arith.select %nz, %c1, %c0 : index\n\
         %a1 = arith.addi %a, %inc : index\n\
         loop.yield %a1 : index\n\
         }}\n\
         // A zero element's coordinates go past the rank x count result;\n\
         // there is room because then count < n.\n\
         %spare = arith.muli %count, %crank : index\n\
         %end = loop.for %i = %c0 to %cn step %c1 iter_args(%p = %c0) -> (index) {{\n\
         {visit}%nz = {test}\n\
         {stores}%inc = arith.select %nz, %c1, %c0 : index\n\
         %p1 = arith.addi %p, %inc : index\n\
         loop.yield %p1 : index\n\
         }}\n\
         te.yield %count : index\n"
    );
    Ok(wrap(ctx, op, &[n], &body))
}

/// A scalar operand's one element, converted to type `to`, as `%name`.
fn load_scalar(ctx: &Context, v: Value, k: usize, name: &str, to: Type) -> String {
    let t = ctx.value_type(v);
    let rank = ctx.shape(t).map_or(0, |s| s.len());
    let idx = vec!["%c0"; rank].join(", ");
    let mref = ty(ctx, t).replacen("tensor<", "memref<", 1);
    let e = ctx.element_type(t);
    let (ts, es) = (ty(ctx, to), ty(ctx, e));
    if e == to {
        return format!("%{name} = loop.load %in{k}[{idx}] : {mref}\n");
    }
    let conv = if ctx.is_float(e) && ctx.is_float(to) {
        if ctx.int_or_float_width(e) < ctx.int_or_float_width(to) {
            "arith.extf"
        } else {
            "arith.truncf"
        }
    } else {
        "arith.index_cast"
    };
    format!(
        "%{name}_raw = loop.load %in{k}[{idx}] : {mref}\n\
         %{name} = {conv} %{name}_raw : {es} to {ts}\n"
    )
}

/// The corners (xmin, ymin, xmax, ymax) of box `%{p}i` of batch `%b`, as
/// `%{p}x0 %{p}y0 %{p}x1 %{p}y1`, in element type `f`.
fn box_corners(p: &str, center: bool, bmref: &str, f: &str) -> String {
    let mut s = String::new();
    for c in 0..4 {
        let _ = writeln!(s, "%{p}c{c} = loop.load %in0[%b, %{p}i, %c{c}] : {bmref}");
    }
    if center {
        // (x_center, y_center, width, height)
        let _ = write!(
            s,
            "%{p}hw = arith.divf %{p}c2, %two : {f}\n\
             %{p}hh = arith.divf %{p}c3, %two : {f}\n\
             %{p}x0 = arith.subf %{p}c0, %{p}hw : {f}\n\
             %{p}x1 = arith.addf %{p}c0, %{p}hw : {f}\n\
             %{p}y0 = arith.subf %{p}c1, %{p}hh : {f}\n\
             %{p}y1 = arith.addf %{p}c1, %{p}hh : {f}\n"
        );
    } else {
        // (y1, x1, y2, x2), either corner first
        let _ = write!(
            s,
            "%{p}x0 = arith.minimumf %{p}c1, %{p}c3 : {f}\n\
             %{p}x1 = arith.maximumf %{p}c1, %{p}c3 : {f}\n\
             %{p}y0 = arith.minimumf %{p}c0, %{p}c2 : {f}\n\
             %{p}y1 = arith.maximumf %{p}c0, %{p}c2 : {f}\n"
        );
    }
    let _ = write!(
        s,
        "%{p}w = arith.subf %{p}x1, %{p}x0 : {f}\n\
         %{p}h = arith.subf %{p}y1, %{p}y0 : {f}\n\
         %{p}area = arith.mulf %{p}w, %{p}h : {f}\n"
    );
    s
}

/// NonMaxSuppression, per batch and class: rank the boxes by descending
/// score (ties by index; NaN last), walk them in that order keeping a box
/// when its score passes the threshold, fewer than the maximum are kept
/// and its IoU with every kept box is at most the threshold (as the ONNX
/// reference decides it), then append the (batch, class, box) rows.
fn nms_text(ctx: &Context, op: Op, index: Type) -> Result<String, String> {
    let ins: Vec<Value> = ctx.operands(op).collect();
    let bs = static_shape(ctx, ins[0], "boxes")?;
    let ss = static_shape(ctx, ins[1], "scores")?;
    let (nb, nbox, nc) = (bs[0], bs[1], ss[1]);
    let center = ctx.attr(op, "center_point_box").is_some();
    let fe = ctx.element_type(ctx.value_type(ins[0]));
    let f = ty(ctx, fe);
    let bmref = ty(ctx, ctx.value_type(ins[0])).replacen("tensor<", "memref<", 1);
    let smref = ty(ctx, ctx.value_type(ins[1])).replacen("tensor<", "memref<", 1);
    let mut pre = String::new();
    pre.push_str(&load_scalar(ctx, ins[2], 2, "maxraw", index));
    pre.push_str(&load_scalar(ctx, ins[3], 3, "iou", fe));
    let has_score = ins.len() > 4;
    if has_score {
        pre.push_str(&load_scalar(ctx, ins[4], 4, "sthr", fe));
    }
    let score_ok = if has_score {
        format!("%sok = arith.cmpf ogt, %s, %sthr : {f}\n")
    } else {
        "%sok = arith.constant true\n".to_string()
    };
    let cur = box_corners("u", center, &bmref, &f);
    let kept = box_corners("v", center, &bmref, &f);
    let zero_f = format!("%zf = arith.constant 0.0 : {f}\n%two = arith.constant 2.0 : {f}\n");
    let body = format!(
        "%c0 = arith.constant 0 : index\n\
         %c1 = arith.constant 1 : index\n\
         %c2 = arith.constant 2 : index\n\
         %c3 = arith.constant 3 : index\n\
         %cb = arith.constant {nb} : index\n\
         %cc = arith.constant {nc} : index\n\
         %cn = arith.constant {nbox} : index\n\
         %true = arith.constant true\n\
         %false = arith.constant false\n\
         {zero_f}{pre}\
         %maxk = arith.maxsi %maxraw, %c0 : index\n\
         // Box indices in score order, and the kept boxes (slot n is spare).\n\
         %order = loop.alloc() : memref<{nbox}xi64>\n\
         %kept = loop.alloc() : memref<{kn}xi64>\n\
         %total = loop.for %b = %c0 to %cb step %c1 iter_args(%t0 = %c0) -> (index) {{\n\
         %tb = loop.for %c = %c0 to %cc step %c1 iter_args(%t1 = %t0) -> (index) {{\n\
         loop.for %i = %c0 to %cn step %c1 {{\n\
         %si = loop.load %in1[%b, %c, %i] : {smref}\n\
         %nani = arith.cmpf uno, %si, %si : {f}\n\
         %rank = loop.for %j = %c0 to %cn step %c1 iter_args(%rk = %c0) -> (index) {{\n\
         %sj = loop.load %in1[%b, %c, %j] : {smref}\n\
         %nanj = arith.cmpf uno, %sj, %sj : {f}\n\
         %gt = arith.cmpf ogt, %sj, %si : {f}\n\
         %eq = arith.cmpf oeq, %sj, %si : {f}\n\
         %lt = arith.cmpi ult, %j, %i : index\n\
         %tie = arith.andi %eq, %lt : i1\n\
         %better = arith.ori %gt, %tie : i1\n\
         %over_nan = arith.ori %better, %nani : i1\n\
         %numj = arith.xori %nanj, %true : i1\n\
         %b1 = arith.andi %numj, %over_nan : i1\n\
         %both = arith.andi %nani, %nanj : i1\n\
         %b2 = arith.andi %both, %lt : i1\n\
         %before = arith.ori %b1, %b2 : i1\n\
         %inc = arith.select %before, %c1, %c0 : index\n\
         %rk1 = arith.addi %rk, %inc : index\n\
         loop.yield %rk1 : index\n\
         }}\n\
         %iv = arith.index_cast %i : index to i64\n\
         loop.store %iv, %order[%rank] : memref<{nbox}xi64>\n\
         }}\n\
         %cnt = loop.for %r = %c0 to %cn step %c1 iter_args(%k = %c0) -> (index) {{\n\
         %ui64 = loop.load %order[%r] : memref<{nbox}xi64>\n\
         %ui = arith.index_cast %ui64 : i64 to index\n\
         %s = loop.load %in1[%b, %c, %ui] : {smref}\n\
         {score_ok}\
         %room = arith.cmpi ult, %k, %maxk : index\n\
         {cur}\
         %sup = loop.for %q = %c0 to %k step %c1 iter_args(%fl = %false) -> (i1) {{\n\
         %vi64 = loop.load %kept[%q] : memref<{kn}xi64>\n\
         %vi = arith.index_cast %vi64 : i64 to index\n\
         {kept}\
         %ix0 = arith.maximumf %ux0, %vx0 : {f}\n\
         %ix1 = arith.minimumf %ux1, %vx1 : {f}\n\
         %iy0 = arith.maximumf %uy0, %vy0 : {f}\n\
         %iy1 = arith.minimumf %uy1, %vy1 : {f}\n\
         %ox = arith.cmpf ogt, %ix1, %ix0 : {f}\n\
         %oy = arith.cmpf ogt, %iy1, %iy0 : {f}\n\
         %iw = arith.subf %ix1, %ix0 : {f}\n\
         %ih = arith.subf %iy1, %iy0 : {f}\n\
         %inter = arith.mulf %iw, %ih : {f}\n\
         %sum = arith.addf %uarea, %varea : {f}\n\
         %union = arith.subf %sum, %inter : {f}\n\
         %ratio = arith.divf %inter, %union : {f}\n\
         %p1 = arith.cmpf ogt, %inter, %zf : {f}\n\
         %p2 = arith.cmpf ogt, %uarea, %zf : {f}\n\
         %p3 = arith.cmpf ogt, %varea, %zf : {f}\n\
         %p4 = arith.cmpf ogt, %union, %zf : {f}\n\
         %p5 = arith.cmpf ogt, %ratio, %iou : {f}\n\
         %a1 = arith.andi %ox, %oy : i1\n\
         %a2 = arith.andi %a1, %p1 : i1\n\
         %a3 = arith.andi %a2, %p2 : i1\n\
         %a4 = arith.andi %a3, %p3 : i1\n\
         %a5 = arith.andi %a4, %p4 : i1\n\
         %a6 = arith.andi %a5, %p5 : i1\n\
         %fl1 = arith.ori %fl, %a6 : i1\n\
         loop.yield %fl1 : i1\n\
         }}\n\
         %keep0 = arith.andi %sok, %room : i1\n\
         %free = arith.xori %sup, %true : i1\n\
         %keep = arith.andi %keep0, %free : i1\n\
         %slot = arith.select %keep, %k, %cn : index\n\
         loop.store %ui64, %kept[%slot] : memref<{kn}xi64>\n\
         %kinc = arith.select %keep, %c1, %c0 : index\n\
         %k1 = arith.addi %k, %kinc : index\n\
         loop.yield %k1 : index\n\
         }}\n\
         %bi = arith.index_cast %b : index to i64\n\
         %ci = arith.index_cast %c : index to i64\n\
         loop.for %q = %c0 to %cnt step %c1 {{\n\
         %row = arith.addi %t1, %q : index\n\
         %o0 = arith.muli %row, %c3 : index\n\
         %o1 = arith.addi %o0, %c1 : index\n\
         %o2 = arith.addi %o0, %c2 : index\n\
         %box = loop.load %kept[%q] : memref<{kn}xi64>\n\
         loop.store %bi, %out[%o0] : memref<?xi64>\n\
         loop.store %ci, %out[%o1] : memref<?xi64>\n\
         loop.store %box, %out[%o2] : memref<?xi64>\n\
         }}\n\
         %t2 = arith.addi %t1, %cnt : index\n\
         loop.yield %t2 : index\n\
         }}\n\
         loop.yield %tb : index\n\
         }}\n\
         te.yield %total : index\n",
        kn = nbox + 1,
    );
    Ok(wrap(ctx, op, &[nb * nc * nbox], &body))
}
