//! `dce`: erases trivially dead ops (no uses, no side effects) everywhere
//! under the op it runs on, repeating until nothing more dies. Unlike
//! `canonicalize` it applies no patterns and keeps block structure.

use dlc_ir::pass::{Pass, PassInfo, PassRegistry};
use dlc_ir::rewrite::is_trivially_dead;
use dlc_ir::{Context, Diagnostic, Op, WalkResult};

/// Erases trivially dead ops nested in `root` to a fixed point; returns how
/// many were erased.
pub fn erase_dead_ops(ctx: &mut Context, root: Op) -> usize {
    let mut erased = 0;
    loop {
        // Post-order, last op of each block first, so users die before defs.
        let mut ops = Vec::new();
        ctx.walk_ops(root, &mut |o| {
            if o != root {
                ops.push(o);
            }
            WalkResult::Advance
        });
        let mut changed = false;
        for op in ops.into_iter().rev() {
            if !ctx.is_erased(op) && ctx.op_block(op).is_some() && is_trivially_dead(ctx, op) {
                ctx.erase_op(op);
                erased += 1;
                changed = true;
            }
        }
        if !changed {
            return erased;
        }
    }
}

/// The `dce` pass.
#[derive(Default)]
pub struct Dce;

impl Pass for Dce {
    fn argument(&self) -> &'static str {
        "dce"
    }
    fn display_name(&self) -> &'static str {
        "DCE"
    }
    fn run(&mut self, ctx: &mut Context, op: Op) -> Result<(), Diagnostic> {
        erase_dead_ops(ctx, op);
        Ok(())
    }
}

pub fn register(reg: &mut PassRegistry) {
    reg.register(PassInfo {
        argument: "dce",
        description: "Erase trivially dead operations (no uses, no side effects)",
        options: &[],
        create: || Box::new(Dce),
    });
}
