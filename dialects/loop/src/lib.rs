//! The loop dialect: explicit loop nests over buffers. Buffers are builtin
//! `memref<...xf32>` values; `loop.for` (optionally `parallel`, optionally
//! marked `unroll = N` for [`unroll`]) carries values through `iter_args`;
//! `loop.load`/`loop.store` and their vector forms access elements,
//! `loop.broadcast` splats a scalar into a vector; `loop.view` carves typed buffers out of the one
//! workspace arena that memory planning produces. Sits between te
//! (`--lower-te-to-loops`) and llvm (`--lower-loops-to-llvm`); [`interp`]
//! runs loop-level functions to check lowerings numerically.

pub mod canonicalize;
pub mod fma;
pub mod interp;
pub mod ops;
pub mod outline;
pub mod pack;
pub mod peel;
pub mod promote;
pub mod unroll;
pub mod vectorize;

pub use canonicalize::{hoist_loop_invariants, populate_loop_canonicalization_patterns};
pub use ops::*;
pub use unroll::{unroll_loop, unroll_marked_loops};

use dlc_ir::DialectDef;
use dlc_ir::pass::PassRegistry;

/// Registers the loop dialect's passes (`--loop-hoist`, `--loop-unroll`,
/// `--loop-peel`, `--loop-vectorize`, `--loop-promote`, `--loop-fma`,
/// `--loop-outline`, `--loop-parallelize`, `--loop-pack`).
pub fn register_passes(reg: &mut PassRegistry) {
    canonicalize::register_passes(reg);
    unroll::register(reg);
    peel::register(reg);
    promote::register(reg);
    fma::register(reg);
    vectorize::register(reg);
    outline::register(reg);
    pack::register(reg);
}

pub static DIALECT: DialectDef = DialectDef {
    name: "loop",
    summary: "Explicit loop nests over buffers",
    ops: ops::OPS,
    ..DialectDef::DEFAULT
};
