//! Dense elements attributes: building them from literals and printing them.
//! (Being written.)

use crate::attrs::DenseData;
use crate::context::Context;
use crate::sublang::DenseLiteral;
use crate::types::Type;

pub fn build_dense(
    _ctx: &mut Context,
    _lit: Option<&DenseLiteral>,
    _ty: Type,
) -> Result<DenseData, String> {
    Err("dense elements are not supported yet".into())
}

/// Prints `dense<...>` (without the trailing `: type`).
pub fn print_dense(
    _ctx: &Context,
    _ty: Type,
    _data: &DenseData,
    out: &mut String,
    _elide: Option<usize>,
) {
    out.push_str("dense<>");
}
