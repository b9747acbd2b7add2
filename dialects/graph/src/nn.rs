//! The nn ops of the graph dialect.

/// Every op of this module.
pub const OPS: &[&dlc_ir::OpDef] = &[];
