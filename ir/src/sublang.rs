//! Sub-languages parsed with pest: dense element literals, affine maps and
//! integer sets, and the file's `{-# dialect_resources #-}` section.
//! (Being written; see sublang.pest.)

use crate::attrs::{AffineMap, IntegerSet};
use crate::context::ResourceBlob;

/// A parsed `dense<...>` body, before it meets its type.
#[derive(Clone, Debug)]
pub enum DenseLiteral {}

pub type SubResult<T> = Result<T, (usize, String)>;

pub fn parse_dense_literal(_body: &str) -> SubResult<DenseLiteral> {
    Err((0, "dense literals are not supported yet".into()))
}
pub fn parse_affine_map(_body: &str) -> SubResult<AffineMap> {
    Err((0, "affine maps are not supported yet".into()))
}
pub fn parse_integer_set(_body: &str) -> SubResult<IntegerSet> {
    Err((0, "integer sets are not supported yet".into()))
}
#[allow(clippy::type_complexity)]
pub fn parse_resources(_body: &str) -> SubResult<Vec<(String, Vec<(String, ResourceBlob)>)>> {
    Err((0, "resource sections are not supported yet".into()))
}
