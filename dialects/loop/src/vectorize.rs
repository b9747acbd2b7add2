//! `--loop-vectorize`: turns an innermost `loop.for` marked
//! `{vectorize = W}` (or, with the option `width=W`, every innermost loop
//! it can) into a loop over vectors of `W` lanes, followed by the scalar
//! loop for the last `(ub - lb) % W` iterations when `W` may not divide the
//! trip count.
//!
//! Along the loop's induction variable `%i`, index values are classified as
//! uniform (not depending on `%i`) or unit-stride (`%i`, or `arith.addi` of
//! a unit-stride and a uniform value). The loop vectorizes when:
//!
//! - its step is 1, it has no `iter_args` and its body no nested regions;
//! - every `loop.load`/`loop.store` depending on `%i` uses a unit-stride
//!   value as its last index and uniform values elsewhere (it becomes
//!   `loop.vector_load`/`vector_store`); loads at uniform addresses stay
//!   scalar and are splatted (`loop.broadcast`) where vectors use them;
//!   a store at a uniform address is refused;
//! - every other op depending on `%i` is an f32/f64 arith or math op of
//!   [`VECTOR_OPS`], `arith.cmpf`, or `arith.select` (scalar or vector
//!   condition), which then works on vectors.
//!
//! Otherwise the loop is left scalar and a remark says why.

use crate::canonicalize::constant_index;
use crate::ops::{ForOp, for_body};
use crate::unroll::{clone_op_before, index_const, new_op};
use dlc_ir::pass::{Pass, PassInfo, PassOptionInfo, PassRegistry};
use dlc_ir::{Context, Diagnostic, Op, OperationState, Value, WalkResult};
use rustc_hash::FxHashMap;

/// Float arith/math ops that apply lane by lane to vectors.
pub const VECTOR_OPS: &[&str] = &[
    "arith.addf",
    "arith.subf",
    "arith.mulf",
    "arith.divf",
    "arith.remf",
    "arith.negf",
    "arith.maximumf",
    "arith.minimumf",
    "arith.maxnumf",
    "arith.minnumf",
    "math.exp",
    "math.exp2",
    "math.log",
    "math.log2",
    "math.log10",
    "math.sqrt",
    "math.rsqrt",
    "math.absf",
    "math.sin",
    "math.cos",
    "math.tanh",
    "math.floor",
    "math.ceil",
    "math.round",
    "math.roundeven",
    "math.trunc",
    "math.powf",
    "math.copysign",
    "math.fma",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Uniform,
    /// An index moving by one per iteration.
    Unit,
    Vector,
}

fn is_f32_or_f64(ctx: &Context, v: Value) -> bool {
    let t = ctx.value_type(v);
    ctx.is_float(t) && matches!(ctx.int_or_float_width(t), Some(32 | 64))
}

/// Classifies the body of `lp` (module doc); `Err` says why it cannot be
/// vectorized.
fn classify(ctx: &Context, lp: Op) -> Result<FxHashMap<Value, Kind>, String> {
    if constant_index(ctx, ctx.operand(lp, 2)) != Some(1) {
        return Err("its step is not 1".into());
    }
    if ctx.num_operands(lp) > 3 {
        return Err("it carries iter_args".into());
    }
    let body = for_body(ctx, lp).ok_or("it has no body")?;
    let mut kind: FxHashMap<Value, Kind> = FxHashMap::default();
    kind.insert(ctx.block_args(body)[0], Kind::Unit);
    let k =
        |kind: &FxHashMap<Value, Kind>, v: Value| kind.get(&v).copied().unwrap_or(Kind::Uniform);
    for o in ctx.block_ops_vec(body) {
        let name = ctx.op_name_str(o);
        if name == "loop.yield" {
            continue;
        }
        if ctx.num_regions(o) != 0 {
            return Err(format!("'{name}' has regions"));
        }
        let ks: Vec<Kind> = ctx.operands(o).map(|v| k(&kind, v)).collect();
        if ks.iter().all(|&x| x == Kind::Uniform) {
            continue;
        }
        let addr = |first: usize| -> Result<bool, String> {
            let idx = &ks[first..];
            match idx.split_last() {
                Some((&last, rest)) if rest.iter().all(|&x| x == Kind::Uniform) => match last {
                    Kind::Unit => Ok(true),
                    Kind::Uniform => Ok(false),
                    Kind::Vector => Err(format!("'{name}' has an index computed from vectors")),
                },
                _ => Err(format!("'{name}' does not move along its last dimension")),
            }
        };
        let r = match name {
            "arith.addi" if ks.len() == 2 => {
                if ks.contains(&Kind::Vector) || ks == [Kind::Unit, Kind::Unit] {
                    return Err("'arith.addi' does not give a unit-stride index".into());
                }
                Some(Kind::Unit)
            }
            "loop.load" => {
                let t = ctx.value_type(ctx.result(o, 0));
                if !(ctx.is_float(t) && matches!(ctx.int_or_float_width(t), Some(32 | 64))) {
                    return Err("a load along the loop is not of f32 or f64".into());
                }
                addr(1)?;
                Some(Kind::Vector)
            }
            "loop.store" => {
                if !addr(2)? {
                    return Err("a store is at the same address in every iteration".into());
                }
                if !is_f32_or_f64(ctx, ctx.operand(o, 0)) {
                    return Err("a store along the loop is not of f32 or f64".into());
                }
                None
            }
            "arith.cmpf" | "arith.select" => Some(Kind::Vector),
            _ if VECTOR_OPS.contains(&name) => Some(Kind::Vector),
            _ => return Err(format!("'{name}' depends on the induction variable")),
        };
        if let Some(r) = r {
            if r == Kind::Vector && ks.contains(&Kind::Unit) && !name.starts_with("loop.") {
                return Err(format!("'{name}' uses the induction variable as a value"));
            }
            for v in ctx.results(o) {
                kind.insert(v, r);
            }
        }
    }
    Ok(kind)
}

/// The main loop's upper bound `lb + floor((ub - lb) / w) * w` before
/// `lp`, and whether iterations are left for the scalar remainder.
fn main_bound(ctx: &mut Context, lp: Op, w: i64) -> (Value, bool) {
    let loc = ctx.op_loc(lp);
    let (lb, ub) = (ctx.operand(lp, 0), ctx.operand(lp, 1));
    if let (Some(l), Some(u)) = (constant_index(ctx, lb), constant_index(ctx, ub)) {
        let span = (u - l).max(0);
        return (index_const(ctx, lp, loc, l + span / w * w), span % w != 0);
    }
    if let Some(c) = crate::unroll::constant_span(ctx, lp) {
        let c = c.max(0);
        let k = index_const(ctx, lp, loc, c / w * w);
        return (
            new_op(ctx, lp, loc, "arith.addi", &[lb, k], &[]),
            c % w != 0,
        );
    }
    let zero = index_const(ctx, lp, loc, 0);
    let wv = index_const(ctx, lp, loc, w);
    let d = new_op(ctx, lp, loc, "arith.subi", &[ub, lb], &[]);
    let d = new_op(ctx, lp, loc, "arith.maxsi", &[d, zero], &[]);
    let q = new_op(ctx, lp, loc, "arith.divsi", &[d, wv], &[]);
    let m = new_op(ctx, lp, loc, "arith.muli", &[q, wv], &[]);
    (new_op(ctx, lp, loc, "arith.addi", &[lb, m], &[]), true)
}

/// Vectorizes `lp` by `w` lanes (module doc); `Err` says why not (the loop
/// is then unchanged).
pub fn vectorize_loop(ctx: &mut Context, lp: Op, w: i64) -> Result<(), String> {
    if w < 2 {
        return Err(format!("the width {w} is not at least 2"));
    }
    let mut kind = classify(ctx, lp)?;
    let body = for_body(ctx, lp).ok_or("it has no body")?;
    let (main_ub, remainder) = main_bound(ctx, lp, w);
    if remainder {
        // The scalar loop for the rest, starting where the vectors stop.
        let anchor = ctx.next_op(lp).ok_or("the loop ends its block")?;
        let mut map = FxHashMap::default();
        let rest = clone_op_before(ctx, lp, Some(anchor), &mut map);
        ctx.set_operand(rest, 0, main_ub);
        ctx.remove_attr(rest, "vectorize");
        if crate::unroll::constant_span(ctx, rest).is_some_and(|s| s < w) {
            let f = ctx.i64_attr(w - 1);
            ctx.set_attr(rest, "unroll", f);
        }
    }
    let loc = ctx.op_loc(lp);
    ctx.set_operand(lp, 1, main_ub);
    let step = index_const(ctx, lp, loc, w);
    ctx.set_operand(lp, 2, step);
    ctx.remove_attr(lp, "vectorize");
    let mut splats: FxHashMap<Value, Value> = FxHashMap::default();
    let bcast = ctx.op_name_id("loop.broadcast");
    let mut vector_of = |ctx: &mut Context, v: Value, at: Op| -> Value {
        if let Some(&s) = splats.get(&v) {
            return s;
        }
        let t = ctx.value_type(v);
        let vt = ctx.vector_type(&[w], t);
        let mut st = OperationState::new(bcast, ctx.op_loc(at));
        st.operands = vec![v];
        st.result_types = vec![vt];
        let b = ctx.create_op(st);
        ctx.insert_op_before(at, b);
        let s = ctx.result(b, 0);
        splats.insert(v, s);
        s
    };
    for o in ctx.block_ops_vec(body) {
        let k = |v: Value| kind.get(&v).copied().unwrap_or(Kind::Uniform);
        let name = ctx.op_name_str(o).to_string();
        let any_dep = ctx.operands(o).any(|v| k(v) != Kind::Uniform);
        if !any_dep || name == "loop.yield" || name == "arith.addi" {
            continue;
        }
        match name.as_str() {
            "loop.load" | "loop.store" => {
                let store = name == "loop.store";
                let mut opnds = ctx.operand_vec(o);
                let t = if store {
                    ctx.value_type(opnds[0])
                } else {
                    ctx.value_type(ctx.result(o, 0))
                };
                let vt = ctx.vector_type(&[w], t);
                if store && k(opnds[0]) == Kind::Uniform {
                    opnds[0] = vector_of(ctx, opnds[0], o);
                }
                let vname = if store {
                    "loop.vector_store"
                } else {
                    "loop.vector_load"
                };
                let mut st = OperationState::new(ctx.op_name_id(vname), ctx.op_loc(o));
                st.operands = opnds;
                if !store {
                    st.result_types = vec![vt];
                }
                let n = ctx.create_op(st);
                ctx.insert_op_before(o, n);
                if !store {
                    let r = ctx.result(n, 0);
                    ctx.replace_all_uses_with(ctx.result(o, 0), r);
                    kind.insert(r, Kind::Vector);
                }
                ctx.erase_op(o);
            }
            _ => {
                let scalar_cond = name == "arith.select" && k(ctx.operand(o, 0)) == Kind::Uniform;
                for i in 0..ctx.num_operands(o) {
                    let v = ctx.operand(o, i);
                    if k(v) == Kind::Uniform && !(scalar_cond && i == 0) {
                        let s = vector_of(ctx, v, o);
                        ctx.set_operand(o, i, s);
                    }
                }
                for r in ctx.results(o).collect::<Vec<_>>() {
                    let t = ctx.value_type(r);
                    let vt = ctx.vector_type(&[w], t);
                    ctx.set_value_type(r, vt);
                }
            }
        }
    }
    Ok(())
}

/// Vectorizes the loops under `root` marked `{vectorize = W}` (and, when
/// `width` is given, every other innermost loop) ; unvectorizable ones get
/// a remark. Returns the number vectorized.
pub fn vectorize_loops(ctx: &mut Context, root: Op, width: Option<i64>) -> usize {
    let mut loops = Vec::new();
    ctx.walk_ops(root, &mut |o| {
        if ctx.op_name_str(o) == ForOp::NAME {
            let marked = ctx.attr(o, "vectorize").and_then(|a| ctx.int_value(a));
            let innermost = ctx
                .nested_ops(o)
                .iter()
                .all(|&n| ctx.op_name_str(n) != ForOp::NAME);
            let w = match (marked, width) {
                (Some(m), _) => i64::try_from(m).ok(),
                (None, Some(w)) if innermost => Some(w),
                _ => None,
            };
            if let Some(w) = w {
                loops.push((o, w, marked.is_some()));
            }
        }
        WalkResult::Advance
    });
    let mut n = 0;
    for (lp, w, marked) in loops {
        match vectorize_loop(ctx, lp, w) {
            Ok(()) => n += 1,
            Err(why) => {
                ctx.remove_attr(lp, "vectorize");
                if marked {
                    let loc = ctx.op_loc(lp);
                    ctx.emit_remark(loc, format!("loop not vectorized by {w}: {why}"));
                }
            }
        }
    }
    n
}

/// The `--loop-vectorize` pass.
#[derive(Default)]
pub struct LoopVectorize {
    width: Option<i64>,
}

impl Pass for LoopVectorize {
    fn argument(&self) -> &'static str {
        "loop-vectorize"
    }
    fn display_name(&self) -> &'static str {
        "LoopVectorize"
    }
    fn set_option(&mut self, key: &str, value: &str) -> Result<(), String> {
        match key {
            "width" => {
                let w: i64 = value
                    .parse()
                    .map_err(|_| format!("'{value}' is not an integer"))?;
                if w < 2 || w & (w - 1) != 0 {
                    return Err(format!("width {w} must be a power of two of at least 2"));
                }
                self.width = Some(w);
                Ok(())
            }
            _ => Err(format!("no such option '{key}'")),
        }
    }
    fn options(&self) -> Vec<(String, String)> {
        self.width
            .map(|w| vec![("width".into(), w.to_string())])
            .unwrap_or_default()
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        vectorize_loops(ctx, op, self.width);
        Ok(())
    }
}

/// Registers `--loop-vectorize`.
pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "loop-vectorize",
        description: "Vectorize innermost loop.for ops marked {vectorize = W} (with width=W: every innermost loop that can be), with a scalar remainder loop",
        options: &[PassOptionInfo {
            name: "width",
            description: "Also vectorize every unmarked innermost loop by this many lanes",
            default: "",
        }],
        create: || Box::new(LoopVectorize::default()),
    });
}
