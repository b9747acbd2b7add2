//! `--loop-outline`: moves each top-level loop nest of a function into a
//! private function of its own, called where the nest was:
//!
//! ```mlir
//! func.func @main_graph(%a: memref<..>, ...) {       func.func @main_graph(...) {
//!   %v = loop.view %ws[%c0] ...                          %v = loop.view %ws[%c0] ...
//!   loop.for %i = %c0 to %c64 step %c1 { ...%v... }  =>   func.call @main_graph_nest0(%v)
//! }                                                    }
//!                                                      func.func private @main_graph_nest0(%arg0: memref<..>)
//!                                                          attributes {loop.noinline} {
//!                                                        %c0 = arith.constant 0 : index ...
//!                                                        loop.for ... { ...%arg0... }
//!                                                      }
//! ```
//!
//! Constants the nest uses are cloned into it; every other value from
//! outside (buffers, extents) becomes an argument. A model is one long
//! function of hundreds of nests, and LLVM's analyses (scalar evolution,
//! dominators) grow faster than linearly with a function's size: outlined
//! nests compile several times faster, and each is the unit a thread pool
//! can run. Outlined functions are marked `loop.noinline` (LLVM's
//! `noinline`) so LLVM keeps them apart. A buffer with run-time extents is
//! passed with them: `loop.dim` in the caller, one index argument per `?`
//! right after the buffer, and the function marked `loop.extents_follow`.

use crate::canonicalize::defined_inside;
use crate::ops::ForOp;
use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::{Context, Diagnostic, Op, OperationState, TypeKind, Value};
use rustc_hash::{FxHashMap, FxHashSet};

fn is_constant(ctx: &Context, v: Value) -> Option<Op> {
    let d = ctx.defining_op(v)?;
    (ctx.op_name_str(d) == "arith.constant").then_some(d)
}

/// The values `lp` uses from outside, in first-use order.
fn captures(ctx: &Context, lp: Op) -> Option<Vec<Value>> {
    let mut seen = FxHashSet::default();
    let mut out = Vec::new();
    for o in std::iter::once(lp).chain(ctx.nested_ops(lp)) {
        for v in ctx.operands(o) {
            if defined_inside(ctx, v, lp) || !seen.insert(v) {
                continue;
            }
            out.push(v);
        }
    }
    Some(out)
}

/// The dimensions of `v` that are known only at run time (a memref's `?`).
fn dynamic_dims(ctx: &Context, v: Value) -> Vec<usize> {
    match ctx.type_kind(ctx.value_type(v)) {
        TypeKind::MemRef { shape, .. } => shape
            .iter()
            .enumerate()
            .filter(|&(_, &d)| d == dlc_ir::types::DYNAMIC)
            .map(|(i, _)| i)
            .collect(),
        _ => Vec::new(),
    }
}

/// Moves `lp` into a new private function `sym` inserted after `anchor`
/// and returns the values to pass it (its captures, constants cloned
/// instead). With `range`, the function's first two arguments are the
/// `lo`, `hi` of the piece it runs, which replace the loop's bounds; the
/// caller then runs it through `loop.parallel_call`. Without, it takes
/// the loop as it is. `None` (nothing changed) when a capture cannot be
/// passed.
fn extract(
    ctx: &mut Context,
    lp: Op,
    sym: &str,
    anchor: Op,
    range: bool,
) -> Option<(Op, Vec<Value>)> {
    let caps = captures(ctx, lp)?;
    let loc = ctx.op_loc(lp);
    let (consts, args): (Vec<Value>, Vec<Value>) = caps
        .into_iter()
        .partition(|&v| is_constant(ctx, v).is_some());
    let index = ctx.index_type();
    let mut arg_types: Vec<_> = if range {
        vec![index, index]
    } else {
        Vec::new()
    };
    // A memref with run-time dimensions travels with its extents
    // (`loop.dim` in the caller, index arguments right after it).
    let mut call_args = Vec::with_capacity(args.len());
    let mut param_of = Vec::with_capacity(args.len());
    let mut any_dynamic = false;
    for &v in &args {
        param_of.push(arg_types.len());
        arg_types.push(ctx.value_type(v));
        call_args.push(v);
        for d in dynamic_dims(ctx, v) {
            any_dynamic = true;
            let mut st = OperationState::new(ctx.op_name_id("loop.dim"), loc);
            st.operands = vec![v];
            st.result_types = vec![index];
            let (k, a) = (ctx.ident("dim"), ctx.i64_attr(d as i64));
            st.props.push((k, a));
            let dim = ctx.create_op(st);
            ctx.insert_op_before(lp, dim);
            call_args.push(ctx.result(dim, 0));
            arg_types.push(index);
        }
    }
    let body = ctx.create_block(&arg_types, loc);
    let params = ctx.block_args(body).to_vec();
    let mut map: FxHashMap<Value, Value> = args
        .iter()
        .copied()
        .zip(param_of.iter().map(|&i| params[i]))
        .collect();
    for &c in &consts {
        let d = is_constant(ctx, c).expect("a constant");
        let mut st = OperationState::new(ctx.op_name(d), ctx.op_loc(d));
        st.result_types = ctx.result_types(d);
        st.raw_props = ctx.op_props(d);
        st.attrs = ctx.dict_entries(ctx.op_attr_dict(d)).to_vec();
        let k = ctx.create_op(st);
        ctx.append_op(body, k);
        map.insert(c, ctx.result(k, 0));
    }
    ctx.remove_op(lp);
    ctx.append_op(body, lp);
    for (&from, &to) in &map {
        ctx.replace_uses_with_if(from, to, |c, u| {
            let owner = c.use_owner(u);
            owner == lp || c.is_ancestor(lp, owner)
        });
    }
    if range {
        ctx.set_operand(lp, 0, params[0]);
        ctx.set_operand(lp, 1, params[1]);
        ctx.remove_attr(lp, "parallel");
    }
    let rname = ctx.op_name_id("func.return");
    let ret = ctx.create_op(OperationState::new(rname, loc));
    ctx.append_op(body, ret);
    let r = ctx.create_region();
    ctx.append_block(r, body);
    let ft = ctx.function_type(&arg_types, &[]);
    let mut st = OperationState::new(ctx.op_name_id("func.func"), loc);
    let (s, t, vis) = (
        ctx.string_attr(sym),
        ctx.type_attr(ft),
        ctx.string_attr("private"),
    );
    for (k, v) in [
        ("sym_name", s),
        ("function_type", t),
        ("sym_visibility", vis),
    ] {
        let k = ctx.ident(k);
        st.props.push((k, v));
    }
    let (k, u) = (ctx.ident("loop.noinline"), ctx.unit_attr());
    st.attrs.push((k, u));
    if any_dynamic {
        let (k, u) = (ctx.ident("loop.extents_follow"), ctx.unit_attr());
        st.attrs.push((k, u));
    }
    st.regions.push(r);
    let f = ctx.create_op(st);
    ctx.insert_op_after(anchor, f);
    Some((f, call_args))
}

/// Outlines the top-level nests of `func` (module doc); returns how many.
pub fn outline_function(ctx: &mut Context, func: Op) -> usize {
    let Some(&region) = ctx.regions(func).first() else {
        return 0;
    };
    let Some(entry) = ctx.region_first_block(region) else {
        return 0;
    };
    let name = dlc_ir::symbol::symbol_name(ctx, func)
        .unwrap_or("f")
        .to_string();
    let loops: Vec<Op> = ctx
        .block_ops_vec(entry)
        .into_iter()
        .filter(|&o| ctx.op_name_str(o) == ForOp::NAME && ctx.num_results(o) == 0)
        .collect();
    let mut n = 0;
    let mut anchor = func;
    for lp in loops {
        let loc = ctx.op_loc(lp);
        let sym = format!("{name}_nest{n}");
        let Some(next) = ctx.next_op(lp) else {
            continue;
        };
        let Some((f, args)) = extract(ctx, lp, &sym, anchor, false) else {
            continue;
        };
        // The call takes the nest's place.
        let mut call = OperationState::new(ctx.op_name_id("func.call"), loc);
        call.operands = args;
        let callee = ctx.symbol_ref_attr(&sym);
        let k = ctx.ident("callee");
        call.props.push((k, callee));
        let call = ctx.create_op(call);
        ctx.insert_op_before(next, call);
        anchor = f;
        n += 1;
    }
    n
}

/// Runs the outermost `loop.for parallel` loops under `func` (those with
/// no parallel loop around them, and no results) on the thread pool: each
/// moves into a private function `<func>_par<k>(%lo, %hi, captures...)`
/// running the loop over `[lo, hi)`, called through `loop.parallel_call`
/// over the loop's range. Returns how many.
pub fn parallelize_function(ctx: &mut Context, func: Op) -> usize {
    let name = dlc_ir::symbol::symbol_name(ctx, func)
        .unwrap_or("f")
        .to_string();
    let mut loops = Vec::new();
    ctx.walk_ops(func, &mut |o| {
        if ctx.op_name_str(o) == ForOp::NAME && ctx.attr(o, "parallel").is_some() {
            loops.push(o);
            return dlc_ir::WalkResult::Skip;
        }
        dlc_ir::WalkResult::Advance
    });
    let mut n = 0;
    let mut anchor = func;
    for lp in loops {
        if ctx.num_results(lp) != 0 {
            continue;
        }
        let loc = ctx.op_loc(lp);
        let bounds = [ctx.operand(lp, 0), ctx.operand(lp, 1), ctx.operand(lp, 2)];
        let sym = format!("{name}_par{n}");
        let Some(next) = ctx.next_op(lp) else {
            continue;
        };
        let Some((f, args)) = extract(ctx, lp, &sym, anchor, true) else {
            continue;
        };
        let mut call = OperationState::new(ctx.op_name_id("loop.parallel_call"), loc);
        call.operands = bounds.to_vec();
        call.operands.extend(args);
        let callee = ctx.symbol_ref_attr(&sym);
        let k = ctx.ident("callee");
        call.props.push((k, callee));
        let call = ctx.create_op(call);
        ctx.insert_op_before(next, call);
        anchor = f;
        n += 1;
    }
    n
}

/// The functions directly in `root` that hold loop nests of their own
/// (not shape functions).
fn loop_functions(ctx: &Context, root: Op, skip_outlined: bool) -> Vec<Op> {
    ctx.regions(root)
        .iter()
        .flat_map(|&r| ctx.region_blocks(r).collect::<Vec<_>>())
        .flat_map(|b| ctx.block_ops_vec(b))
        .filter(|&o| {
            ctx.op_name_str(o) == "func.func"
                && ctx.attr(o, "loop.shape_function_of").is_none()
                && !(skip_outlined && ctx.attr(o, "loop.noinline").is_some())
        })
        .collect()
}

/// The `--loop-parallelize` pass.
#[derive(Default)]
pub struct LoopParallelize;

impl Pass for LoopParallelize {
    fn argument(&self) -> &'static str {
        "loop-parallelize"
    }
    fn display_name(&self) -> &'static str {
        "LoopParallelize"
    }
    fn run(&mut self, ctx: &mut Context, root: Op) -> Result<(), Diagnostic> {
        for f in loop_functions(ctx, root, false) {
            parallelize_function(ctx, f);
        }
        Ok(())
    }
}

/// The `--loop-outline` pass: outlines the nests of every `func.func`
/// directly in the module that holds loop nests.
#[derive(Default)]
pub struct LoopOutline;

impl Pass for LoopOutline {
    fn argument(&self) -> &'static str {
        "loop-outline"
    }
    fn display_name(&self) -> &'static str {
        "LoopOutline"
    }
    fn run(&mut self, ctx: &mut Context, root: Op) -> Result<(), Diagnostic> {
        for f in loop_functions(ctx, root, true) {
            outline_function(ctx, f);
        }
        Ok(())
    }
}

/// Registers `--loop-outline` and `--loop-parallelize`.
pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "loop-parallelize",
        description: "Run the outermost loop.for parallel loops on the generated library's thread pool (outlined, called through loop.parallel_call)",
        options: &[],
        create: || Box::new(LoopParallelize),
    });
    reg.register(PassInfo {
        argument: "loop-outline",
        description: "Move each top-level loop nest of a function into a private noinline function called in its place",
        options: &[],
        create: || Box::new(LoopOutline),
    });
}
