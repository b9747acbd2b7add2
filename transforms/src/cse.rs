//! (being written)

use dlc_ir::pass::PassRegistry;

pub fn register(_reg: &mut PassRegistry) {}
