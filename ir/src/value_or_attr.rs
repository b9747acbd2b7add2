//! Results of folding.

use crate::attrs::Attr;
use crate::ir::Value;

/// One folded result: a constant attribute or an existing value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OpFoldResult {
    Attr(Attr),
    Value(Value),
}

/// What a fold hook did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FoldResult {
    /// Nothing to fold.
    None,
    /// The op was updated in place.
    InPlace,
    /// The op's results are replaced by these.
    Results(Vec<OpFoldResult>),
}

impl FoldResult {
    pub fn value(v: Value) -> Self {
        FoldResult::Results(vec![OpFoldResult::Value(v)])
    }
    pub fn attr(a: Attr) -> Self {
        FoldResult::Results(vec![OpFoldResult::Attr(a)])
    }
}
