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
//! `noinline`) so LLVM keeps them apart. Nests that use a buffer with
//! run-time extents stay where they are (the extents live in the caller).

use crate::ops::ForOp;
use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::{Context, Diagnostic, Op, OperationState, TypeKind, Value};
use rustc_hash::{FxHashMap, FxHashSet};

/// Whether `v` is defined inside (a region of) `op`.
fn defined_inside(ctx: &Context, v: Value, op: Op) -> bool {
    let Some(b) = ctx.value_block(v) else {
        return false;
    };
    match ctx.block_parent_op(b) {
        Some(p) => p == op || ctx.is_ancestor(op, p),
        None => false,
    }
}

fn is_constant(ctx: &Context, v: Value) -> Option<Op> {
    let d = ctx.defining_op(v)?;
    (ctx.op_name_str(d) == "arith.constant").then_some(d)
}

/// The values `lp` uses from outside, in first-use order; `None` when one
/// of them cannot be passed (a memref with run-time extents).
fn captures(ctx: &Context, lp: Op) -> Option<Vec<Value>> {
    let mut seen = FxHashSet::default();
    let mut out = Vec::new();
    for o in std::iter::once(lp).chain(ctx.nested_ops(lp)) {
        for v in ctx.operands(o) {
            if defined_inside(ctx, v, lp) || !seen.insert(v) {
                continue;
            }
            if let TypeKind::MemRef { shape, .. } = ctx.type_kind(ctx.value_type(v))
                && shape.contains(&dlc_ir::types::DYNAMIC)
            {
                return None;
            }
            out.push(v);
        }
    }
    Some(out)
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
        let Some(caps) = captures(ctx, lp) else {
            continue;
        };
        let loc = ctx.op_loc(lp);
        let (consts, args): (Vec<Value>, Vec<Value>) = caps
            .into_iter()
            .partition(|&v| is_constant(ctx, v).is_some());
        let arg_types: Vec<_> = args.iter().map(|&v| ctx.value_type(v)).collect();
        let body = ctx.create_block(&arg_types, loc);
        let params = ctx.block_args(body).to_vec();
        let mut map: FxHashMap<Value, Value> = args.iter().copied().zip(params).collect();
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
        // The call takes the nest's place; the nest moves into the body.
        let sym = format!("{name}_nest{n}");
        let mut call = OperationState::new(ctx.op_name_id("func.call"), loc);
        call.operands = args.clone();
        let callee = ctx.symbol_ref_attr(&sym);
        let k = ctx.ident("callee");
        call.props.push((k, callee));
        let call = ctx.create_op(call);
        ctx.insert_op_before(lp, call);
        ctx.remove_op(lp);
        ctx.append_op(body, lp);
        for (&from, &to) in &map {
            ctx.replace_uses_with_if(from, to, |c, u| {
                let owner = c.use_owner(u);
                owner == lp || c.is_ancestor(lp, owner)
            });
        }
        let rname = ctx.op_name_id("func.return");
        let ret = ctx.create_op(OperationState::new(rname, loc));
        ctx.append_op(body, ret);
        let r = ctx.create_region();
        ctx.append_block(r, body);
        let ft = ctx.function_type(&arg_types, &[]);
        let mut st = OperationState::new(ctx.op_name_id("func.func"), loc);
        let (s, t, vis) = (
            ctx.string_attr(&sym),
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
        st.regions.push(r);
        let f = ctx.create_op(st);
        ctx.insert_op_after(anchor, f);
        anchor = f;
        n += 1;
    }
    n
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
        let funcs: Vec<Op> = ctx
            .regions(root)
            .iter()
            .flat_map(|&r| ctx.region_blocks(r).collect::<Vec<_>>())
            .flat_map(|b| ctx.block_ops_vec(b))
            .filter(|&o| {
                ctx.op_name_str(o) == "func.func"
                    && ctx.attr(o, "loop.shape_function_of").is_none()
                    && ctx.attr(o, "loop.noinline").is_none()
            })
            .collect();
        for f in funcs {
            outline_function(ctx, f);
        }
        Ok(())
    }
}

/// Registers `--loop-outline`.
pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "loop-outline",
        description: "Move each top-level loop nest of a function into a private noinline function called in its place",
        options: &[],
        create: || Box::new(LoopOutline),
    });
}
