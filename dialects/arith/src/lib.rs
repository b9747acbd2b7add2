//! The arith dialect: integer and float arithmetic.

use dlc_ir::DialectDef;

pub static DIALECT: DialectDef = DialectDef {
    name: "arith",
    summary: "Integer and floating-point arithmetic",
    ..DialectDef::DEFAULT
};
