//! The dialects and passes the dlc tools know, in one place so that
//! `dl-opt`, `dlc` and `dl-run` register exactly the same set.

use dlc_ir::Context;
use dlc_ir::pass::PassRegistry;

/// Registers every dialect the tools know.
pub fn register_dialects(ctx: &mut Context) {
    ctx.register_dialect(&dlc_func::DIALECT);
    ctx.register_dialect(&dlc_cf::DIALECT);
    ctx.register_dialect(&dlc_arith::DIALECT);
    ctx.register_dialect(&dlc_math::DIALECT);
    ctx.register_dialect(&dlc_llvm::DIALECT);
    ctx.register_dialect(&dlc_graph::DIALECT);
    ctx.register_dialect(&dlc_onnx::DIALECT);
    ctx.register_dialect(&dlc_te::DIALECT);
    ctx.register_dialect(&dlc_loop::DIALECT);
}

/// Registers every pass the tools know.
pub fn register_passes(reg: &mut PassRegistry) {
    dlc_transforms::register_passes(reg);
    dlc_graph::register_passes(reg);
    dlc_te::register_passes(reg);
    dlc_lowering::register_passes(reg);
    dlc_loop::register_passes(reg);
}
