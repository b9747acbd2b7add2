//! A registered op without a custom assembly form prints in the generic form,
//! with its inherent attributes once, as properties.

use dlc_ir::constraints::{ANY_TYPE, I64_ATTR};
use dlc_ir::{Context, DialectDef, PrintOptions, parse_source, print_op_to_string};

dlc_ir::define_op! {
    /// An op with a property and no assembly format.
    pub struct PlainOp = "plain.op" {
        results: [out: ANY_TYPE],
        attributes: [count: I64_ATTR],
    }
}

static DIALECT: DialectDef = DialectDef {
    name: "plain",
    ops: &[&PlainOp::DEF],
    ..DialectDef::DEFAULT
};

#[test]
fn registered_op_without_format_prints_properties_once() {
    let mut ctx = Context::new();
    ctx.register_dialect(&DIALECT);
    let src = "%0 = \"plain.op\"() <{count = 3 : i64}> {note = \"x\"} : () -> i32\n";
    let m = parse_source(&mut ctx, src, "t.mlir").unwrap();
    let text = print_op_to_string(&ctx, m, &PrintOptions::default());
    assert!(
        text.contains("%0 = \"plain.op\"() <{count = 3 : i64}> {note = \"x\"} : () -> i32"),
        "{text}"
    );
}
