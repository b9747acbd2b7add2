//! The loop dialect: explicit loop nests over buffers (memref), loads/stores and vector ops.
//! (Being written: see docs/LOWERING.md.)
