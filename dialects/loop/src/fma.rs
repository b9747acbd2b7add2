//! `--loop-fma`: contracts `arith.addf(acc, arith.mulf(a, b))` into
//! `math.fma(a, b, acc)` (scalars and vectors of f32/f64) when `acc` is a
//! loop-carried accumulator (an `iter_args` value: a reduction's running
//! sum, a promoted micro-kernel tile) and the product has no other use.
//! On targets with fused multiply-add (x86-64 FMA3, AArch64, ARMv7 VFPv4,
//! RISC-V F/D) the pair becomes one instruction, which is what lets a
//! micro-kernel reach the FMA peak. Other sums of products (polynomials in
//! activations) keep their two roundings, as the reference runtimes do.

use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::{Context, Diagnostic, Op, OperationState, Value, WalkResult};

fn is_float_or_float_vector(ctx: &Context, v: Value) -> bool {
    let t = ctx.value_type(v);
    let e = ctx.element_type(t);
    ctx.is_float(e) && matches!(ctx.int_or_float_width(e), Some(32 | 64))
}

/// The product feeding `add` as operand `i`, if it may be fused.
fn fusable_product(ctx: &Context, add: Op, i: usize) -> Option<Op> {
    let v = ctx.operand(add, i);
    let m = ctx.defining_op(v)?;
    (ctx.op_name_str(m) == "arith.mulf"
        && ctx.has_one_use(v)
        && ctx.op_block(m) == ctx.op_block(add))
    .then_some(m)
}

/// Whether `v` is a loop-carried accumulator: an `iter_args` value of a
/// `loop.for` (the running sum of a reduction or a promoted tile).
fn is_accumulator(ctx: &Context, v: Value) -> bool {
    ctx.defining_op(v).is_none()
        && ctx
            .value_block(v)
            .and_then(|b| ctx.block_parent_op(b))
            .is_some_and(|p| ctx.op_name_str(p) == "loop.for")
        && ctx
            .value_block(v)
            .is_some_and(|b| ctx.block_args(b).first() != Some(&v))
}

/// Contracts every eligible multiply-add under `root`; returns how many.
pub fn contract_fma(ctx: &mut Context, root: Op) -> usize {
    let mut adds = Vec::new();
    ctx.walk_ops(root, &mut |o| {
        if ctx.op_name_str(o) == "arith.addf" && ctx.num_operands(o) == 2 {
            adds.push(o);
        }
        WalkResult::Advance
    });
    let fma = ctx.op_name_id("math.fma");
    let mut n = 0;
    for add in adds {
        if !is_float_or_float_vector(ctx, ctx.result(add, 0)) {
            continue;
        }
        let (m, other) = match (fusable_product(ctx, add, 1), fusable_product(ctx, add, 0)) {
            (Some(m), _) => (m, ctx.operand(add, 0)),
            (None, Some(m)) => (m, ctx.operand(add, 1)),
            _ => continue,
        };
        if !is_accumulator(ctx, other) {
            continue;
        }
        let mut st = OperationState::new(fma, ctx.op_loc(add));
        st.operands = vec![ctx.operand(m, 0), ctx.operand(m, 1), other];
        st.result_types = ctx.result_types(add);
        let f = ctx.create_op(st);
        ctx.insert_op_before(add, f);
        ctx.replace_all_uses_with(ctx.result(add, 0), ctx.result(f, 0));
        ctx.erase_op(add);
        ctx.erase_op(m);
        n += 1;
    }
    n
}

/// The `--loop-fma` pass.
#[derive(Default)]
pub struct LoopFma;

impl Pass for LoopFma {
    fn argument(&self) -> &'static str {
        "loop-fma"
    }
    fn display_name(&self) -> &'static str {
        "LoopFmaContraction"
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        contract_fma(ctx, op);
        Ok(())
    }
}

/// Registers `--loop-fma`.
pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "loop-fma",
        description: "Contract arith.addf of a single-use arith.mulf into math.fma (scalars and vectors of f32/f64)",
        options: &[],
        create: || Box::new(LoopFma),
    });
}
