//! Dialect-independent transformations, each a registered pass:
//! canonicalize, cse, dce, symbol-dce and inline.

use dlc_ir::pass::PassRegistry;

pub mod canonicalize;
pub mod cse;
pub mod dce;
pub mod inline;
pub mod symbol_dce;
pub mod test_diagnostics;

/// Registers every pass of this crate.
pub fn register_passes(reg: &mut PassRegistry) {
    canonicalize::register(reg);
    cse::register(reg);
    dce::register(reg);
    inline::register(reg);
    symbol_dce::register(reg);
    test_diagnostics::register(reg);
}
