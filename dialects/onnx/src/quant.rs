//! The quantisation operators of the onnx dialect.

use crate::ops::{AttrLookup, Inferred};
use crate::shape::ShapeError;
use dlc_ir::{Attr, Context, Type};

/// Every op of this module.
pub const OPS: &[&dlc_ir::OpDef] = &[];

/// Result shapes and element types of the ops of this module; `None` for
/// other ops.
pub fn infer(
    _ctx: &Context,
    _op: &str,
    _shapes: &[&[i64]],
    _elems: &[Type],
    _consts: &[Option<Attr>],
    _get: AttrLookup<'_>,
) -> Option<Result<Vec<Inferred>, ShapeError>> {
    None
}
