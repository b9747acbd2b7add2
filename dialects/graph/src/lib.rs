//! The graph dialect: a small orthogonal set of tensor ops, graph rewrites and operator fusion.
//! (Being written: see docs/LOWERING.md.)
