//! The cf dialect: unstructured control flow.

use dlc_ir::DialectDef;

pub static DIALECT: DialectDef = DialectDef {
    name: "cf",
    summary: "Unstructured control flow",
    ..DialectDef::DEFAULT
};
