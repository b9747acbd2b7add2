//! The arith dialect: integer and float arithmetic, comparisons, selects
//! and casts, spelled exactly as upstream MLIR 22 spells them. Every level
//! of the pipeline uses it for scalar and elementwise math; its folders and
//! canonicalization patterns feed the `canonicalize` pass.

pub mod attrs;
pub mod canonicalize;
pub mod fold;
pub mod ops;

pub use attrs::{fastmath_attr, overflow_attr};
pub use ops::*;

use dlc_ir::{Attr, Context, DialectDef, Op, Type};

fn materialize_constant(ctx: &mut Context, value: Attr, ty: Type, loc: Attr) -> Option<Op> {
    fold::build_constant(ctx, value, ty, loc)
}

pub static DIALECT: DialectDef = DialectDef {
    name: "arith",
    summary: "Integer and floating-point arithmetic",
    ops: &[
        &ConstantOp::DEF,
        &SelectOp::DEF,
        &AddIOp::DEF,
        &SubIOp::DEF,
        &MulIOp::DEF,
        &DivSIOp::DEF,
        &DivUIOp::DEF,
        &CeilDivSIOp::DEF,
        &CeilDivUIOp::DEF,
        &FloorDivSIOp::DEF,
        &RemSIOp::DEF,
        &RemUIOp::DEF,
        &AndIOp::DEF,
        &OrIOp::DEF,
        &XOrIOp::DEF,
        &ShLIOp::DEF,
        &ShRSIOp::DEF,
        &ShRUIOp::DEF,
        &MaxSIOp::DEF,
        &MaxUIOp::DEF,
        &MinSIOp::DEF,
        &MinUIOp::DEF,
        &AddUIExtendedOp::DEF,
        &MulSIExtendedOp::DEF,
        &MulUIExtendedOp::DEF,
        &AddFOp::DEF,
        &SubFOp::DEF,
        &MulFOp::DEF,
        &DivFOp::DEF,
        &RemFOp::DEF,
        &NegFOp::DEF,
        &MaximumFOp::DEF,
        &MinimumFOp::DEF,
        &MaxNumFOp::DEF,
        &MinNumFOp::DEF,
        &CmpIOp::DEF,
        &CmpFOp::DEF,
        &ExtSIOp::DEF,
        &ExtUIOp::DEF,
        &TruncIOp::DEF,
        &ExtFOp::DEF,
        &TruncFOp::DEF,
        &SIToFPOp::DEF,
        &UIToFPOp::DEF,
        &FPToSIOp::DEF,
        &FPToUIOp::DEF,
        &IndexCastOp::DEF,
        &IndexCastUIOp::DEF,
        &BitcastOp::DEF,
    ],
    parse_attr: Some(attrs::parse_attr),
    print_attr: Some(attrs::print_attr),
    materialize_constant: Some(materialize_constant),
    ..DialectDef::DEFAULT
};
