//! The func dialect: `func.func`, `func.return`, `func.call`.

use dlc_ir::DialectDef;

pub static DIALECT: DialectDef = DialectDef {
    name: "func",
    summary: "Functions, calls and returns",
    ..DialectDef::DEFAULT
};
