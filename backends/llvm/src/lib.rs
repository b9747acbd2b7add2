//! Translation of the llvm dialect to LLVM IR with inkwell; optimisation, JIT, object/assembly/shared-library emission.
//! (Being written: see docs/LOWERING.md.)
