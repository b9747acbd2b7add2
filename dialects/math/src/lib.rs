//! The math dialect: math functions on integers and floats.

use dlc_ir::DialectDef;

pub static DIALECT: DialectDef = DialectDef {
    name: "math",
    summary: "Mathematical functions",
    ..DialectDef::DEFAULT
};
