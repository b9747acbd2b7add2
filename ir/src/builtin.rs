//! The builtin dialect's ops: `builtin.module` and
//! `builtin.unrealized_conversion_cast`. (Builtin types and attributes live in
//! [`crate::types`] and [`crate::attrs`].)

use crate::constraints::*;
use crate::ir::OperationState;
use crate::lexer::Tok;
use crate::opdef::DialectDef;
use crate::parser::{OpAsmParser, PResult};
use crate::printer::OpAsmPrinter;
use crate::{Context, Diagnostic, Op};

crate::define_op! {
    /// A top-level container of symbols: `module @name attributes {..} { ... }`.
    pub struct ModuleOp = "builtin.module" {
        summary: "A top level container operation",
        attributes: [sym_name[optional]: SYMBOL_NAME_ATTR, sym_visibility[optional]: STRING_ATTR],
        regions: [bodyRegion],
        traits: ISOLATED_FROM_ABOVE | SYMBOL_TABLE | NO_TERMINATOR | SINGLE_BLOCK | GRAPH_REGION | NO_REGION_ARGUMENTS | AFFINE_SCOPE,
        parse: parse_module,
        print: print_module,
        verify: verify_module,
        default_dialect: "builtin",
    }
}

crate::define_op! {
    /// A cast between types that a partial conversion left behind.
    pub struct UnrealizedConversionCastOp = "builtin.unrealized_conversion_cast" {
        summary: "An unrealized conversion from one set of types to another",
        operands: [inputs[variadic]: ANY_TYPE],
        results: [outputs[variadic]: ANY_TYPE],
        traits: PURE,
        format: "($inputs^ `:` type($inputs))? `to` type($outputs) attr-dict",
    }
}

fn parse_module(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    if p.peek() == Tok::AtIdent {
        let name = p.parse_symbol_name()?;
        let a = p.ctx.string_attr(&name);
        let n = p.ctx.ident("sym_name");
        st.props.push((n, a));
    }
    p.parse_optional_attr_dict_with_keyword(&mut st.attrs)?;
    let r = p.ctx.create_region();
    p.parse_region_with(r, &[], true, Some("builtin"))?;
    ensure_block(p.ctx, r);
    st.regions.push(r);
    Ok(())
}

/// Gives an empty single-block region its block.
pub fn ensure_block(ctx: &mut Context, r: crate::Region) {
    if ctx.region_is_empty(r) {
        let loc = ctx.unknown_loc();
        let b = ctx.create_block(&[], loc);
        ctx.append_block(r, b);
    }
}

fn print_module(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    if let Some(n) = ctx.attr(op, "sym_name").and_then(|a| ctx.string_value(a)) {
        pr.write(" ");
        pr.print_symbol_name(n);
    }
    pr.print_optional_attr_dict_with_keyword(op, &["sym_name"]);
    pr.write(" ");
    let r = ctx.region(op, 0);
    pr.print_region_with_default_dialect(r, Some("builtin"), false);
}

fn verify_module(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let r = ctx.region(op, 0);
    if let Some(b) = ctx.region_first_block(r)
        && !ctx.block_args(b).is_empty()
    {
        return Err(ctx.op_error(op, "expects region to have no arguments"));
    }
    Ok(())
}

/// Creates an empty `builtin.module`.
pub fn create_module(ctx: &mut Context, loc: crate::Attr) -> Op {
    let name = ctx.op_name_id(ModuleOp::NAME);
    let r = ctx.create_region();
    let b = ctx.create_block(&[], loc);
    ctx.append_block(r, b);
    let mut st = OperationState::new(name, loc);
    st.regions.push(r);
    ctx.create_op(st)
}

/// The body block of a module.
pub fn module_body(ctx: &Context, m: Op) -> crate::Block {
    ctx.region_first_block(ctx.region(m, 0))
        .expect("module without a block")
}

pub static DIALECT: DialectDef = DialectDef {
    name: "builtin",
    summary: "The builtin dialect: module and unrealized conversion casts",
    ops: &[&ModuleOp::DEF, &UnrealizedConversionCastOp::DEF],
    ..DialectDef::DEFAULT
};
