//! The llvm dialect, spelled as upstream MLIR's llvm.* ops and types.
//! (Being written: see docs/LOWERING.md.)
