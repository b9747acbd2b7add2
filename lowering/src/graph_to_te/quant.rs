//! graph-to-te for the quant ops.

use dlc_ir::rewrite::PatternRewriter;
use dlc_ir::{Op, Value};

/// Builds the te replacement of graph op `short` if it is one of this
/// module's.
pub(crate) fn lower(
    _rw: &mut PatternRewriter<'_>,
    _op: Op,
    _short: &str,
) -> Result<Option<Value>, String> {
    Ok(None)
}
