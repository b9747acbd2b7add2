//! The llvm dialect: upstream MLIR's `llvm.*` ops and `!llvm.*` types, spelled
//! exactly as `mlir-opt` prints them. It is the last level of the pipeline
//! (loop -> llvm); `dlc-llvm-backend` translates it to LLVM IR.

pub mod ops;
pub mod types;

pub use ops::*;
pub use types::*;

use dlc_ir::DialectDef;

pub static DIALECT: DialectDef = DialectDef {
    name: "llvm",
    summary: "The LLVM IR dialect",
    ops: ops::OPS,
    parse_type: Some(types::parse_type),
    print_type: Some(types::print_type),
    parse_attr: Some(types::parse_attr),
    print_attr: Some(types::print_attr),
    ..DialectDef::DEFAULT
};
