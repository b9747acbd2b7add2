//! The llvm dialect's ops (the subset lowered loop nests need), with
//! upstream MLIR's custom assembly and verifiers.

use crate::types::*;
use dlc_ir::constraints::{ANY_ATTR, STRING_ATTR, SYMBOL_NAME_ATTR, TYPE_ATTR, UNIT_ATTR};
use dlc_ir::constraints::{DENSE_I32_ARRAY_ATTR, DICT_ARRAY_ATTR, FLAT_SYMBOL_REF_ATTR};
use dlc_ir::lexer::Tok;
use dlc_ir::parser::{BlockArgDecl, UnresolvedOperand};
use dlc_ir::printer::print_type_to;
use dlc_ir::{
    Attr, AttrKind, Context, Diagnostic, Interfaces, Op, OpAsmParser, OpAsmPrinter, OperationState,
    PResult, Region, Type, TypeKind, Value,
};

/// Ints, floats, vectors of them: what llvm arithmetic takes.
fn ty_str(ctx: &Context, t: Type) -> String {
    let mut s = String::new();
    print_type_to(ctx, t, &mut s);
    s
}

fn scalar(ctx: &Context, t: Type) -> Type {
    match ctx.type_kind(t) {
        TypeKind::Vector { elem, .. } => *elem,
        _ => t,
    }
}
fn is_int_like(ctx: &Context, t: Type) -> bool {
    matches!(ctx.type_kind(scalar(ctx, t)), TypeKind::Integer { .. })
}
fn is_float_like(ctx: &Context, t: Type) -> bool {
    matches!(ctx.type_kind(scalar(ctx, t)), TypeKind::Float(_))
}
fn int_width(ctx: &Context, t: Type) -> Option<u32> {
    match ctx.type_kind(scalar(ctx, t)) {
        TypeKind::Integer { width, .. } => Some(*width),
        _ => None,
    }
}
fn float_width(ctx: &Context, t: Type) -> Option<u32> {
    match ctx.type_kind(scalar(ctx, t)) {
        TypeKind::Float(k) => Some(k.width()),
        _ => None,
    }
}
fn vec_shape(ctx: &Context, t: Type) -> Option<Vec<i64>> {
    match ctx.type_kind(t) {
        TypeKind::Vector { shape, .. } => Some(shape.to_vec()),
        _ => None,
    }
}

/// Prints the attribute dictionary without `elided` and without upstream's
/// default-valued properties (which its custom forms omit too).
fn attr_dict(pr: &mut OpAsmPrinter<'_>, op: Op, keyword: bool, elided: &[&str]) {
    let ctx = pr.ctx;
    let mut names: Vec<&str> = elided.to_vec();
    if let Some(p) = ctx.op_props(op) {
        for &(n, a) in ctx.dict_entries(p) {
            let n = ctx.ident_str(n);
            if is_default_prop(ctx, n, a) {
                names.push(n);
            }
        }
    }
    if keyword {
        pr.print_optional_attr_dict_with_keyword(op, &names);
    } else {
        pr.print_optional_attr_dict(op, &names);
    }
}

fn set_prop(ctx: &mut Context, st: &mut OperationState, name: &str, a: Attr) {
    let id = ctx.ident(name);
    st.props.push((id, a));
}

fn i64_attr(ctx: &mut Context, v: i64) -> Attr {
    let t = ctx.i64();
    ctx.int_attr(t, v as i128)
}

pub const LLVM_VALUE: dlc_ir::TypeConstraint = dlc_ir::TypeConstraint {
    desc: "LLVM dialect-compatible type",
    check: is_valid_value_type,
};
pub const LLVM_PTR: dlc_ir::TypeConstraint = dlc_ir::TypeConstraint {
    desc: "LLVM pointer type",
    check: is_ptr,
};
pub const INT_LIKE: dlc_ir::TypeConstraint = dlc_ir::TypeConstraint {
    desc: "signless integer or LLVM dialect-compatible vector of signless integer",
    check: is_int_like,
};
pub const FLOAT_LIKE: dlc_ir::TypeConstraint = dlc_ir::TypeConstraint {
    desc: "floating point LLVM type or LLVM dialect-compatible vector of floating point LLVM type",
    check: is_float_like,
};
pub const I1_LIKE: dlc_ir::TypeConstraint = dlc_ir::TypeConstraint {
    desc: "1-bit signless integer or vector of 1-bit signless integer",
    check: |c, t| int_width(c, t) == Some(1),
};
pub const I64_PROP: dlc_ir::AttrConstraint = dlc_ir::AttrConstraint {
    desc: "64-bit signless integer attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::Integer { ty, .. } if matches!(c.type_kind(*ty), TypeKind::Integer { width: 64, .. })),
    format: dlc_ir::AttrFormat::Plain,
    is_default: None,
};
pub const I32_PROP: dlc_ir::AttrConstraint = dlc_ir::AttrConstraint {
    desc: "32-bit signless integer attribute",
    check: |c, a| matches!(c.attr_kind(a), AttrKind::Integer { ty, .. } if matches!(c.type_kind(*ty), TypeKind::Integer { width: 32, .. })),
    format: dlc_ir::AttrFormat::Plain,
    is_default: None,
};
pub const FASTMATH_PROP: dlc_ir::AttrConstraint = dlc_ir::AttrConstraint {
    desc: "LLVM fastmath flags",
    check: |c, a| fastmath_bits(c, a).is_some(),
    format: dlc_ir::AttrFormat::Plain,
    is_default: None,
};
pub const LINKAGE_PROP: dlc_ir::AttrConstraint = dlc_ir::AttrConstraint {
    desc: "LLVM linkage",
    check: |c, a| linkage_name(c, a).is_some(),
    format: dlc_ir::AttrFormat::Plain,
    is_default: None,
};

// ----- functions --------------------------------------------------------

dlc_ir::define_op! {
    /// `llvm.func [linkage] @name(%a: T {attrs}, ...) -> R attributes {..} {body}`.
    pub struct FuncOp = "llvm.func" {
        summary: "LLVM dialect function.",
        attributes: [
            sym_name: SYMBOL_NAME_ATTR,
            function_type: TYPE_ATTR,
            linkage[optional]: LINKAGE_PROP,
            sym_visibility[optional]: STRING_ATTR,
            arg_attrs[optional]: DICT_ARRAY_ATTR,
            res_attrs[optional]: DICT_ARRAY_ATTR,
        ],
        regions: [body],
        traits: ISOLATED_FROM_ABOVE | SYMBOL | AUTOMATIC_ALLOCATION_SCOPE,
        parse: parse_func,
        print: print_func,
        verify: verify_func,
        interfaces: Interfaces {
            callable_region: Some(func_body),
            ..Interfaces::NONE
        },
    }
}

/// The body of an `llvm.func` (`None` for a declaration).
pub fn func_body(ctx: &Context, op: Op) -> Option<Region> {
    let r = *ctx.regions(op).first()?;
    if ctx.region_is_empty(r) {
        None
    } else {
        Some(r)
    }
}

/// The `!llvm.func` type of an `llvm.func` or the function's parts.
pub fn func_signature(ctx: &Context, op: Op) -> Option<(Type, Vec<Type>, bool)> {
    let t = ctx
        .attr(op, "function_type")
        .and_then(|a| ctx.type_value(a))?;
    match llvm_type(ctx, t)? {
        LlvmType::Func {
            result,
            params,
            vararg,
        } => Some((result, params, vararg)),
        _ => None,
    }
}

/// The linkage of a function or global (`external` when unset).
pub fn linkage_of(ctx: &Context, op: Op) -> &str {
    ctx.attr(op, "linkage")
        .and_then(|a| linkage_name(ctx, a))
        .unwrap_or("external")
}

fn parse_linkage(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) {
    if let Some(kw) = p.at_keyword()
        && LINKAGES.contains(&kw)
    {
        p.bump();
        let a = linkage_attr(p.ctx, kw);
        set_prop(p.ctx, st, "linkage", a);
    }
}

fn parse_func(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    parse_linkage(p, st);
    let name = p.parse_symbol_name()?;
    let a = p.ctx.string_attr(&name);
    set_prop(p.ctx, st, "sym_name", a);
    p.expect(Tok::LParen, "in function argument list")?;
    let mut args: Vec<BlockArgDecl<'_>> = Vec::new();
    let mut named: Option<bool> = None;
    let mut vararg = false;
    if !p.consume_if(Tok::RParen) {
        loop {
            if p.consume_if(Tok::Ellipsis) {
                vararg = true;
                break;
            }
            let is_named = p.peek() == Tok::PercentIdent;
            if named.is_some_and(|n| n != is_named) {
                return Err(p.error("expected SSA identifier"));
            }
            named = Some(is_named);
            let tok = p.token();
            let name = if is_named {
                let n = p.parse_operand()?;
                p.expect(Tok::Colon, "after SSA identifier")?;
                n
            } else {
                UnresolvedOperand {
                    name: "",
                    number: 0,
                    tok,
                }
            };
            let ty = p.parse_type()?;
            let mut attrs = Vec::new();
            p.parse_optional_attr_dict(&mut attrs)?;
            let attrs = if attrs.is_empty() {
                None
            } else {
                Some(p.ctx.dictionary_attr(attrs))
            };
            let loc = match p.parse_optional_location()? {
                Some(l) => Some(l),
                None if is_named => Some(p.loc_of(tok)),
                None => None,
            };
            args.push(BlockArgDecl {
                name,
                ty,
                loc,
                attrs,
            });
            if !p.consume_if(Tok::Comma) {
                break;
            }
        }
        p.expect(Tok::RParen, "to end function argument list")?;
    }
    let mut result = None;
    let mut res_dict = None;
    if p.consume_if(Tok::Arrow) {
        if p.consume_if(Tok::LParen) {
            result = Some(p.parse_type()?);
            let mut attrs = Vec::new();
            p.parse_optional_attr_dict(&mut attrs)?;
            if !attrs.is_empty() {
                res_dict = Some(p.ctx.dictionary_attr(attrs));
            }
            p.expect(Tok::RParen, "")?;
        } else {
            result = Some(p.parse_type()?);
        }
    }
    let result = match result {
        Some(r) => r,
        None => void_type(p.ctx),
    };
    let ins: Vec<Type> = args.iter().map(|a| a.ty).collect();
    let fty = func_type(p.ctx, result, &ins, vararg);
    let fa = p.ctx.type_attr(fty);
    set_prop(p.ctx, st, "function_type", fa);
    if args.iter().any(|a| a.attrs.is_some()) {
        let empty = p.ctx.empty_dict();
        let v = args.iter().map(|a| a.attrs.unwrap_or(empty)).collect();
        let arr = p.ctx.array_attr(v);
        set_prop(p.ctx, st, "arg_attrs", arr);
    }
    if let Some(d) = res_dict {
        let arr = p.ctx.array_attr(vec![d]);
        set_prop(p.ctx, st, "res_attrs", arr);
    }
    p.parse_optional_attr_dict_with_keyword(&mut st.attrs)?;
    let r = p.ctx.create_region();
    if p.peek() == Tok::LBrace {
        if named == Some(false) {
            return Err(p.error("expected named arguments (e.g. '%arg0: i32') for a function body"));
        }
        let t = p.token();
        p.parse_region_with(r, &args, true, None)?;
        if p.ctx.region_is_empty(r) {
            return Err(p.error_at(t, "expected non-empty function body"));
        }
    }
    st.regions.push(r);
    Ok(())
}

fn dict_at(ctx: &Context, op: Op, name: &str, i: usize) -> Option<Attr> {
    let d = *ctx.array_value(ctx.attr(op, name)?)?.get(i)?;
    if ctx.dict_entries(d).is_empty() {
        None
    } else {
        Some(d)
    }
}

fn print_func(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    let linkage = linkage_of(ctx, op);
    if linkage != "external" {
        pr.write(linkage);
        pr.write(" ");
    }
    let name = dlc_ir::symbol::symbol_name(ctx, op).unwrap_or("");
    pr.print_symbol_name(name);
    // Verification rejects a missing signature; print what there is.
    let (result, params, vararg) = match func_signature(ctx, op) {
        Some((r, p, v)) => (Some(r), p, v),
        None => (None, Vec::new(), false),
    };
    let entry = func_body(ctx, op).and_then(|r| ctx.region_first_block(r));
    pr.write("(");
    for (i, &t) in params.iter().enumerate() {
        if i > 0 {
            pr.write(", ");
        }
        match entry.and_then(|b| ctx.block_args(b).get(i).copied()) {
            Some(a) => {
                pr.print_operand(a);
                pr.write(": ");
                pr.print_type(ctx.value_type(a));
            }
            None => pr.print_type(t),
        }
        if let Some(d) = dict_at(ctx, op, "arg_attrs", i) {
            pr.write(" ");
            pr.print_attr(d);
        }
        if pr.opts.debuginfo
            && let Some(a) = entry.and_then(|b| ctx.block_args(b).get(i).copied())
            && let Some(l) = ctx.block_arg_loc(a)
        {
            pr.write(" ");
            pr.print_arg_loc(l);
        }
    }
    if vararg {
        pr.write(if params.is_empty() { "..." } else { ", ..." });
    }
    pr.write(")");
    if let Some(result) = result.filter(|&r| !is_void(ctx, r)) {
        pr.write(" -> ");
        match dict_at(ctx, op, "res_attrs", 0) {
            Some(d) => {
                pr.write("(");
                pr.print_type(result);
                pr.write(" ");
                pr.print_attr(d);
                pr.write(")");
            }
            None => pr.print_type(result),
        }
    }
    attr_dict(
        pr,
        op,
        true,
        &[
            "sym_name",
            "function_type",
            "linkage",
            "arg_attrs",
            "res_attrs",
        ],
    );
    if let Some(r) = func_body(ctx, op) {
        pr.write(" ");
        pr.print_region(r, false, true);
    }
}

fn verify_func(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some((result, params, _)) = func_signature(ctx, op) else {
        return Err(ctx.op_error(op, "requires 'function_type' of LLVM function type"));
    };
    if !is_void(ctx, result) && !is_valid_value_type(ctx, result) {
        return Err(ctx.op_error(op, "invalid result type"));
    }
    for &t in &params {
        if !is_valid_value_type(ctx, t) {
            return Err(ctx.op_error(op, format!("invalid argument type '{}'", ty_str(ctx, t))));
        }
    }
    let linkage = linkage_of(ctx, op);
    match func_body(ctx, op) {
        None => {
            if !matches!(linkage, "external" | "extern_weak") {
                return Err(ctx.op_error(
                    op,
                    "external functions must have 'external' or 'extern_weak' linkage",
                ));
            }
        }
        Some(r) => {
            if linkage == "extern_weak" {
                return Err(ctx.op_error(op, "functions cannot have 'extern_weak' linkage"));
            }
            let Some(entry) = ctx.region_first_block(r) else {
                return Ok(());
            };
            let args = ctx.block_args(entry);
            if args.len() != params.len() {
                return Err(ctx.op_error(
                    op,
                    format!(
                        "entry block must have {} arguments to match function signature",
                        params.len()
                    ),
                ));
            }
            for (i, (&a, &t)) in args.iter().zip(&params).enumerate() {
                if ctx.value_type(a) != t {
                    return Err(ctx.op_error(
                        op,
                        format!("entry block argument #{i} does not match the function signature"),
                    ));
                }
            }
        }
    }
    Ok(())
}

dlc_ir::define_op! {
    /// `llvm.return %v : T` or `llvm.return`.
    pub struct ReturnOp = "llvm.return" {
        summary: "LLVM dialect return operation.",
        operands: [arg[optional]: LLVM_VALUE],
        traits: PURE | TERMINATOR | RETURN_LIKE,
        parse: parse_return,
        print: print_return,
        verify: verify_return,
        parents: &["llvm.func"],
    }
}

fn parse_return(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    if let Some(v) = p.parse_optional_operand()? {
        p.expect(Tok::Colon, "")?;
        let t = p.parse_type()?;
        st.operands.push(p.resolve_operand(&v, t)?);
    }
    p.parse_optional_attr_dict(&mut st.attrs)?;
    Ok(())
}

fn print_return(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    if let Some(v) = ctx.operand_vec(op).first() {
        pr.write(" ");
        pr.print_operand(*v);
    }
    attr_dict(pr, op, false, &[]);
    if let Some(v) = ctx.operand_vec(op).first() {
        pr.write(" : ");
        pr.print_type(ctx.value_type(*v));
    }
}

fn verify_return(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(f) = ctx.parent_op(op) else {
        return Ok(());
    };
    let Some((result, _, _)) = func_signature(ctx, f) else {
        return Ok(());
    };
    let ops = ctx.operand_vec(op);
    match ops.first() {
        None if !is_void(ctx, result) => Err(ctx.op_error(op, "expected 1 operand")),
        Some(_) if is_void(ctx, result) => Err(ctx.op_error(op, "expected no operands")),
        Some(&v) if ctx.value_type(v) != result => Err(ctx.op_error(
            op,
            format!(
                "mismatching result types: '{}' vs '{}'",
                ty_str(ctx, ctx.value_type(v)),
                ty_str(ctx, result)
            ),
        )),
        _ => Ok(()),
    }
}

dlc_ir::define_op! {
    /// A direct call: `%r = llvm.call @f(%a) : (f32) -> f32`.
    pub struct CallOp = "llvm.call" {
        summary: "Call to an LLVM function.",
        operands: [callee_operands[variadic]: LLVM_VALUE, op_bundle_operands[variadic]: LLVM_VALUE],
        results: [result[optional]: LLVM_VALUE],
        attributes: [
            callee: FLAT_SYMBOL_REF_ATTR,
            fastmathFlags[optional]: FASTMATH_PROP,
            operandSegmentSizes[optional]: DENSE_I32_ARRAY_ATTR,
            op_bundle_sizes[optional]: DENSE_I32_ARRAY_ATTR,
        ],
        traits: ATTR_SIZED_OPERAND_SEGMENTS,
        parse: parse_call,
        print: print_call,
        verify: verify_call,
        interfaces: Interfaces {
            call_callee: Some(|c, op| c.attr(op, "callee")),
            call_args: Some(call_args),
            ..Interfaces::NONE
        },
    }
}

/// The argument operands of an `llvm.call` (operand bundles excluded).
pub fn call_args(ctx: &Context, op: Op) -> std::ops::Range<usize> {
    let n = ctx.num_operands(op);
    let k = ctx
        .attr(op, "operandSegmentSizes")
        .and_then(|a| ctx.dense_int_array(a))
        .and_then(|v| v.first().copied())
        .map_or(n, |k| (k.max(0) as usize).min(n));
    0..k
}

fn parse_call(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let name = p.parse_symbol_name()?;
    let callee = p.ctx.symbol_ref_attr(&name);
    set_prop(p.ctx, st, "callee", callee);
    let (ct, _) = p.parse_call_operands_and_signature(st)?;
    if st.result_types.len() > 1 {
        return Err(p.error_at(ct, "expected function with 0 or 1 result"));
    }
    // Upstream's generic form needs these (no operand bundles here).
    let seg = p.ctx.dense_i32_array(&[st.operands.len() as i32, 0]);
    set_prop(p.ctx, st, "operandSegmentSizes", seg);
    let b = p.ctx.dense_i32_array(&[]);
    set_prop(p.ctx, st, "op_bundle_sizes", b);
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
    attr_dict(
        pr,
        op,
        false,
        &["callee", "operandSegmentSizes", "op_bundle_sizes"],
    );
    pr.write(" : ");
    pr.print_function_sig(&ctx.operand_types(op), &ctx.result_types(op));
}

fn verify_call(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(callee) = ctx.attr(op, "callee") else {
        return Err(ctx.op_error(op, "requires attribute 'callee'"));
    };
    let f = dlc_ir::symbol::lookup_symbol_from(ctx, op, callee)
        .filter(|&f| ctx.op_name_str(f) == FuncOp::NAME);
    let Some(f) = f else {
        let mut s = String::new();
        dlc_ir::printer::print_attr_to(ctx, callee, &mut s);
        return Err(ctx.op_error(
            op,
            format!("'{}' does not reference a valid LLVM function", &s[1..]),
        ));
    };
    let Some((result, params, vararg)) = func_signature(ctx, f) else {
        return Ok(());
    };
    if call_args(ctx, op).len() != ctx.num_operands(op) {
        return Err(ctx.op_error(op, "operand bundles are not supported"));
    }
    let args = ctx.operand_types(op);
    if args.len() < params.len() || (!vararg && args.len() != params.len()) {
        return Err(ctx.op_error(op, "incorrect number of operands for callee"));
    }
    for (i, (&a, &t)) in args.iter().zip(&params).enumerate() {
        if a != t {
            return Err(ctx.op_error(
                op,
                format!(
                    "operand type mismatch for operand {i}: '{}' != '{}'",
                    ty_str(ctx, a),
                    ty_str(ctx, t)
                ),
            ));
        }
    }
    let rs = ctx.result_types(op);
    match rs.first() {
        None if !is_void(ctx, result) => {
            Err(ctx.op_error(op, "expected function call to produce a value"))
        }
        Some(_) if is_void(ctx, result) => Err(ctx.op_error(
            op,
            "calling function with void result must not produce values",
        )),
        Some(&r) if r != result => Err(ctx.op_error(op, "result type mismatch")),
        _ => Ok(()),
    }
}

// ----- constants and globals -------------------------------------------

dlc_ir::define_op! {
    /// `%c = llvm.mlir.constant(1 : i64) : i64`.
    pub struct ConstantOp = "llvm.mlir.constant" {
        summary: "Defines a constant of LLVM type.",
        results: [res: LLVM_VALUE],
        attributes: [value: ANY_ATTR],
        // Upstream's constant is ConstantLike, but its results print as
        // plain `%0`; dlc's printer names constant-like results (`%c0_i64`),
        // so the trait is left off to keep the text identical.
        traits: PURE,
        parse: parse_constant,
        print: print_constant,
        verify: verify_constant,
    }
}

fn parse_constant(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    p.expect(Tok::LParen, "")?;
    let v = p.parse_attribute(None)?;
    set_prop(p.ctx, st, "value", v);
    p.expect(Tok::RParen, "")?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let t = p.parse_colon_type()?;
    st.result_types.push(t);
    Ok(())
}

fn print_constant(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write("(");
    if let Some(v) = ctx.attr(op, "value") {
        pr.print_attr(v);
    }
    pr.write(")");
    attr_dict(pr, op, false, &["value"]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn verify_constant(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let t = ctx.value_type(ctx.result(op, 0));
    let Some(v) = ctx.attr(op, "value") else {
        return Err(ctx.op_error(op, "requires attribute 'value'"));
    };
    let ok = match ctx.attr_kind(v) {
        AttrKind::Integer { ty, .. } => {
            int_width(ctx, t).is_some()
                && vec_shape(ctx, t).is_none()
                && int_width(ctx, *ty) == int_width(ctx, t)
        }
        AttrKind::Float { ty, .. } => *ty == t,
        // `true`/`false` (a BoolAttr) for an i1, as upstream accepts.
        AttrKind::Bool(_) => int_width(ctx, t) == Some(1) && vec_shape(ctx, t).is_none(),
        AttrKind::DenseElements { ty, .. } | AttrKind::DenseResource { ty, .. } => {
            vec_shape(ctx, t).is_some()
                && ctx.shape(*ty) == ctx.shape(t)
                && ctx.element_type(*ty) == ctx.element_type(t)
                || matches!(llvm_type(ctx, t), Some(LlvmType::Array { .. }))
        }
        _ => false,
    };
    if !ok {
        return Err(ctx.op_error(
            op,
            format!(
                "result type '{}' does not match the value attribute",
                ty_str(ctx, t)
            ),
        ));
    }
    Ok(())
}

macro_rules! type_only_op {
    ($ty:ident, $name:literal, $summary:literal) => {
        dlc_ir::define_op! {
            #[doc = $summary]
            pub struct $ty = $name {
                summary: $summary,
                results: [res: LLVM_VALUE],
                traits: PURE,
                parse: parse_type_only,
                print: print_type_only,
            }
        }
    };
}
type_only_op!(
    ZeroOp,
    "llvm.mlir.zero",
    "Creates a zero-initialized value of LLVM dialect type."
);
type_only_op!(
    UndefOp,
    "llvm.mlir.undef",
    "Creates an undefined value of LLVM dialect type."
);
type_only_op!(
    PoisonOp,
    "llvm.mlir.poison",
    "Creates a poison value of LLVM dialect type."
);

fn parse_type_only(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let t = p.parse_colon_type()?;
    st.result_types.push(t);
    Ok(())
}

fn print_type_only(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    attr_dict(pr, op, false, &[]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.result(op, 0)));
}

dlc_ir::define_op! {
    /// `llvm.mlir.global internal constant @w(dense<...> : tensor<4xf32>) : !llvm.array<4 x f32>`.
    pub struct GlobalOp = "llvm.mlir.global" {
        summary: "LLVM dialect global.",
        attributes: [
            global_type: TYPE_ATTR,
            sym_name: SYMBOL_NAME_ATTR,
            linkage: LINKAGE_PROP,
            constant[optional]: UNIT_ATTR,
            value[optional]: ANY_ATTR,
            alignment[optional]: I64_PROP,
            addr_space[optional]: I32_PROP,
        ],
        regions: [initializer],
        traits: SYMBOL | ISOLATED_FROM_ABOVE,
        parse: parse_global,
        print: print_global,
        verify: verify_global,
    }
}

fn parse_global(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    parse_linkage(p, st);
    if !st
        .props
        .iter()
        .any(|(n, _)| p.ctx.ident_str(*n) == "linkage")
    {
        return Err(p.error("expected linkage keyword"));
    }
    if p.consume_keyword("constant") {
        let u = p.ctx.unit_attr();
        set_prop(p.ctx, st, "constant", u);
    }
    let name = p.parse_symbol_name()?;
    let a = p.ctx.string_attr(&name);
    set_prop(p.ctx, st, "sym_name", a);
    p.expect(Tok::LParen, "")?;
    if !p.consume_if(Tok::RParen) {
        let v = p.parse_attribute(None)?;
        set_prop(p.ctx, st, "value", v);
        p.expect(Tok::RParen, "")?;
    }
    p.parse_optional_attr_dict(&mut st.attrs)?;
    // Upstream's default-valued `addr_space` is always printed.
    if !st
        .attrs
        .iter()
        .any(|(n, _)| p.ctx.ident_str(*n) == "addr_space")
    {
        let i = p.ctx.i32();
        let z = p.ctx.int_attr(i, 0);
        set_prop(p.ctx, st, "addr_space", z);
    }
    let t = p.parse_colon_type()?;
    let ta = p.ctx.type_attr(t);
    set_prop(p.ctx, st, "global_type", ta);
    let r = p.ctx.create_region();
    if p.peek() == Tok::LBrace {
        return Err(p.error("global initializer regions are not supported; use a value attribute"));
    }
    st.regions.push(r);
    Ok(())
}

fn print_global(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    pr.write(linkage_of(ctx, op));
    if ctx.attr(op, "constant").is_some() {
        pr.write(" constant");
    }
    pr.write(" ");
    pr.print_symbol_name(dlc_ir::symbol::symbol_name(ctx, op).unwrap_or(""));
    pr.write("(");
    if let Some(v) = ctx.attr(op, "value") {
        pr.print_attr(v);
    }
    pr.write(")");
    attr_dict(
        pr,
        op,
        false,
        &["sym_name", "global_type", "linkage", "constant", "value"],
    );
    if let Some(t) = ctx.attr(op, "global_type").and_then(|a| ctx.type_value(a)) {
        pr.write(" : ");
        pr.print_type(t);
    }
}

/// The element count and scalar type of a global's (nested) array type.
pub fn flatten_array(ctx: &Context, t: Type) -> (u64, Type) {
    match llvm_type(ctx, t) {
        Some(LlvmType::Array { len, elem }) => {
            let (n, e) = flatten_array(ctx, elem);
            (len.saturating_mul(n), e)
        }
        _ => (1, t),
    }
}

fn verify_global(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(t) = ctx.attr(op, "global_type").and_then(|a| ctx.type_value(a)) else {
        return Err(ctx.op_error(op, "requires attribute 'global_type'"));
    };
    if !is_valid_value_type(ctx, t) {
        return Err(ctx.op_error(
            op,
            "expects type to be a valid element type for an LLVM global",
        ));
    }
    if let Some(v) = ctx.attr(op, "value") {
        let ok = match ctx.attr_kind(v) {
            AttrKind::Integer { ty, .. } => {
                int_width(ctx, *ty) == int_width(ctx, t) && int_width(ctx, t).is_some()
            }
            AttrKind::Float { ty, .. } => *ty == t,
            AttrKind::String { .. } => matches!(llvm_type(ctx, t), Some(LlvmType::Array { .. })),
            AttrKind::DenseElements { ty, .. } | AttrKind::DenseResource { ty, .. } => {
                let (n, e) = flatten_array(ctx, t);
                let count: Option<i64> = ctx.shape(*ty).map(|s| s.iter().product());
                count == Some(n as i64) && ctx.element_type(*ty) == e
            }
            _ => false,
        };
        if !ok {
            return Err(ctx.op_error(op, "initializer attribute does not match the global type"));
        }
    }
    Ok(())
}

dlc_ir::define_op! {
    /// `%p = llvm.mlir.addressof @g : !llvm.ptr`.
    pub struct AddressOfOp = "llvm.mlir.addressof" {
        summary: "Creates a pointer pointing to a global, alias or a function",
        results: [res: LLVM_PTR],
        attributes: [global_name: FLAT_SYMBOL_REF_ATTR],
        traits: PURE,
        parse: parse_addressof,
        print: print_addressof,
        verify: verify_addressof,
    }
}

fn parse_addressof(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let name = p.parse_symbol_name()?;
    let a = p.ctx.symbol_ref_attr(&name);
    set_prop(p.ctx, st, "global_name", a);
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let t = p.parse_colon_type()?;
    st.result_types.push(t);
    Ok(())
}

fn print_addressof(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    if let Some(a) = ctx.attr(op, "global_name") {
        pr.print_attr(a);
    }
    attr_dict(pr, op, false, &["global_name"]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn verify_addressof(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let Some(a) = ctx.attr(op, "global_name") else {
        return Err(ctx.op_error(op, "requires attribute 'global_name'"));
    };
    let target = dlc_ir::symbol::lookup_symbol_from(ctx, op, a)
        .filter(|&g| matches!(ctx.op_name_str(g), "llvm.mlir.global" | "llvm.func"));
    if target.is_none() {
        return Err(ctx.op_error(op, "must reference a global defined by 'llvm.mlir.global', 'llvm.mlir.alias' or 'llvm.func' or 'llvm.mlir.ifunc'"));
    }
    Ok(())
}

// ----- arithmetic ------------------------------------------------------

/// Integer overflow flags of `llvm.add/sub/mul/shl`.
pub const OVERFLOW_FLAGS: [(&str, i64); 2] = [("nsw", 1), ("nuw", 2)];

macro_rules! int_bin {
    ($ty:ident, $name:literal, $overflow:expr) => {
        dlc_ir::define_op! {
            #[doc = concat!("`", $name, " %a, %b : T`")]
            pub struct $ty = $name {
                summary: "LLVM integer binary operation",
                operands: [lhs: INT_LIKE, rhs: INT_LIKE],
                results: [res: INT_LIKE],
                attributes: [overflowFlags[optional]: I32_PROP],
                traits: PURE | SAME_OPERANDS_AND_RESULT_TYPE,
                parse: |p, st| parse_binary(p, st, $overflow),
                print: print_binary,
                verify: verify_same_types,
            }
        }
    };
}
int_bin!(AddOp, "llvm.add", true);
int_bin!(SubOp, "llvm.sub", true);
int_bin!(MulOp, "llvm.mul", true);
int_bin!(SDivOp, "llvm.sdiv", false);
int_bin!(UDivOp, "llvm.udiv", false);
int_bin!(SRemOp, "llvm.srem", false);
int_bin!(URemOp, "llvm.urem", false);
int_bin!(AndOp, "llvm.and", false);
int_bin!(OrOp, "llvm.or", false);
int_bin!(XOrOp, "llvm.xor", false);
int_bin!(ShlOp, "llvm.shl", true);
int_bin!(LShrOp, "llvm.lshr", false);
int_bin!(AShrOp, "llvm.ashr", false);

macro_rules! float_bin {
    ($ty:ident, $name:literal) => {
        dlc_ir::define_op! {
            #[doc = concat!("`", $name, " %a, %b : T`")]
            pub struct $ty = $name {
                summary: "LLVM floating-point binary operation",
                operands: [lhs: FLOAT_LIKE, rhs: FLOAT_LIKE],
                results: [res: FLOAT_LIKE],
                attributes: [fastmathFlags[optional]: FASTMATH_PROP],
                traits: PURE | SAME_OPERANDS_AND_RESULT_TYPE,
                parse: |p, st| parse_binary(p, st, false),
                print: print_binary,
                verify: verify_same_types,
            }
        }
    };
}
float_bin!(FAddOp, "llvm.fadd");
float_bin!(FSubOp, "llvm.fsub");
float_bin!(FMulOp, "llvm.fmul");
float_bin!(FDivOp, "llvm.fdiv");
float_bin!(FRemOp, "llvm.frem");

dlc_ir::define_op! {
    /// `%r = llvm.fneg %a : f32`.
    pub struct FNegOp = "llvm.fneg" {
        summary: "LLVM floating-point negation",
        operands: [operand: FLOAT_LIKE],
        results: [res: FLOAT_LIKE],
        attributes: [fastmathFlags[optional]: FASTMATH_PROP],
        traits: PURE | SAME_OPERANDS_AND_RESULT_TYPE,
        parse: |p, st| parse_binary(p, st, false),
        print: print_binary,
        verify: verify_same_types,
    }
}

/// Parses `%a[, %b...] [overflow<flags>] attr-dict : T` (all one type).
fn parse_binary(
    p: &mut OpAsmParser<'_, '_>,
    st: &mut OperationState,
    overflow: bool,
) -> PResult<()> {
    let t = p.token();
    let ops = p.parse_operand_list()?;
    if overflow && p.consume_keyword("overflow") {
        p.expect(Tok::Less, "")?;
        let mut bits = 0;
        loop {
            let wt = p.token();
            let w = p.parse_keyword()?;
            bits |= match OVERFLOW_FLAGS.iter().find(|f| f.0 == w) {
                Some(f) => f.1,
                None if w == "none" => 0,
                None => {
                    return Err(p.error_at(
                        wt,
                        "expected ::mlir::LLVM::IntegerOverflowFlags to be one of: none, nsw, nuw",
                    ));
                }
            };
            if !p.consume_if(Tok::Comma) {
                break;
            }
        }
        p.expect(Tok::Greater, "")?;
        let i = p.ctx.i32();
        let a = p.ctx.int_attr(i, bits as i128);
        set_prop(p.ctx, st, "overflowFlags", a);
    }
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let ty = p.parse_colon_type()?;
    let tys = vec![ty; ops.len()];
    st.operands = p.resolve_operands(&ops, &tys, t)?;
    st.result_types.push(ty);
    Ok(())
}

fn print_binary(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    pr.print_operands(&ctx.operand_vec(op));
    let flags = ctx
        .attr(op, "overflowFlags")
        .and_then(|a| ctx.int_value(a))
        .unwrap_or(0) as i64;
    if flags != 0 {
        let names: Vec<&str> = OVERFLOW_FLAGS
            .iter()
            .filter(|f| flags & f.1 != 0)
            .map(|f| f.0)
            .collect();
        pr.write(&format!(" overflow<{}>", names.join(", ")));
    }
    let mut elided = vec!["overflowFlags"];
    if ctx
        .attr(op, "fastmathFlags")
        .and_then(|a| fastmath_bits(ctx, a))
        == Some(0)
    {
        elided.push("fastmathFlags");
    }
    attr_dict(pr, op, false, &elided);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn verify_same_types(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let r = ctx.value_type(ctx.result(op, 0));
    for t in ctx.operand_types(op) {
        if t != r {
            return Err(ctx.op_error(op, "requires the same type for all operands and results"));
        }
    }
    Ok(())
}

// ----- comparisons and select --------------------------------------------

/// `llvm.icmp` predicates, by value.
pub const ICMP_PREDICATES: &[&str] = &[
    "eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge",
];
/// `llvm.fcmp` predicates, by value.
pub const FCMP_PREDICATES: &[&str] = &[
    "_false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt", "uge", "ult", "ule",
    "une", "uno", "_true",
];

dlc_ir::define_op! {
    /// `%c = llvm.icmp "slt" %a, %b : i64`.
    pub struct ICmpOp = "llvm.icmp" {
        summary: "LLVM integer comparison",
        operands: [lhs: INT_LIKE, rhs: INT_LIKE],
        results: [res: I1_LIKE],
        attributes: [predicate: I64_PROP],
        traits: PURE | SAME_TYPE_OPERANDS,
        parse: |p, st| parse_cmp(p, st, ICMP_PREDICATES),
        print: |pr, op| print_cmp(pr, op, ICMP_PREDICATES),
        verify: |c, op| verify_cmp(c, op, ICMP_PREDICATES),
    }
}
dlc_ir::define_op! {
    /// `%c = llvm.fcmp "olt" %a, %b : f32`.
    pub struct FCmpOp = "llvm.fcmp" {
        summary: "LLVM floating-point comparison",
        operands: [lhs: FLOAT_LIKE, rhs: FLOAT_LIKE],
        results: [res: I1_LIKE],
        attributes: [predicate: I64_PROP, fastmathFlags[optional]: FASTMATH_PROP],
        traits: PURE | SAME_TYPE_OPERANDS,
        parse: |p, st| parse_cmp(p, st, FCMP_PREDICATES),
        print: |pr, op| print_cmp(pr, op, FCMP_PREDICATES),
        verify: |c, op| verify_cmp(c, op, FCMP_PREDICATES),
    }
}

/// The i1 (or vector of i1) type matching `t`'s shape.
fn bool_like(ctx: &mut Context, t: Type) -> Type {
    let i1 = ctx.i1();
    match vec_shape(ctx, t) {
        Some(s) => ctx.vector_type(&s, i1),
        None => i1,
    }
}

fn parse_cmp(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState, preds: &[&str]) -> PResult<()> {
    let pt = p.expect(Tok::String, "")?;
    let text = p.text(pt);
    let text = &text[1..text.len() - 1];
    let Some(i) = preds.iter().position(|&x| x == text) else {
        return Err(p.error_at(
            pt,
            format!("expected one of [{}] for the predicate", preds.join(", ")),
        ));
    };
    let a = i64_attr(p.ctx, i as i64);
    set_prop(p.ctx, st, "predicate", a);
    let t = p.token();
    let ops = p.parse_operand_list()?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let ty = p.parse_colon_type()?;
    st.operands = p.resolve_operands(&ops, &vec![ty; ops.len()], t)?;
    let r = bool_like(p.ctx, ty);
    st.result_types.push(r);
    Ok(())
}

fn print_cmp(pr: &mut OpAsmPrinter<'_>, op: Op, preds: &[&str]) {
    let ctx = pr.ctx;
    let i = ctx
        .attr(op, "predicate")
        .and_then(|a| ctx.int_value(a))
        .unwrap_or(0) as usize;
    pr.write(&format!(" \"{}\" ", preds.get(i).copied().unwrap_or("eq")));
    pr.print_operands(&ctx.operand_vec(op));
    let mut elided = vec!["predicate"];
    if ctx
        .attr(op, "fastmathFlags")
        .and_then(|a| fastmath_bits(ctx, a))
        == Some(0)
    {
        elided.push("fastmathFlags");
    }
    attr_dict(pr, op, false, &elided);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.operand(op, 0)));
}

fn verify_cmp(ctx: &Context, op: Op, preds: &[&str]) -> Result<(), Diagnostic> {
    let p = ctx.attr(op, "predicate").and_then(|a| ctx.int_value(a));
    if !p.is_some_and(|p| p >= 0 && (p as usize) < preds.len()) {
        return Err(ctx.op_error(op, "invalid predicate"));
    }
    let l = ctx.value_type(ctx.operand(op, 0));
    if ctx.value_type(ctx.operand(op, 1)) != l {
        return Err(ctx.op_error(op, "requires all operands to have the same type"));
    }
    let r = ctx.value_type(ctx.result(op, 0));
    if vec_shape(ctx, l) != vec_shape(ctx, r) {
        return Err(ctx.op_error(op, "result must have the shape of the operands"));
    }
    Ok(())
}

dlc_ir::define_op! {
    /// `%r = llvm.select %c, %a, %b : i1, f32`.
    pub struct SelectOp = "llvm.select" {
        summary: "LLVM select",
        operands: [condition: I1_LIKE, trueValue: LLVM_VALUE, falseValue: LLVM_VALUE],
        results: [res: LLVM_VALUE],
        attributes: [fastmathFlags[optional]: FASTMATH_PROP],
        traits: PURE,
        parse: parse_select,
        print: print_select,
        verify: verify_select,
    }
}

fn parse_select(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let t = p.token();
    let ops = p.parse_operand_list()?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let ct = p.parse_colon_type()?;
    p.expect(Tok::Comma, "")?;
    let vt = p.parse_type()?;
    if ops.len() != 3 {
        return Err(p.error_at(t, format!("{} operands present, but expected 3", ops.len())));
    }
    st.operands = p.resolve_operands(&ops, &[ct, vt, vt], t)?;
    st.result_types.push(vt);
    Ok(())
}

fn print_select(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    pr.print_operands(&ctx.operand_vec(op));
    attr_dict(pr, op, false, &[]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.operand(op, 0)));
    pr.write(", ");
    pr.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn verify_select(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let ts = ctx.operand_types(op);
    let r = ctx.value_type(ctx.result(op, 0));
    if ts[1] != r || ts[2] != r {
        return Err(ctx.op_error(
            op,
            "requires the true and false values and the result to have the same type",
        ));
    }
    if vec_shape(ctx, ts[0]).is_some() && vec_shape(ctx, ts[0]) != vec_shape(ctx, r) {
        return Err(ctx.op_error(op, "vector condition must match the shape of the values"));
    }
    Ok(())
}

// ----- casts -------------------------------------------------------------

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum CastKind {
    SExt,
    ZExt,
    Trunc,
    SIToFP,
    UIToFP,
    FPToSI,
    FPToUI,
    FPExt,
    FPTrunc,
    Bitcast,
    PtrToInt,
    IntToPtr,
}

macro_rules! cast_op {
    ($ty:ident, $name:literal, $kind:expr) => {
        dlc_ir::define_op! {
            #[doc = concat!("`", $name, " %x : A to B`")]
            pub struct $ty = $name {
                summary: "LLVM cast",
                operands: [arg: LLVM_VALUE],
                results: [res: LLVM_VALUE],
                traits: PURE,
                parse: parse_cast,
                print: print_cast,
                verify: |c, op| verify_cast(c, op, $kind),
            }
        }
    };
}
cast_op!(SExtOp, "llvm.sext", CastKind::SExt);
cast_op!(ZExtOp, "llvm.zext", CastKind::ZExt);
cast_op!(TruncOp, "llvm.trunc", CastKind::Trunc);
cast_op!(SIToFPOp, "llvm.sitofp", CastKind::SIToFP);
cast_op!(UIToFPOp, "llvm.uitofp", CastKind::UIToFP);
cast_op!(FPToSIOp, "llvm.fptosi", CastKind::FPToSI);
cast_op!(FPToUIOp, "llvm.fptoui", CastKind::FPToUI);
cast_op!(FPExtOp, "llvm.fpext", CastKind::FPExt);
cast_op!(FPTruncOp, "llvm.fptrunc", CastKind::FPTrunc);
cast_op!(BitcastOp, "llvm.bitcast", CastKind::Bitcast);
cast_op!(PtrToIntOp, "llvm.ptrtoint", CastKind::PtrToInt);
cast_op!(IntToPtrOp, "llvm.inttoptr", CastKind::IntToPtr);

/// The cast kind of a cast op name.
pub fn cast_kind(name: &str) -> Option<CastKind> {
    Some(match name {
        "llvm.sext" => CastKind::SExt,
        "llvm.zext" => CastKind::ZExt,
        "llvm.trunc" => CastKind::Trunc,
        "llvm.sitofp" => CastKind::SIToFP,
        "llvm.uitofp" => CastKind::UIToFP,
        "llvm.fptosi" => CastKind::FPToSI,
        "llvm.fptoui" => CastKind::FPToUI,
        "llvm.fpext" => CastKind::FPExt,
        "llvm.fptrunc" => CastKind::FPTrunc,
        "llvm.bitcast" => CastKind::Bitcast,
        "llvm.ptrtoint" => CastKind::PtrToInt,
        "llvm.inttoptr" => CastKind::IntToPtr,
        _ => return None,
    })
}

fn parse_cast(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let v = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let a = p.parse_colon_type()?;
    p.expect_keyword("to")?;
    let b = p.parse_type()?;
    st.operands.push(p.resolve_operand(&v, a)?);
    st.result_types.push(b);
    Ok(())
}

fn print_cast(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    pr.print_operand(ctx.operand(op, 0));
    attr_dict(pr, op, false, &[]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.operand(op, 0)));
    pr.write(" to ");
    pr.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn verify_cast(ctx: &Context, op: Op, k: CastKind) -> Result<(), Diagnostic> {
    let a = ctx.value_type(ctx.operand(op, 0));
    let b = ctx.value_type(ctx.result(op, 0));
    let (ai, bi) = (int_width(ctx, a), int_width(ctx, b));
    let (af, bf) = (float_width(ctx, a), float_width(ctx, b));
    let shape_ok = vec_shape(ctx, a) == vec_shape(ctx, b);
    let ok = shape_ok
        && match k {
            CastKind::SExt | CastKind::ZExt => matches!((ai, bi), (Some(x), Some(y)) if x < y),
            CastKind::Trunc => matches!((ai, bi), (Some(x), Some(y)) if x > y),
            CastKind::SIToFP | CastKind::UIToFP => ai.is_some() && bf.is_some(),
            CastKind::FPToSI | CastKind::FPToUI => af.is_some() && bi.is_some(),
            CastKind::FPExt => matches!((af, bf), (Some(x), Some(y)) if x < y),
            CastKind::FPTrunc => matches!((af, bf), (Some(x), Some(y)) if x > y),
            CastKind::PtrToInt => is_ptr(ctx, scalar(ctx, a)) && bi.is_some(),
            CastKind::IntToPtr => ai.is_some() && is_ptr(ctx, scalar(ctx, b)),
            CastKind::Bitcast => {
                let w = |t: Type| {
                    let n: i64 = vec_shape(ctx, t).map_or(1, |s| s.iter().product());
                    int_width(ctx, t)
                        .or(float_width(ctx, t))
                        .map(|w| w as i64 * n)
                };
                (is_ptr(ctx, a) && is_ptr(ctx, b))
                    || matches!((w(a), w(b)), (Some(x), Some(y)) if x == y)
            }
        };
    if ok
        || !shape_ok && k == CastKind::Bitcast && {
            let w = |t: Type| {
                let n: i64 = vec_shape(ctx, t).map_or(1, |s| s.iter().product());
                int_width(ctx, t)
                    .or(float_width(ctx, t))
                    .map(|w| w as i64 * n)
            };
            matches!((w(a), w(b)), (Some(x), Some(y)) if x == y)
        }
    {
        return Ok(());
    }
    Err(ctx.op_error(
        op,
        format!(
            "invalid cast from '{}' to '{}'",
            ty_str(ctx, a),
            ty_str(ctx, b)
        ),
    ))
}

// ----- vector elements -----------------------------------------------------

/// A builtin 1-D vector of signless integers, floats or pointers (the
/// vectors LLVM IR has; the trailing dimension may be scalable).
pub fn is_compat_vector(ctx: &Context, t: Type) -> bool {
    match ctx.type_kind(t) {
        TypeKind::Vector { shape, elem, .. } if shape.len() == 1 => {
            is_signless_int(ctx, *elem)
                || matches!(ctx.type_kind(*elem), TypeKind::Float(_))
                || is_ptr(ctx, *elem)
        }
        _ => false,
    }
}
fn is_signless_int(ctx: &Context, t: Type) -> bool {
    matches!(
        ctx.type_kind(t),
        TypeKind::Integer {
            signedness: dlc_ir::types::Signedness::Signless,
            ..
        }
    )
}
fn vec_elem(ctx: &Context, t: Type) -> Option<Type> {
    match ctx.type_kind(t) {
        TypeKind::Vector { elem, .. } => Some(*elem),
        _ => None,
    }
}
fn is_scalable(ctx: &Context, t: Type) -> bool {
    matches!(ctx.type_kind(t), TypeKind::Vector { scalable, .. } if scalable.iter().any(|&s| s))
}

pub const LLVM_VECTOR: dlc_ir::TypeConstraint = dlc_ir::TypeConstraint {
    desc: "LLVM dialect-compatible vector type",
    check: is_compat_vector,
};
pub const SIGNLESS_INT: dlc_ir::TypeConstraint = dlc_ir::TypeConstraint {
    desc: "signless integer",
    check: is_signless_int,
};

dlc_ir::define_op! {
    /// `%r = llvm.insertelement %x, %v[%i : i32] : vector<8xf32>`.
    pub struct InsertElementOp = "llvm.insertelement" {
        summary: "Insert an element into a vector.",
        operands: [vector: LLVM_VECTOR, value: LLVM_VALUE, position: SIGNLESS_INT],
        results: [res: LLVM_VECTOR],
        traits: PURE,
        parse: parse_insertelement,
        print: print_insertelement,
        verify: verify_insertelement,
    }
}

dlc_ir::define_op! {
    /// `%x = llvm.extractelement %v[%i : i32] : vector<8xf32>`.
    pub struct ExtractElementOp = "llvm.extractelement" {
        summary: "Extract an element from a vector.",
        operands: [vector: LLVM_VECTOR, position: SIGNLESS_INT],
        results: [res: LLVM_VALUE],
        traits: PURE,
        parse: parse_extractelement,
        print: print_extractelement,
        verify: verify_extractelement,
    }
}

dlc_ir::define_op! {
    /// `%r = llvm.shufflevector %a, %b [0, -1, 9] : vector<8xf32>` (mask
    /// index `-1` is a poison lane; the result has one lane per index).
    pub struct ShuffleVectorOp = "llvm.shufflevector" {
        summary: "Construct a permutation of two vectors.",
        operands: [v1: LLVM_VECTOR, v2: LLVM_VECTOR],
        results: [res: LLVM_VECTOR],
        attributes: [mask: DENSE_I32_ARRAY_ATTR],
        traits: PURE,
        parse: parse_shufflevector,
        print: print_shufflevector,
        verify: verify_shufflevector,
    }
}

/// The type after a custom form's `:`, which must be a builtin vector.
fn parse_vector_type(p: &mut OpAsmParser<'_, '_>) -> PResult<Type> {
    p.expect(Tok::Colon, "")?;
    let tok = p.token();
    let t = p.parse_type()?;
    if vec_elem(p.ctx, t).is_none() {
        let s = ty_str(p.ctx, t);
        return Err(p.error_at(
            tok,
            format!("invalid kind of type specified: expected builtin.vector, but found '{s}'"),
        ));
    }
    Ok(t)
}

/// `[%i : i32]`: a position operand and its integer type.
fn parse_position<'s>(p: &mut OpAsmParser<'s, '_>) -> PResult<(UnresolvedOperand<'s>, Type)> {
    p.expect(Tok::LSquare, "")?;
    let i = p.parse_operand()?;
    p.expect(Tok::Colon, "")?;
    let tok = p.token();
    let t = p.parse_type()?;
    if !matches!(p.ctx.type_kind(t), TypeKind::Integer { .. }) {
        let s = ty_str(p.ctx, t);
        return Err(p.error_at(
            tok,
            format!("invalid kind of type specified: expected builtin.integer, but found '{s}'"),
        ));
    }
    p.expect(Tok::RSquare, "")?;
    Ok((i, t))
}

fn print_position(pr: &mut OpAsmPrinter<'_>, op: Op, i: usize) {
    let ctx = pr.ctx;
    let v = ctx.operand(op, i);
    pr.write("[");
    pr.print_operand(v);
    pr.write(" : ");
    pr.print_type(ctx.value_type(v));
    pr.write("]");
}

fn parse_insertelement(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let x = p.parse_operand()?;
    p.expect(Tok::Comma, "")?;
    let v = p.parse_operand()?;
    let (i, it) = parse_position(p)?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let vt = parse_vector_type(p)?;
    let et = vec_elem(p.ctx, vt).unwrap_or(vt);
    st.operands.push(p.resolve_operand(&v, vt)?);
    st.operands.push(p.resolve_operand(&x, et)?);
    st.operands.push(p.resolve_operand(&i, it)?);
    st.result_types.push(vt);
    Ok(())
}

fn print_insertelement(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    pr.print_operand(ctx.operand(op, 1));
    pr.write(", ");
    pr.print_operand(ctx.operand(op, 0));
    print_position(pr, op, 2);
    attr_dict(pr, op, false, &[]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.operand(op, 0)));
}

fn verify_insertelement(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let ts = ctx.operand_types(op);
    if vec_elem(ctx, ts[0]) != Some(ts[1]) {
        return Err(ctx.op_error(
            op,
            "failed to verify that argument type matches vector element type",
        ));
    }
    if ctx.value_type(ctx.result(op, 0)) != ts[0] {
        return Err(ctx.op_error(
            op,
            "failed to verify that all of {res, vector} have same type",
        ));
    }
    Ok(())
}

fn parse_extractelement(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let v = p.parse_operand()?;
    let (i, it) = parse_position(p)?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let vt = parse_vector_type(p)?;
    let et = vec_elem(p.ctx, vt).unwrap_or(vt);
    st.operands.push(p.resolve_operand(&v, vt)?);
    st.operands.push(p.resolve_operand(&i, it)?);
    st.result_types.push(et);
    Ok(())
}

fn print_extractelement(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    pr.print_operand(ctx.operand(op, 0));
    print_position(pr, op, 1);
    attr_dict(pr, op, false, &[]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.operand(op, 0)));
}

fn verify_extractelement(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let vt = ctx.value_type(ctx.operand(op, 0));
    if vec_elem(ctx, vt) != Some(ctx.value_type(ctx.result(op, 0))) {
        return Err(ctx.op_error(
            op,
            "failed to verify that result type matches vector element type",
        ));
    }
    Ok(())
}

/// The result type of a shuffle of `v1`-typed vectors by a mask of `n`
/// indices: `n` lanes of the same element type (scalable if `v1` is).
pub fn shuffle_result_type(ctx: &mut Context, v1: Type, n: usize) -> Option<Type> {
    let TypeKind::Vector { elem, .. } = ctx.type_kind(v1) else {
        return None;
    };
    let elem = *elem;
    let scalable = is_scalable(ctx, v1);
    Some(ctx.intern_type(TypeKind::Vector {
        shape: vec![n as i64].into(),
        scalable: vec![scalable].into(),
        elem,
    }))
}

fn parse_shufflevector(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let t = p.token();
    let a = p.parse_operand()?;
    p.expect(Tok::Comma, "")?;
    let b = p.parse_operand()?;
    p.expect(Tok::LSquare, "")?;
    let mut mask = Vec::new();
    if !p.consume_if(Tok::RSquare) {
        loop {
            let neg = p.consume_if(Tok::Minus);
            let it = p.expect(Tok::Integer, "")?;
            let v: i64 = p
                .text(it)
                .parse()
                .map_err(|_| p.error_at(it, "invalid integer"))?;
            let v = i32::try_from(if neg { -v } else { v })
                .map_err(|_| p.error_at(it, "integer value too large"))?;
            mask.push(v);
            if !p.consume_if(Tok::Comma) {
                break;
            }
        }
        p.expect(Tok::RSquare, "")?;
    }
    let m = p.ctx.dense_i32_array(&mask);
    set_prop(p.ctx, st, "mask", m);
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let vt = parse_vector_type(p)?;
    st.operands = p.resolve_operands(&[a, b], &[vt, vt], t)?;
    let rt = shuffle_result_type(p.ctx, vt, mask.len()).unwrap_or(vt);
    st.result_types.push(rt);
    Ok(())
}

fn print_shufflevector(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    pr.print_operands(&ctx.operand_vec(op));
    let mask = ctx
        .attr(op, "mask")
        .and_then(|a| ctx.dense_int_array(a))
        .unwrap_or_default();
    let mask: Vec<String> = mask.iter().map(|m| m.to_string()).collect();
    pr.write(&format!(" [{}]", mask.join(", ")));
    attr_dict(pr, op, false, &["mask"]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.operand(op, 0)));
    // Upstream's format ends with an empty `custom<ShuffleType>` directive,
    // which leaves a space behind.
    pr.write(" ");
}

/// Besides upstream's checks (same operand types, splat masks on scalable
/// vectors), the mask must be non-empty with indices in `[-1, 2n)` and the
/// result must have one lane per index: LLVM IR accepts nothing else.
fn verify_shufflevector(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let v1 = ctx.value_type(ctx.operand(op, 0));
    if ctx.value_type(ctx.operand(op, 1)) != v1 {
        return Err(ctx.op_error(op, "failed to verify that all of {v1, v2} have same type"));
    }
    let mask = ctx
        .attr(op, "mask")
        .and_then(|a| ctx.dense_int_array(a))
        .unwrap_or_default();
    if is_scalable(ctx, v1) && mask.iter().any(|&m| m != 0) {
        return Err(ctx.op_error(op, "expected a splat operation for scalable vectors"));
    }
    if mask.is_empty() {
        return Err(ctx.op_error(op, "expected a non-empty mask"));
    }
    let n = vec_shape(ctx, v1).map_or(0, |s| s[0]);
    if let Some(&m) = mask.iter().find(|&&m| m < -1 || m >= 2 * n) {
        return Err(ctx.op_error(
            op,
            format!(
                "mask index {m} out of range [-1, {}) for two vectors of {n} lanes",
                2 * n
            ),
        ));
    }
    let r = ctx.value_type(ctx.result(op, 0));
    let ok = vec_elem(ctx, r) == vec_elem(ctx, v1)
        && vec_shape(ctx, r) == Some(vec![mask.len() as i64])
        && is_scalable(ctx, r) == is_scalable(ctx, v1);
    if !ok {
        return Err(ctx.op_error(
            op,
            format!(
                "result type '{}' does not match a {} lane shuffle of '{}'",
                ty_str(ctx, r),
                mask.len(),
                ty_str(ctx, v1)
            ),
        ));
    }
    Ok(())
}

// ----- memory ------------------------------------------------------------

/// The marker of a dynamic index in `rawConstantIndices`.
pub const DYNAMIC_INDEX: i32 = i32::MIN;
/// GEP no-wrap flags, as upstream prints them.
pub const GEP_FLAGS: [(&str, i64); 3] = [("inbounds", 3), ("nusw", 2), ("nuw", 4)];

dlc_ir::define_op! {
    /// `%p = llvm.getelementptr inbounds %base[%i, 1] : (!llvm.ptr, i64) -> !llvm.ptr, T`.
    pub struct GEPOp = "llvm.getelementptr" {
        summary: "LLVM getelementptr",
        operands: [base: LLVM_PTR, dynamicIndices[variadic]: INT_LIKE],
        results: [res: LLVM_PTR],
        attributes: [
            rawConstantIndices: DENSE_I32_ARRAY_ATTR,
            elem_type: TYPE_ATTR,
            noWrapFlags[optional]: I32_PROP,
        ],
        traits: PURE,
        parse: parse_gep,
        print: print_gep,
        verify: verify_gep,
    }
}

/// A GEP index: a constant or the `i`th dynamic index operand.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum GepIndex {
    Const(i32),
    Dynamic(usize),
}

/// The indices of an `llvm.getelementptr`, in order.
pub fn gep_indices(ctx: &Context, op: Op) -> Vec<GepIndex> {
    let raw = ctx
        .attr(op, "rawConstantIndices")
        .and_then(|a| ctx.dense_int_array(a))
        .unwrap_or_default();
    let mut d = 0;
    raw.iter()
        .map(|&r| {
            if r as i32 == DYNAMIC_INDEX {
                d += 1;
                GepIndex::Dynamic(d - 1)
            } else {
                GepIndex::Const(r as i32)
            }
        })
        .collect()
}

fn parse_gep(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let mut flags = 0;
    while let Some(f) = p
        .at_keyword()
        .and_then(|k| GEP_FLAGS.iter().find(|f| f.0 == k))
    {
        p.bump();
        flags |= f.1;
        if !p.consume_if(Tok::VerticalBar) {
            break;
        }
    }
    if flags != 0 {
        let i = p.ctx.i32();
        let a = p.ctx.int_attr(i, flags as i128);
        set_prop(p.ctx, st, "noWrapFlags", a);
    }
    let base = p.parse_operand()?;
    p.expect(Tok::LSquare, "")?;
    let mut raw = Vec::new();
    let mut dyns = Vec::new();
    let it = p.token();
    if !p.consume_if(Tok::RSquare) {
        loop {
            if p.peek() == Tok::PercentIdent {
                dyns.push(p.parse_operand()?);
                raw.push(DYNAMIC_INDEX);
            } else {
                let neg = p.consume_if(Tok::Minus);
                let t = p.expect(Tok::Integer, "")?;
                let v: i64 = p
                    .text(t)
                    .parse()
                    .map_err(|_| p.error_at(t, "invalid integer"))?;
                let v = if neg { -v } else { v };
                let v = i32::try_from(v)
                    .ok()
                    .filter(|&v| v != DYNAMIC_INDEX)
                    .ok_or_else(|| p.error_at(t, "constant index out of range"))?;
                raw.push(v);
            }
            if !p.consume_if(Tok::Comma) {
                break;
            }
        }
        p.expect(Tok::RSquare, "")?;
    }
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let ct = p.expect(Tok::Colon, "")?;
    let fty = p.parse_type()?;
    let Some((ins, outs)) = p
        .ctx
        .function_type_parts(fty)
        .map(|(a, b)| (a.to_vec(), b.to_vec()))
    else {
        return Err(p.error_at(ct, "expected function type"));
    };
    p.expect(Tok::Comma, "")?;
    let elem = p.parse_type()?;
    if ins.len() != dyns.len() + 1 || outs.len() != 1 {
        return Err(p.error_at(it, "number of operand types does not match the indices"));
    }
    let mut operands = vec![p.resolve_operand(&base, ins[0])?];
    operands.extend(p.resolve_operands(&dyns, &ins[1..], it)?);
    st.operands = operands;
    st.result_types = outs;
    let r = p.ctx.dense_i32_array(&raw);
    set_prop(p.ctx, st, "rawConstantIndices", r);
    let e = p.ctx.type_attr(elem);
    set_prop(p.ctx, st, "elem_type", e);
    Ok(())
}

fn print_gep(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    let flags = ctx
        .attr(op, "noWrapFlags")
        .and_then(|a| ctx.int_value(a))
        .unwrap_or(0) as i64;
    let mut names = Vec::new();
    let mut rest = flags;
    for (n, b) in GEP_FLAGS {
        if rest & b == b {
            names.push(n);
            rest &= !b;
        }
    }
    if !names.is_empty() {
        pr.write(" ");
        pr.write(&names.join("|"));
    }
    let ops = ctx.operand_vec(op);
    pr.write(" ");
    pr.print_operand(ops[0]);
    pr.write("[");
    for (i, idx) in gep_indices(ctx, op).into_iter().enumerate() {
        if i > 0 {
            pr.write(", ");
        }
        match idx {
            GepIndex::Const(c) => pr.write(&c.to_string()),
            GepIndex::Dynamic(d) => match ops.get(d + 1) {
                Some(&v) => pr.print_operand(v),
                None => pr.write("<<missing>>"),
            },
        }
    }
    pr.write("]");
    attr_dict(
        pr,
        op,
        false,
        &["rawConstantIndices", "elem_type", "noWrapFlags"],
    );
    pr.write(" : ");
    pr.print_function_sig(&ctx.operand_types(op), &ctx.result_types(op));
    pr.write(", ");
    if let Some(t) = ctx.attr(op, "elem_type").and_then(|a| ctx.type_value(a)) {
        pr.print_type(t);
    }
}

fn verify_gep(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    let idx = gep_indices(ctx, op);
    let ndyn = idx
        .iter()
        .filter(|i| matches!(i, GepIndex::Dynamic(_)))
        .count();
    if ndyn + 1 != ctx.num_operands(op) {
        return Err(ctx.op_error(
            op,
            "expected as many dynamic indices as specified in 'rawConstantIndices'",
        ));
    }
    let Some(mut t) = ctx.attr(op, "elem_type").and_then(|a| ctx.type_value(a)) else {
        return Err(ctx.op_error(op, "requires attribute 'elem_type'"));
    };
    if !is_valid_value_type(ctx, t) {
        return Err(ctx.op_error(op, "invalid element type"));
    }
    for (pos, i) in idx.iter().enumerate().skip(1) {
        match llvm_type(ctx, t) {
            Some(LlvmType::Struct { elems, .. }) => match i {
                GepIndex::Const(c) if *c >= 0 && (*c as usize) < elems.len() => {
                    t = elems[*c as usize]
                }
                GepIndex::Const(_) => {
                    return Err(ctx.op_error(
                        op,
                        format!("index {pos} indexing a struct is out of bounds"),
                    ));
                }
                GepIndex::Dynamic(_) => {
                    return Err(ctx.op_error(
                        op,
                        format!("expected index {pos} indexing a struct to be constant"),
                    ));
                }
            },
            Some(LlvmType::Array { elem, .. }) => t = elem,
            _ => match ctx.type_kind(t) {
                TypeKind::Vector { elem, .. } => t = *elem,
                _ => {
                    return Err(ctx.op_error(
                        op,
                        format!("type '{}' cannot be indexed (index #{pos})", ty_str(ctx, t)),
                    ));
                }
            },
        }
    }
    Ok(())
}

dlc_ir::define_op! {
    /// `%v = llvm.load %p {alignment = 4 : i64} : !llvm.ptr -> f32`.
    pub struct LoadOp = "llvm.load" {
        summary: "LLVM load",
        operands: [addr: LLVM_PTR],
        results: [res: LLVM_VALUE],
        attributes: [alignment[optional]: I64_PROP, volatile_[optional]: UNIT_ATTR, nontemporal[optional]: UNIT_ATTR],
        traits: MEMORY_READ,
        parse: parse_load,
        print: print_load,
        verify: verify_alignment,
    }
}

fn parse_load(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    if p.consume_keyword("volatile") {
        let u = p.ctx.unit_attr();
        set_prop(p.ctx, st, "volatile_", u);
    }
    let a = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let pt = p.parse_colon_type()?;
    p.expect(Tok::Arrow, "")?;
    let rt = p.parse_type()?;
    st.operands.push(p.resolve_operand(&a, pt)?);
    st.result_types.push(rt);
    Ok(())
}

fn print_load(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    if ctx.attr(op, "volatile_").is_some() {
        pr.write(" volatile");
    }
    pr.write(" ");
    pr.print_operand(ctx.operand(op, 0));
    attr_dict(pr, op, false, &["volatile_"]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.operand(op, 0)));
    pr.write(" -> ");
    pr.print_type(ctx.value_type(ctx.result(op, 0)));
}

fn verify_alignment(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    if let Some(a) = ctx.attr(op, "alignment").and_then(|a| ctx.int_value(a))
        && (a <= 0 || a & (a - 1) != 0)
    {
        return Err(ctx.op_error(op, "expected alignment to be a power of two"));
    }
    Ok(())
}

dlc_ir::define_op! {
    /// `llvm.store %v, %p {alignment = 4 : i64} : f32, !llvm.ptr`.
    pub struct StoreOp = "llvm.store" {
        summary: "LLVM store",
        operands: [value: LLVM_VALUE, addr: LLVM_PTR],
        attributes: [alignment[optional]: I64_PROP, volatile_[optional]: UNIT_ATTR, nontemporal[optional]: UNIT_ATTR],
        traits: MEMORY_WRITE,
        parse: parse_store,
        print: print_store,
        verify: verify_alignment,
    }
}

fn parse_store(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    if p.consume_keyword("volatile") {
        let u = p.ctx.unit_attr();
        set_prop(p.ctx, st, "volatile_", u);
    }
    let v = p.parse_operand()?;
    p.expect(Tok::Comma, "")?;
    let a = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let vt = p.parse_colon_type()?;
    p.expect(Tok::Comma, "")?;
    let pt = p.parse_type()?;
    st.operands.push(p.resolve_operand(&v, vt)?);
    st.operands.push(p.resolve_operand(&a, pt)?);
    Ok(())
}

fn print_store(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    if ctx.attr(op, "volatile_").is_some() {
        pr.write(" volatile");
    }
    pr.write(" ");
    pr.print_operands(&ctx.operand_vec(op));
    attr_dict(pr, op, false, &["volatile_"]);
    pr.write(" : ");
    pr.print_type(ctx.value_type(ctx.operand(op, 0)));
    pr.write(", ");
    pr.print_type(ctx.value_type(ctx.operand(op, 1)));
}

// ----- control flow ------------------------------------------------------

dlc_ir::define_op! {
    /// `llvm.br ^bb1(%a : i64)`.
    pub struct BrOp = "llvm.br" {
        summary: "LLVM unconditional branch",
        operands: [destOperands[variadic]: LLVM_VALUE],
        successors: [dest],
        traits: PURE | TERMINATOR,
        parse: parse_br,
        print: print_br,
        verify: verify_branch,
        interfaces: Interfaces {
            successor_operands: Some(|c, op, _| 0..c.num_operands(op)),
            ..Interfaces::NONE
        },
    }
}

dlc_ir::define_op! {
    /// `llvm.cond_br %c, ^bb1(%a : i64), ^bb2`.
    pub struct CondBrOp = "llvm.cond_br" {
        summary: "LLVM conditional branch",
        operands: [condition: I1_LIKE, trueDestOperands[variadic]: LLVM_VALUE, falseDestOperands[variadic]: LLVM_VALUE],
        attributes: [operandSegmentSizes: DENSE_I32_ARRAY_ATTR],
        successors: [trueDest, falseDest],
        traits: PURE | TERMINATOR | ATTR_SIZED_OPERAND_SEGMENTS,
        parse: parse_cond_br,
        print: print_cond_br,
        verify: verify_branch,
        interfaces: Interfaces {
            successor_operands: Some(cond_br_operands),
            ..Interfaces::NONE
        },
    }
}

/// The operands a branch forwards to successor `i`.
pub fn successor_operands(ctx: &Context, op: Op, i: usize) -> Vec<Value> {
    match ctx.op_def(op).and_then(|d| d.interfaces.successor_operands) {
        Some(f) => {
            let r = f(ctx, op, i);
            let ops = ctx.operand_vec(op);
            ops.get(r).map(|s| s.to_vec()).unwrap_or_default()
        }
        None => Vec::new(),
    }
}

fn cond_br_operands(ctx: &Context, op: Op, i: usize) -> std::ops::Range<usize> {
    let segs = ctx
        .attr(op, "operandSegmentSizes")
        .and_then(|a| ctx.dense_int_array(a))
        .unwrap_or_default();
    let n = ctx.num_operands(op);
    let t = segs.get(1).copied().unwrap_or(0).max(0) as usize;
    let f = segs.get(2).copied().unwrap_or(0).max(0) as usize;
    let r = if i == 0 { 1..1 + t } else { 1 + t..1 + t + f };
    r.start.min(n)..r.end.min(n)
}

fn parse_br(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let (b, vals) = p.parse_successor_and_use_list()?;
    st.successors.push(b);
    st.operands = vals;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    Ok(())
}

fn print_br(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    pr.print_successor_and_operands(ctx.successors(op)[0], &ctx.operand_vec(op));
    attr_dict(pr, op, false, &[]);
}

fn parse_cond_br(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let c = p.parse_operand()?;
    let i1 = p.ctx.i1();
    let cond = p.resolve_operand(&c, i1)?;
    p.expect(Tok::Comma, "")?;
    let (tb, tv) = p.parse_successor_and_use_list()?;
    p.expect(Tok::Comma, "")?;
    let (fb, fv) = p.parse_successor_and_use_list()?;
    p.parse_optional_attr_dict(&mut st.attrs)?;
    let seg = p
        .ctx
        .dense_i32_array(&[1, tv.len() as i32, fv.len() as i32]);
    set_prop(p.ctx, st, "operandSegmentSizes", seg);
    st.operands.push(cond);
    st.operands.extend(tv);
    st.operands.extend(fv);
    st.successors = vec![tb, fb];
    Ok(())
}

fn print_cond_br(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write(" ");
    pr.print_operand(ctx.operand(op, 0));
    for i in 0..2 {
        pr.write(", ");
        let vals = successor_operands(ctx, op, i);
        pr.print_successor_and_operands(ctx.successors(op)[i], &vals);
    }
    attr_dict(pr, op, false, &["operandSegmentSizes"]);
}

fn verify_branch(ctx: &Context, op: Op) -> Result<(), Diagnostic> {
    for (i, &b) in ctx.successors(op).iter().enumerate() {
        let vals = successor_operands(ctx, op, i);
        let args = ctx.block_args(b);
        if vals.len() != args.len() {
            return Err(ctx.op_error(
                op,
                format!(
                    "branch has {} operands for successor #{i}, but target block has {}",
                    vals.len(),
                    args.len()
                ),
            ));
        }
        for (j, (&v, &a)) in vals.iter().zip(args).enumerate() {
            if ctx.value_type(v) != ctx.value_type(a) {
                return Err(ctx.op_error(
                    op,
                    format!("type mismatch for bb argument #{j} of successor #{i}"),
                ));
            }
        }
    }
    Ok(())
}

// ----- intrinsics --------------------------------------------------------

macro_rules! intr {
    ($ty:ident, $name:literal, $arity:expr, $float:expr) => {
        dlc_ir::define_op! {
            #[doc = concat!("`", $name, "(...) : (T...) -> T`")]
            pub struct $ty = $name {
                summary: "LLVM intrinsic",
                operands: [args[variadic]: LLVM_VALUE],
                results: [res: LLVM_VALUE],
                attributes: [fastmathFlags[optional]: FASTMATH_PROP],
                traits: PURE,
                parse: parse_intr,
                print: print_intr,
                verify: |c, op| verify_intr(c, op, $arity, $float),
            }
        }
    };
}
intr!(ExpOp, "llvm.intr.exp", 1, true);
intr!(Exp2Op, "llvm.intr.exp2", 1, true);
intr!(LogOp, "llvm.intr.log", 1, true);
intr!(Log2Op, "llvm.intr.log2", 1, true);
intr!(Log10Op, "llvm.intr.log10", 1, true);
intr!(SqrtOp, "llvm.intr.sqrt", 1, true);
intr!(FAbsOp, "llvm.intr.fabs", 1, true);
intr!(SinOp, "llvm.intr.sin", 1, true);
intr!(CosOp, "llvm.intr.cos", 1, true);
intr!(TanOp, "llvm.intr.tan", 1, true);
intr!(AsinOp, "llvm.intr.asin", 1, true);
intr!(AcosOp, "llvm.intr.acos", 1, true);
intr!(AtanOp, "llvm.intr.atan", 1, true);
intr!(SinhOp, "llvm.intr.sinh", 1, true);
intr!(CoshOp, "llvm.intr.cosh", 1, true);
intr!(TanhOp, "llvm.intr.tanh", 1, true);
intr!(FloorOp, "llvm.intr.floor", 1, true);
intr!(CeilOp, "llvm.intr.ceil", 1, true);
intr!(RoundOp, "llvm.intr.round", 1, true);
intr!(RoundEvenOp, "llvm.intr.roundeven", 1, true);
intr!(FTruncOp, "llvm.intr.trunc", 1, true);
intr!(PowOp, "llvm.intr.pow", 2, true);
intr!(MaxNumOp, "llvm.intr.maxnum", 2, true);
intr!(MinNumOp, "llvm.intr.minnum", 2, true);
intr!(MaximumOp, "llvm.intr.maximum", 2, true);
intr!(MinimumOp, "llvm.intr.minimum", 2, true);
intr!(CopySignOp, "llvm.intr.copysign", 2, true);
intr!(FMulAddOp, "llvm.intr.fmuladd", 3, true);
intr!(FmaOp, "llvm.intr.fma", 3, true);
intr!(SMaxOp, "llvm.intr.smax", 2, false);
intr!(SMinOp, "llvm.intr.smin", 2, false);
intr!(UMaxOp, "llvm.intr.umax", 2, false);
intr!(UMinOp, "llvm.intr.umin", 2, false);

fn parse_intr(p: &mut OpAsmParser<'_, '_>, st: &mut OperationState) -> PResult<()> {
    let (ct, _) = p.parse_call_operands_and_signature(st)?;
    if st.result_types.len() != 1 {
        return Err(p.error_at(ct, "expected one result type"));
    }
    Ok(())
}

fn print_intr(pr: &mut OpAsmPrinter<'_>, op: Op) {
    let ctx = pr.ctx;
    pr.write("(");
    pr.print_operands(&ctx.operand_vec(op));
    pr.write(")");
    let mut elided = vec![];
    if ctx
        .attr(op, "fastmathFlags")
        .and_then(|a| fastmath_bits(ctx, a))
        == Some(0)
    {
        elided.push("fastmathFlags");
    }
    attr_dict(pr, op, false, &elided);
    pr.write(" : ");
    pr.print_function_sig(&ctx.operand_types(op), &ctx.result_types(op));
}

fn verify_intr(ctx: &Context, op: Op, arity: usize, float: bool) -> Result<(), Diagnostic> {
    if ctx.num_operands(op) != arity {
        return Err(ctx.op_error(
            op,
            format!(
                "expected {arity} operands, but found {}",
                ctx.num_operands(op)
            ),
        ));
    }
    let r = ctx.value_type(ctx.result(op, 0));
    let ok_kind = if float {
        is_float_like(ctx, r)
    } else {
        is_int_like(ctx, r)
    };
    if !ok_kind {
        return Err(ctx.op_error(
            op,
            format!(
                "result #0 must be {}, but got '{}'",
                if float {
                    "floating point LLVM type or vector of it"
                } else {
                    "signless integer or vector of it"
                },
                ty_str(ctx, r)
            ),
        ));
    }
    if ctx.operand_types(op).iter().any(|&t| t != r) {
        return Err(ctx.op_error(op, "requires the same type for all operands and results"));
    }
    Ok(())
}

/// Every op of the dialect.
pub static OPS: &[&dlc_ir::OpDef] = &[
    &FuncOp::DEF,
    &ReturnOp::DEF,
    &CallOp::DEF,
    &ConstantOp::DEF,
    &ZeroOp::DEF,
    &UndefOp::DEF,
    &PoisonOp::DEF,
    &GlobalOp::DEF,
    &AddressOfOp::DEF,
    &AddOp::DEF,
    &SubOp::DEF,
    &MulOp::DEF,
    &SDivOp::DEF,
    &UDivOp::DEF,
    &SRemOp::DEF,
    &URemOp::DEF,
    &AndOp::DEF,
    &OrOp::DEF,
    &XOrOp::DEF,
    &ShlOp::DEF,
    &LShrOp::DEF,
    &AShrOp::DEF,
    &FAddOp::DEF,
    &FSubOp::DEF,
    &FMulOp::DEF,
    &FDivOp::DEF,
    &FRemOp::DEF,
    &FNegOp::DEF,
    &ICmpOp::DEF,
    &FCmpOp::DEF,
    &SelectOp::DEF,
    &SExtOp::DEF,
    &ZExtOp::DEF,
    &TruncOp::DEF,
    &SIToFPOp::DEF,
    &UIToFPOp::DEF,
    &FPToSIOp::DEF,
    &FPToUIOp::DEF,
    &FPExtOp::DEF,
    &FPTruncOp::DEF,
    &BitcastOp::DEF,
    &InsertElementOp::DEF,
    &ExtractElementOp::DEF,
    &ShuffleVectorOp::DEF,
    &PtrToIntOp::DEF,
    &IntToPtrOp::DEF,
    &GEPOp::DEF,
    &LoadOp::DEF,
    &StoreOp::DEF,
    &BrOp::DEF,
    &CondBrOp::DEF,
    &ExpOp::DEF,
    &Exp2Op::DEF,
    &LogOp::DEF,
    &Log2Op::DEF,
    &Log10Op::DEF,
    &SqrtOp::DEF,
    &FAbsOp::DEF,
    &SinOp::DEF,
    &CosOp::DEF,
    &TanOp::DEF,
    &AsinOp::DEF,
    &AcosOp::DEF,
    &AtanOp::DEF,
    &SinhOp::DEF,
    &CoshOp::DEF,
    &TanhOp::DEF,
    &FloorOp::DEF,
    &CeilOp::DEF,
    &RoundOp::DEF,
    &RoundEvenOp::DEF,
    &FTruncOp::DEF,
    &PowOp::DEF,
    &MaxNumOp::DEF,
    &MinNumOp::DEF,
    &MaximumOp::DEF,
    &MinimumOp::DEF,
    &CopySignOp::DEF,
    &FMulAddOp::DEF,
    &FmaOp::DEF,
    &SMaxOp::DEF,
    &SMinOp::DEF,
    &UMaxOp::DEF,
    &UMinOp::DEF,
];
