//! Dialect-independent transformations, each a registered pass.

use dlc_ir::pass::PassRegistry;

/// Registers every pass of this crate.
pub fn register_passes(_reg: &mut PassRegistry) {}
