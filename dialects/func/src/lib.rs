//! The func dialect (upstream MLIR spelling): `func.func`, `func.return`,
//! `func.call`, `func.call_indirect` and `func.constant`.
//!
//! Functions store their signature like upstream: `function_type`,
//! `sym_name`, `sym_visibility`, and the per-argument/per-result attribute
//! dictionaries in the `arg_attrs`/`res_attrs` array properties.

use dlc_ir::constraints::*;
use dlc_ir::lexer::Tok;
use dlc_ir::parser::BlockArgDecl;
use dlc_ir::printer::print_type_to;
use dlc_ir::rewrite::FnPattern;
use dlc_ir::value_or_attr::FoldResult;
use dlc_ir::{
    Attr, Context, Diagnostic, DialectDef, Interfaces, Op, OpAsmParser, OpAsmPrinter,
    OperationState, PResult, PatternSet, Region, Type,
};

dlc_ir::define_op! {
    /// A function: `func.func [visibility] @name(args) -> results attributes {..} { body }`.
    pub struct FuncOp = "func.func" {
        summary: "An operation with a name containing a single `SSACFG` region",
        attributes: [
            sym_name: SYMBOL_NAME_ATTR,
            function_type: FUNCTION_TYPE_ATTR,
            sym_visibility[optional]: STRING_ATTR,
            arg_attrs[optional]: DICT_ARRAY_ATTR,
            res_attrs[optional]: DICT_ARRAY_ATTR,
        ],
        regions: [body],
        traits: ISOLATED_FROM_ABOVE | SYMBOL | AUTOMATIC_ALLOCATION_SCOPE | AFFINE_SCOPE,
        parse: parse_func,
        print: print_func,
        verify: verify_func,
        default_dialect: "func",
        interfaces: Interfaces {
            callable_region: Some(func_callable_region),
            ..Interfaces::NONE
        },
    }
}

dlc_ir::define_op! {
    /// Returns from a function: `return %a, %b : i32, f32`.
    pub struct ReturnOp = "func.return" {
        summary: "Function return operation",
        operands: [operands[variadic]: ANY_TYPE],
        traits: PURE | TERMINATOR | RETURN_LIKE,
        parse: parse_return,
        print: print_return,
        verify: verify_return,
        parents: &["func.func"],
    }
}

dlc_ir::define_op! {
    /// A direct call: `%0 = call @f(%a) : (i32) -> i32`.
    pub struct CallOp = "func.call" {
        summary: "call operation",
        operands: [operands[variadic]: ANY_TYPE],
        results: [results[variadic]: ANY_TYPE],
        attributes: [
            callee: FLAT_SYMBOL_REF_ATTR,
            arg_attrs[optional]: DICT_ARRAY_ATTR,
            res_attrs[optional]: DICT_ARRAY_ATTR,
            no_inline[optional]: UNIT_ATTR,
        ],
        parse: parse_call,
        print: print_call,
        verify: verify_call,
        interfaces: Interfaces {
            call_callee: Some(call_callee),
            call_args: Some(call_args),
            ..Interfaces::NONE
        },
    }
}

dlc_ir::define_op! {
    /// An indirect call: `%0 = call_indirect %f(%a) : (i32) -> i32`.
    pub struct CallIndirectOp = "func.call_indirect" {
        summary: "indirect call operation",
        operands: [callee: ANY_TYPE, callee_operands[variadic]: ANY_TYPE],
        results: [results[variadic]: ANY_TYPE],
        attributes: [
            arg_attrs[optional]: DICT_ARRAY_ATTR,
            res_attrs[optional]: DICT_ARRAY_ATTR,
        ],
        parse: parse_call_indirect,
        print: print_call_indirect,
        verify: verify_call_indirect,
        canonicalize: call_indirect_patterns,
        interfaces: Interfaces {
            call_args: Some(call_indirect_args),
            ..Interfaces::NONE
        },
    }
}

dlc_ir::define_op! {
    /// A function reference as a value: `%f = constant @f : (i32) -> i32`.
    pub struct ConstantOp = "func.constant" {
        summary: "constant",
        results: [result: ANY_TYPE],
        attributes: [value: FLAT_SYMBOL_REF_ATTR],
        traits: PURE | CONSTANT_LIKE,
        parse: parse_constant,
        print: print_constant,
        verify: verify_constant,
        fold: fold_constant,
    }
}

pub static DIALECT: DialectDef = DialectDef {
    name: "func",
    summary: "Functions, calls and returns",
    ops: &[
        &FuncOp::DEF,
        &ReturnOp::DEF,
        &CallOp::DEF,
        &CallIndirectOp::DEF,
        &ConstantOp::DEF,
    ],
    materialize_constant: Some(materialize_constant),
    ..DialectDef::DEFAULT
};

fn materialize_constant(ctx: &mut Context, value: Attr, ty: Type, loc: Attr) -> Option<Op> {
    if !matches!(ctx.attr_kind(value), dlc_ir::AttrKind::SymbolRef { .. }) {
        return None;
    }
    let n = ctx.op_name_id(ConstantOp::NAME);
    let mut st = OperationState::new(n, loc);
    let id = ctx.ident("value");
    st.props.push((id, value));
    st.result_types.push(ty);
    Some(ctx.create_op(st))
}

// ----- helpers ----------------------------------------------------------------

fn type_str(ctx: &Context, t: Type) -> String {
    let mut s = String::new();
    print_type_to(ctx, t, &mut s);
    s
}

fn types_str(ctx: &Context, ts: &[Type]) -> String {
    ts.iter()
        .map(|&t| type_str(ctx, t))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The signature of a function op: `(inputs, results)`.
pub fn function_signature(ctx: &Context, op: Op) -> Option<(Vec<Type>, Vec<Type>)> {
    let t = ctx
        .attr(op, "function_type")
        .and_then(|a| ctx.type_value(a))?;
    let (i, r) = ctx.function_type_parts(t)?;
    Some((i.to_vec(), r.to_vec()))
}

/// The body region of a function (`None` for a declaration).
pub fn func_callable_region(ctx: &Context, op: Op) -> Option<Region> {
    let r = *ctx.regions(op).first()?;
    if ctx.region_is_empty(r) {
        None
    } else {
        Some(r)
    }
}

/// Whether the function is a declaration (no body).
pub fn is_declaration(ctx: &Context, op: Op) -> bool {
    func_callable_region(ctx, op).is_none()
}

fn call_callee(ctx: &Context, op: Op) -> Option<Attr> {
    ctx.attr(op, "callee")
}

fn call_args(ctx: &Context, op: Op) -> std::ops::Range<usize> {
    0..ctx.num_operands(op)
}

fn call_indirect_args(ctx: &Context, op: Op) -> std::ops::Range<usize> {
    1..ctx.num_operands(op).max(1)
}

/// The `i`th dictionary of an `arg_attrs`/`res_attrs` array (or `None`).
fn attr_dict_at(ctx: &Context, op: Op, name: &str, i: usize) -> Option<Attr> {
    let arr = ctx.attr(op, name)?;
    let d = *ctx.array_value(arr)?.get(i)?;
    if ctx.dict_entries(d).is_empty() {
        None
    } else {
        Some(d)
    }
}

/// Builds the `arg_attrs`/`res_attrs` array, or `None` if every dict is empty.
fn dict_array(ctx: &mut Context, dicts: &[Option<Attr>]) -> Option<Attr> {
    if dicts.iter().all(|d| d.is_none()) {
        return None;
    }
    let empty = ctx.empty_dict();
    let v: Vec<Attr> = dicts.iter().map(|d| d.unwrap_or(empty)).collect();
    Some(ctx.array_attr(v))
}

// ----- func.func ---------------------------------------------------------------

fn parse_func(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    // Visibility.
    if p.peek() == Tok::String {
        let t = p.bump();
        let text = p.text(t);
        let vis = &text[1..text.len() - 1];
        let a = p.ctx.string_attr(vis);
        let id = p.ctx.ident("sym_visibility");
        st.props.push((id, a));
    } else if let Some(kw) = p.at_keyword()
        && matches!(kw, "private" | "public" | "nested")
    {
        p.bump();
        {
            let a = p.ctx.string_attr(kw);
            let id = p.ctx.ident("sym_visibility");
            st.props.push((id, a));
        }
    }
    let name = p.parse_symbol_name()?;
    let a = p.ctx.string_attr(&name);
    let id = p.ctx.ident("sym_name");
    st.props.push((id, a));

    // Arguments.
    let lp = p.expect(Tok::LParen, "in function argument list")?;
    let mut args: Vec<BlockArgDecl<'_>> = Vec::new();
    let mut named: Option<bool> = None;
    if !p.consume_if(Tok::RParen) {
        loop {
            let is_named = p.peek() == Tok::PercentIdent;
            if let Some(n) = named
                && n != is_named
            {
                return Err(p.error("expected SSA identifier"));
            }
            named = Some(is_named);
            let (name, ty) = if is_named {
                let n = p.parse_operand()?;
                if n.number != 0 {
                    return Err(p.error_at(n.tok, "expected SSA identifier"));
                }
                p.expect(Tok::Colon, "after SSA identifier")?;
                let ty = p.parse_type()?;
                (n, ty)
            } else {
                if p.peek() == Tok::Ellipsis {
                    return Err(p.error("variadic arguments are not supported by 'func.func'"));
                }
                let tok = p.token();
                let ty = p.parse_type()?;
                (
                    dlc_ir::parser::UnresolvedOperand {
                        name: "",
                        number: 0,
                        tok,
                    },
                    ty,
                )
            };
            let mut attrs = Vec::new();
            p.parse_optional_attr_dict(&mut attrs)?;
            let dict = if attrs.is_empty() {
                None
            } else {
                Some(p.ctx.dictionary_attr(attrs))
            };
            let loc = match p.parse_optional_location()? {
                Some(l) => Some(l),
                None if is_named => Some(p.loc_of(name.tok)),
                None => None,
            };
            args.push(BlockArgDecl {
                name,
                ty,
                loc,
                attrs: dict,
            });
            if !p.consume_if(Tok::Comma) {
                break;
            }
        }
        p.expect(Tok::RParen, "to end function argument list")?;
    }
    let _ = lp;

    // Results.
    let mut results: Vec<Type> = Vec::new();
    let mut res_dicts: Vec<Option<Attr>> = Vec::new();
    if p.consume_if(Tok::Arrow) {
        if p.consume_if(Tok::LParen) {
            if !p.consume_if(Tok::RParen) {
                loop {
                    results.push(p.parse_type()?);
                    let mut attrs = Vec::new();
                    p.parse_optional_attr_dict(&mut attrs)?;
                    res_dicts.push(if attrs.is_empty() {
                        None
                    } else {
                        Some(p.ctx.dictionary_attr(attrs))
                    });
                    if !p.consume_if(Tok::Comma) {
                        break;
                    }
                }
                p.expect(Tok::RParen, "to end function result list")?;
            }
        } else {
            results.push(p.parse_non_function_type()?);
            res_dicts.push(None);
        }
    }

    let ins: Vec<Type> = args.iter().map(|a| a.ty).collect();
    let fty = p.ctx.function_type(&ins, &results);
    let fa = p.ctx.type_attr(fty);
    let id = p.ctx.ident("function_type");
    st.props.push((id, fa));
    let arg_dicts: Vec<Option<Attr>> = args.iter().map(|a| a.attrs).collect();
    if let Some(a) = dict_array(p.ctx, &arg_dicts) {
        let id = p.ctx.ident("arg_attrs");
        st.props.push((id, a));
    }
    if let Some(a) = dict_array(p.ctx, &res_dicts) {
        let id = p.ctx.ident("res_attrs");
        st.props.push((id, a));
    }

    p.parse_optional_attr_dict_with_keyword(&mut st.attrs)?;

    // Body.
    let r = p.ctx.create_region();
    if p.peek() == Tok::LBrace {
        if named == Some(false) {
            return Err(p.error("expected named arguments (e.g. '%arg0: i32') for a function body"));
        }
        let t = p.token();
        p.parse_region_with(r, &args, true, Some("func"))?;
        if p.ctx.region_is_empty(r) {
            return Err(p.error_at(t, "expected non-empty function body"));
        }
    } else if named == Some(true) {
        return Err(p.error("expected '{' to begin a function body"));
    }
    st.regions.push(r);
    Ok(())
}

fn print_func(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    if let Some(v) = ctx
        .attr(op, "sym_visibility")
        .and_then(|a| ctx.string_value(a))
    {
        pr.write(v);
        pr.write(" ");
    }
    let name = ctx
        .attr(op, "sym_name")
        .and_then(|a| ctx.string_value(a))
        .unwrap_or("");
    pr.print_symbol_name(name);
    let (ins, outs) = function_signature(ctx, op).unwrap_or_default();
    let body = func_callable_region(ctx, op);
    let entry = body.and_then(|r| ctx.region_first_block(r));
    pr.write("(");
    for (i, &t) in ins.iter().enumerate() {
        if i > 0 {
            pr.write(", ");
        }
        let arg = entry.and_then(|b| ctx.block_args(b).get(i).copied());
        if let Some(a) = arg {
            pr.print_operand(a);
            pr.write(": ");
            pr.print_type(ctx.value_type(a));
        } else {
            pr.print_type(t);
        }
        if let Some(d) = attr_dict_at(ctx, op, "arg_attrs", i) {
            pr.write(" ");
            pr.print_attr(d);
        }
        if pr.opts.debuginfo
            && let Some(a) = arg
            && let Some(l) = ctx.block_arg_loc(a)
        {
            pr.write(" ");
            pr.print_arg_loc(l);
        }
    }
    pr.write(")");
    if !outs.is_empty() {
        pr.write(" -> ");
        let any_attrs = (0..outs.len()).any(|i| attr_dict_at(ctx, op, "res_attrs", i).is_some());
        let wrap = outs.len() > 1
            || any_attrs
            || matches!(ctx.type_kind(outs[0]), dlc_ir::TypeKind::Function { .. });
        if wrap {
            pr.write("(");
        }
        for (i, &t) in outs.iter().enumerate() {
            if i > 0 {
                pr.write(", ");
            }
            pr.print_type(t);
            if let Some(d) = attr_dict_at(ctx, op, "res_attrs", i) {
                pr.write(" ");
                pr.print_attr(d);
            }
        }
        if wrap {
            pr.write(")");
        }
    }
    pr.print_optional_attr_dict_with_keyword(
        op,
        &[
            "sym_name",
            "function_type",
            "sym_visibility",
            "arg_attrs",
            "res_attrs",
        ],
    );
    if let Some(r) = body {
        pr.write(" ");
        pr.print_region_with_default_dialect(r, Some("func"), false);
    }
}

fn verify_func(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some((ins, outs)) = function_signature(ctx, op) else {
        return Err(ctx.op_error(op, "requires attribute 'function_type'"));
    };
    for (name, n) in [("arg_attrs", ins.len()), ("res_attrs", outs.len())] {
        if let Some(a) = ctx.attr(op, name)
            && ctx.array_value(a).is_some_and(|v| v.len() != n)
        {
            let what = if name == "arg_attrs" {
                "argument"
            } else {
                "result"
            };
            return Err(ctx.op_error(
                op,
                format!(
                    "expects {what} attribute array to have the same number of elements as the number of function {what}s, got {}, but expected {n}",
                    ctx.array_value(a).map_or(0, |v| v.len())
                ),
            ));
        }
    }
    match func_callable_region(ctx, op) {
        None => {
            if dlc_ir::symbol::visibility(ctx, op) == "public" {
                return Err(ctx.op_error(op, "symbol declaration cannot have public visibility"));
            }
        }
        Some(r) => {
            let entry = ctx.region_first_block(r).unwrap();
            let args = ctx.block_args(entry);
            if args.len() != ins.len() {
                return Err(ctx.op_error(
                    op,
                    format!(
                        "entry block must have {} arguments to match function signature",
                        ins.len()
                    ),
                ));
            }
            for (i, (&a, &t)) in args.iter().zip(&ins).enumerate() {
                let at = ctx.value_type(a);
                if at != t {
                    return Err(ctx.op_error(
                        op,
                        format!(
                            "type of entry block argument #{i}('{}') must match the type of the corresponding argument in function signature('{}')",
                            type_str(ctx, at),
                            type_str(ctx, t)
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

// ----- func.return -----------------------------------------------------------

fn parse_return(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let t = p.token();
    let ops = p.parse_operand_list()?;
    if !ops.is_empty() {
        p.expect(Tok::Colon, "")?;
        let tys = p.parse_type_list_no_parens()?;
        st.operands = p.resolve_operands(&ops, &tys, t)?;
    }
    Ok(())
}

fn print_return(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.print_optional_attr_dict(op, &[]);
    let vals = ctx.operand_vec(op);
    if !vals.is_empty() {
        pr.write(" ");
        pr.print_operands(&vals);
        pr.write(" : ");
        pr.print_type_list(&ctx.operand_types(op));
    }
}

fn verify_return(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(f) = ctx.parent_op(op) else {
        return Ok(());
    };
    let Some((_, outs)) = function_signature(ctx, f) else {
        return Ok(());
    };
    let name = dlc_ir::symbol::symbol_name(ctx, f).unwrap_or("");
    let n = ctx.num_operands(op);
    if n != outs.len() {
        return Err(ctx.op_error(
            op,
            format!(
                "has {n} operands, but enclosing function (@{name}) returns {}",
                outs.len()
            ),
        ));
    }
    for (i, (v, &t)) in ctx.operands(op).zip(&outs).enumerate() {
        let vt = ctx.value_type(v);
        if vt != t {
            return Err(Diagnostic::error(
                ctx.op_loc(op),
                format!(
                    "type of return operand {i} ('{}') doesn't match function result type ('{}') in function @{name}",
                    type_str(ctx, vt),
                    type_str(ctx, t)
                ),
            ));
        }
    }
    Ok(())
}

// ----- func.call -------------------------------------------------------------

fn parse_call(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    if p.peek() != Tok::AtIdent {
        return Err(p.error("expected attribute value"));
    }
    let name = p.parse_symbol_name()?;
    let callee = p.ctx.symbol_ref_attr(&name);
    let id = p.ctx.ident("callee");
    st.props.push((id, callee));
    p.parse_call_operands_and_signature(st)?;
    Ok(())
}

fn print_call(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    if let Some(c) = ctx.attr(op, "callee") {
        pr.print_attr(c);
    }
    pr.write("(");
    pr.print_operands(&ctx.operand_vec(op));
    pr.write(")");
    pr.print_optional_attr_dict(op, &["callee"]);
    pr.write(" : ");
    pr.print_function_sig(&ctx.operand_types(op), &ctx.result_types(op));
}

fn verify_call(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(callee) = ctx.attr(op, "callee") else {
        return Ok(());
    };
    let name = match ctx.attr_kind(callee) {
        dlc_ir::AttrKind::SymbolRef { root, .. } => ctx.ident_str(*root).to_string(),
        _ => return Ok(()),
    };
    let f = dlc_ir::symbol::lookup_symbol_from(ctx, op, callee)
        .filter(|&f| ctx.op_name_str(f) == FuncOp::NAME);
    let Some(f) = f else {
        return Err(ctx.op_error(op, format!("'{name}' does not reference a valid function")));
    };
    let Some((ins, outs)) = function_signature(ctx, f) else {
        return Ok(());
    };
    if ins.len() != ctx.num_operands(op) {
        return Err(ctx.op_error(op, "incorrect number of operands for callee"));
    }
    for (i, (v, &t)) in ctx.operands(op).zip(&ins).enumerate() {
        let vt = ctx.value_type(v);
        if vt != t {
            return Err(ctx.op_error(
                op,
                format!(
                    "operand type mismatch: expected operand type '{}', but provided '{}' for operand number {i}",
                    type_str(ctx, t),
                    type_str(ctx, vt)
                ),
            ));
        }
    }
    if outs.len() != ctx.num_results(op) {
        return Err(ctx.op_error(op, "incorrect number of results for callee"));
    }
    let rts = ctx.result_types(op);
    for (i, (&rt, &t)) in rts.iter().zip(&outs).enumerate() {
        if rt != t {
            let d = ctx
                .op_error(op, format!("result type mismatch at index {i}"))
                .with_note(
                    ctx.op_loc(op),
                    format!("      op result types: {}", types_str(ctx, &rts)),
                )
                .with_note(
                    ctx.op_loc(op),
                    format!("function result types: {}", types_str(ctx, &outs)),
                );
            return Err(d);
        }
    }
    Ok(())
}

// ----- func.call_indirect ----------------------------------------------------

fn parse_call_indirect(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let callee = p.parse_operand()?;
    // The callee operand comes first; its type is the signature's.
    let (_, fty) = p.parse_call_operands_and_signature(st)?;
    let c = p.resolve_operand(&callee, fty)?;
    st.operands.insert(0, c);
    Ok(())
}

fn print_call_indirect(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    let ops = ctx.operand_vec(op);
    if ops.is_empty() {
        return;
    }
    pr.write(" ");
    pr.print_operand(ops[0]);
    pr.write("(");
    pr.print_operands(&ops[1..]);
    pr.write(")");
    pr.print_optional_attr_dict(op, &[]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ops[0]));
}

fn verify_call_indirect(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let callee = ctx.operand(op, 0);
    let Some((ins, outs)) = ctx.function_type_parts(ctx.value_type(callee)) else {
        return Err(ctx.op_error(
            op,
            format!(
                "operand #0 must be function type, but got '{}'",
                type_str(ctx, ctx.value_type(callee))
            ),
        ));
    };
    let args: Vec<Type> = ctx.operand_types(op)[1..].to_vec();
    if args != ins {
        return Err(ctx.op_error(op, "callee operand types do not match the callee signature"));
    }
    if ctx.result_types(op) != outs {
        return Err(ctx.op_error(op, "result types do not match the callee signature"));
    }
    Ok(())
}

/// `call_indirect` of a `func.constant` becomes a direct `call`.
fn call_indirect_patterns(set: &mut PatternSet) {
    set.add(FnPattern {
        root: Some(CallIndirectOp::NAME),
        name: "IndirectCallToDirect",
        benefit: 1,
        f: |op, rw| {
            let ctx = &*rw.ctx;
            let Some(def) = ctx.defining_op(ctx.operand(op, 0)) else {
                return false;
            };
            if ctx.op_name_str(def) != ConstantOp::NAME {
                return false;
            }
            let Some(callee) = ctx.attr(def, "value") else {
                return false;
            };
            let Some(n) = ctx.op_names.lookup(CallOp::NAME) else {
                return false;
            };
            let mut st = OperationState::new(n, ctx.op_loc(op));
            st.operands = ctx.operand_vec(op)[1..].to_vec();
            st.result_types = ctx.result_types(op);
            st.attrs = ctx.dict_entries(ctx.op_attr_dict(op)).to_vec();
            let id = rw.ctx.ident("callee");
            st.props.push((id, callee));
            rw.replace_op_with_new(op, st);
            true
        },
    });
}

// ----- func.constant ---------------------------------------------------------

fn parse_constant(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let name = p.parse_symbol_name()?;
    let a = p.ctx.symbol_ref_attr(&name);
    let id = p.ctx.ident("value");
    st.props.push((id, a));
    p.expect(Tok::Colon, "")?;
    let t = p.parse_type()?;
    st.result_types.push(t);
    Ok(())
}

fn print_constant(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.print_optional_attr_dict(op, &["value"]);
    pr.write(" ");
    if let Some(v) = ctx.attr(op, "value") {
        pr.print_attr(v);
    }
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn verify_constant(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(v) = ctx.attr(op, "value") else {
        return Ok(());
    };
    let name = match ctx.attr_kind(v) {
        dlc_ir::AttrKind::SymbolRef { root, .. } => ctx.ident_str(*root).to_string(),
        _ => return Ok(()),
    };
    let Some(f) = dlc_ir::symbol::lookup_symbol_from(ctx, op, v)
        .filter(|&f| ctx.op_name_str(f) == FuncOp::NAME)
    else {
        return Err(ctx.op_error(op, format!("reference to undefined function '{name}'")));
    };
    let ft = ctx.attr(f, "function_type").and_then(|a| ctx.type_value(a));
    if ft != Some(ctx.value_type(ctx.result(op, 0))) {
        return Err(ctx.op_error(op, "reference to function with mismatched type"));
    }
    Ok(())
}

fn fold_constant(ctx: &mut Context, op: Op, _c: &[Option<Attr>]) -> FoldResult {
    match ctx.attr(op, "value") {
        Some(v) => FoldResult::attr(v),
        None => FoldResult::None,
    }
}

/// Creates a `func.func` with an entry block matching `ty` (not inserted).
pub fn build_func(ctx: &mut Context, name: &str, ty: Type, loc: Attr) -> Op {
    let n = ctx.op_name_id(FuncOp::NAME);
    let mut st = OperationState::new(n, loc);
    let a = ctx.string_attr(name);
    let id = ctx.ident("sym_name");
    st.props.push((id, a));
    let ta = ctx.type_attr(ty);
    let id = ctx.ident("function_type");
    st.props.push((id, ta));
    let ins = ctx
        .function_type_parts(ty)
        .map(|(i, _)| i.to_vec())
        .unwrap_or_default();
    let r = ctx.create_region();
    let b = ctx.create_block(&ins, loc);
    ctx.append_block(r, b);
    st.regions.push(r);
    ctx.create_op(st)
}
