//! onnx-to-graph for the nn operators.

use super::LowerFn;

/// The lowering of onnx op `name`, if it is one of this module's.
pub(crate) fn lowering(_name: &str) -> Option<LowerFn> {
    None
}
