//! The loop dialect: explicit loop nests over buffers. Buffers are builtin
//! `memref<...xf32>` values; `loop.for` (optionally `parallel`) carries
//! values through `iter_args`; `loop.load`/`loop.store` and their vector
//! forms access elements; `loop.view` carves typed buffers out of the one
//! workspace arena that memory planning produces. Sits between te
//! (`--lower-te-to-loops`) and llvm (`--lower-loops-to-llvm`); [`interp`]
//! runs loop-level functions to check lowerings numerically.

pub mod canonicalize;
pub mod interp;
pub mod ops;

pub use canonicalize::{
    hoist_loop_invariants, populate_loop_canonicalization_patterns, register_passes,
};
pub use ops::*;

use dlc_ir::DialectDef;

pub static DIALECT: DialectDef = DialectDef {
    name: "loop",
    summary: "Explicit loop nests over buffers",
    ops: ops::OPS,
    ..DialectDef::DEFAULT
};
