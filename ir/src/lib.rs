//! dlc-ir: the core of the dlc compiler framework.
//!
//! Everything (operations, blocks, regions, values, types, attributes) lives
//! in a [`Context`] and is named by small copyable ids. Text in and out follows
//! MLIR's syntax exactly; see `docs/ARCHITECTURE.md` for the big picture.

pub mod attrs;
pub mod builder;
pub mod builtin;
pub mod constraints;
pub mod context;
pub mod dense;
pub mod diag;
pub mod entity;
pub mod float;
pub mod format;
pub mod intern;
pub mod ir;
pub mod lexer;
pub mod opdef;
pub mod parser;
pub mod pass;
pub mod printer;
pub mod rewrite;
pub mod sublang;
pub mod symbol;
pub mod types;
pub mod value_or_attr;
pub mod verify;

pub use attrs::{Attr, AttrKind, Loc};
pub use builder::Builder;
pub use context::Context;
pub use diag::{Diagnostic, Severity};
pub use intern::Ident;
pub use ir::{Block, Op, OperationState, Region, Use, Value, ValueDef, WalkOrder, WalkResult};
pub use opdef::{
    ArgDef, Arity, AttrConstraint, AttrDef, AttrFormat, DialectDef, Interfaces, OpDef, OpName,
    RegionDef, SuccessorDef, Traits, TypeConstraint,
};
pub use parser::{OpAsmParser, PResult, parse_source};
pub use printer::{OpAsmPrinter, PrintOptions, print_op_to_string};
pub use rewrite::{PatternRewriter, PatternSet, RewritePattern};
pub use types::{Type, TypeKind};
pub use value_or_attr::{FoldResult, OpFoldResult};
