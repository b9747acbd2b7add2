//! Lowerings between the levels, one module and one registered pass each.

pub mod graph_interp;
pub mod graph_to_te;
pub mod loop_to_llvm;
pub mod onnx_to_graph;
pub mod te_to_loop;

use dlc_ir::pass::PassRegistry;

/// Registers every lowering pass.
pub fn register_passes(reg: &mut PassRegistry) {
    graph_to_te::register(reg);
    loop_to_llvm::register(reg);
    onnx_to_graph::register(reg);
    te_to_loop::register(reg);
}
